import { createContext, useContext } from 'react'
import type { WorkbenchClient } from '../bridge/client'

export const ClientContext = createContext<WorkbenchClient | null>(null)

export function useClient(): WorkbenchClient {
  const client = useContext(ClientContext)
  if (!client) throw new Error('useClient outside <ClientContext.Provider>')
  return client
}
