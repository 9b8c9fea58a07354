import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'

const repoRoot = path.resolve(__dirname, '../..')

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number }
      probe.close(() => resolve(port))
    })
  })
}

/** The first console account's password, for the console's browser tests. */
export const ADMIN_PASSWORD = 'e2e-admin-password'

export interface RunningServer {
  baseUrl: string
  stop(): Promise<void>
}

/**
 * The real server, started the way `npm start` starts it (embedded PostgreSQL in a fresh data
 * directory, demo data seeded, the h5 build served), on a free local port.
 */
export async function startServer(): Promise<RunningServer> {
  const port = await freePort()
  const dataDir = mkdtempSync(path.join(tmpdir(), 'loyalty-mall-e2e-'))
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
    cwd: repoRoot,
    env: { ...process.env, NODE_ENV: 'development', PORT: String(port), HOST: '127.0.0.1', PGLITE_DIR: dataDir, DATABASE_URL: '', LOG_LEVEL: 'warn', ADMIN_BOOTSTRAP_PASSWORD: ADMIN_PASSWORD },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let output = ''
  child.stdout?.on('data', (chunk) => (output += chunk))
  child.stderr?.on('data', (chunk) => (output += chunk))
  const baseUrl = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 60_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited early:\n${output}`)
    if (Date.now() > deadline) throw new Error(`server did not become healthy in 60 s:\n${output}`)
    const healthy = await fetch(`${baseUrl}/health`).then((r) => r.ok, () => false)
    if (healthy) break
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
  return {
    baseUrl,
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGTERM')
      await exited
      rmSync(dataDir, { recursive: true, force: true })
    }
  }
}
