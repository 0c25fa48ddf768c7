// The app's own settings database, <dataDir>/workbench.db: connections, write audit. Numbered migrations, never schema sync.
import { join } from 'node:path'
import { migrate, schemaVersion } from '../database/numbered-migrations'
import { openDatabase, type Database } from '../database/sqlite'
import { workbenchMigrations, type WorkbenchMigration } from './migrations'

export type { Database }

export const WORKBENCH_DB_FILE = 'workbench.db'

export function workbenchDbVersion(db: Database): number {
  return schemaVersion(db, 'schema_version')
}

/** Migrates up or down to `target` (default latest), one transaction per step. */
export function migrateWorkbenchDb(db: Database, target?: number, migrations: readonly WorkbenchMigration[] = workbenchMigrations): number {
  return migrate(db, migrations, 'schema_version', target)
}

export function openWorkbenchDb(dataDir: string): Database {
  const db = openDatabase(join(dataDir, WORKBENCH_DB_FILE))
  db.pragma('journal_mode = WAL')
  db.pragma('foreign_keys = ON')
  // Replaced and deleted rows are overwritten with zeros, so a secret stored in plain text by an older version does not linger.
  db.pragma('secure_delete = ON')
  migrateWorkbenchDb(db)
  return db
}
