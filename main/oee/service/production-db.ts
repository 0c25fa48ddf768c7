// <dataDir>/production.db: downtime events, their history, reason tree, rules and line config. A file of its own so
// its numbered migrations never collide with workbench.db's.
import { join } from 'node:path'
import { migrate, schemaVersion } from '../../database/numbered-migrations'
import { openDatabase, type Database } from '../../database/sqlite'
import { productionMigrations, type ProductionMigration } from './migrations'

export const PRODUCTION_DB_FILE = 'production.db'

export function productionDbVersion(db: Database): number {
  return schemaVersion(db, 'production_schema_version')
}

/** Migrates up or down to `target` (default latest), one transaction per step. */
export function migrateProductionDb(db: Database, target?: number, migrations: readonly ProductionMigration[] = productionMigrations): number {
  return migrate(db, migrations, 'production_schema_version', target)
}

export function openProductionDb(dataDir: string): Database {
  const db = openDatabase(join(dataDir, PRODUCTION_DB_FILE))
  db.pragma('journal_mode = WAL')
  db.pragma('busy_timeout = 2000')
  migrateProductionDb(db)
  return db
}
