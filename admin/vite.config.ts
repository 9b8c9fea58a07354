import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'
import react from '@vitejs/plugin-react'

const adminRoot = fileURLToPath(new URL('.', import.meta.url))
const typesDir = fileURLToPath(new URL('../types', import.meta.url))

// Root pinned to this folder so `npx vite --config admin/vite.config.ts` from the repo root and
// `npm run build --prefix admin` build the same thing.
export default defineConfig({
  root: adminRoot,
  base: '/admin/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            // Changes least often: cached across releases of the console's own code.
            { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler|react-router|@tanstack)[\\/]/ }
          ]
        }
      }
    }
  },
  server: {
    host: '127.0.0.1',
    // The contract's plain-data modules (error codes, roles) live outside this folder.
    fs: { allow: [adminRoot, typesDir] },
    proxy: { '/api': 'http://127.0.0.1:3000' }
  },
  preview: {
    host: '127.0.0.1',
    proxy: { '/api': 'http://127.0.0.1:3000' }
  }
})
