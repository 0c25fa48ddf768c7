import { userInfo } from 'node:os'
import type { Connector } from '../connectors/connector'
import { WriteAuditLog } from './writes/audit-log'
import { WriteGuard } from './writes/write-guard'
import { ConnectionManager } from './connection-manager'
import { KeyFileSecretBox, type SecretBox } from '../secrets/secret-box'
import { openWorkbenchDb, type Database } from './workbench-db'

export { connectionHandlers } from './connection-handlers'
export { ConnectionManager } from './connection-manager'
export { KeyFileSecretBox, type SecretBox } from '../secrets/secret-box'

export interface Connectivity {
  manager: ConnectionManager
  guard: WriteGuard
  audit: WriteAuditLog
  /** workbench.db, for features that keep their own tables there (deploy targets and versions). */
  db: Database
  close(): Promise<void>
}

/** Opens workbench.db and builds the connection manager and the write guard on it; stored connections are registered at once. */
export function openConnectivity(options: {
  dataDir: string
  secretBox?: SecretBox
  user?: string
  register(connector: Connector): void
  unregister(id: string): void
  connector(id: string): Connector | undefined
  onNotice?(level: 'warning' | 'error', message: string): void
}): Connectivity {
  const db = openWorkbenchDb(options.dataDir)
  const audit = new WriteAuditLog(db)
  const manager = new ConnectionManager({
    db,
    box: options.secretBox ?? KeyFileSecretBox.inDataDir(options.dataDir),
    dataDir: options.dataDir,
    register: options.register,
    unregister: options.unregister,
    isTaken: (id) => options.connector(id) !== undefined,
    onChanged: (id, change) => guard.cancelPending(id, change),
    onNotice: options.onNotice,
  })
  const guard = new WriteGuard({ audit, connector: options.connector, user: options.user ?? safeUser() })
  manager.load()
  return {
    manager,
    guard,
    audit,
    db,
    close: async () => {
      guard.close()
      await manager.close()
      db.close()
    },
  }
}

function safeUser(): string | undefined {
  try {
    return userInfo().username
  } catch {
    return undefined
  }
}
