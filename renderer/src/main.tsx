import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { App } from './app/App'
import { ClientContext } from './app/client-context'
import { pickBridge } from './bridge/pick-bridge'
import './app/theme.css'
import 'uplot/dist/uPlot.min.css'

const root = createRoot(document.getElementById('root') as HTMLElement)
const picked = pickBridge()

if ('error' in picked) {
  root.render(
    <main className="fatal" role="alert">
      <h1>OT Workbench cannot reach its host</h1>
      <p>{picked.error}</p>
    </main>,
  )
} else {
  const queries = new QueryClient({ defaultOptions: { queries: { retry: 1, refetchOnWindowFocus: false } } })
  root.render(
    <StrictMode>
      <ClientContext.Provider value={picked}>
        <QueryClientProvider client={queries}>
          <App />
        </QueryClientProvider>
      </ClientContext.Provider>
    </StrictMode>,
  )
}
