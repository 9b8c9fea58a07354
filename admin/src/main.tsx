import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { App as AntApp, ConfigProvider } from 'antd'
// The ES build: antd/locale/zh_CN is CommonJS, whose default import the bundler leaves wrapped.
import zhCN from 'antd/es/locale/zh_CN'
import './lib/format'
import { ApiError, onSessionLost } from './api/client'
import { dropSession, noteSessionLost } from './session'
import { AppRouter } from './router'

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // A 4xx will answer the same again; only a lost connection or a failing server is worth a retry.
      retry: (failures, error) => failures < 2 && error instanceof ApiError && (error.unanswered || error.status >= 500),
      refetchOnWindowFocus: false,
      staleTime: 15_000
    },
    mutations: { retry: false }
  }
})

onSessionLost((error) => {
  noteSessionLost(error.message)
  dropSession(queryClient)
})

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ConfigProvider locale={zhCN} theme={{ token: { colorPrimary: '#a8741a', borderRadius: 6 } }}>
      <AntApp>
        <QueryClientProvider client={queryClient}>
          <AppRouter />
        </QueryClientProvider>
      </AntApp>
    </ConfigProvider>
  </StrictMode>
)
