// <dataDir>/production.db: downtime events, their history, reason tree, rules and line config. A file of its own so
// its numbered migrations never collide with workbench.db's.
import { join } from 'node:path'
import { openDatabase, type Database } from '../historian/sqlite'
import { productionMigrations, type ProductionMigration } from './migrations'

export const PRODUCTION_DB_FILE = 'production.db'

export function productionDbVersion(db: Database): number {
  db.exec('CREATE TABLE IF NOT EXISTS production_schema_version (version INTEGER NOT NULL, applied_at INTEGER NOT NULL)')
  return db.prepare<{ v: number | null }>('SELECT max(version) AS v FROM production_schema_version').get()?.v ?? 0
}

/** Migrates up or down to `target` (default latest), one transaction per step. */
export function migrateProductionDb(db: Database, target?: number, migrations: readonly ProductionMigration[] = productionMigrations): number {
  const latest = migrations.at(-1)?.version ?? 0
  const goal = target ?? latest
  let version = productionDbVersion(db)
  if (version > latest) throw new Error(`${db.name} has schema version ${version}, newer than this build knows (${latest}) — open it with a newer OT Workbench`)
  while (version < goal) {
    const m = migrations.find((x) => x.version === version + 1)
    if (!m) throw new Error(`${db.name}: migration ${version + 1} is missing`)
    db.transaction(() => {
      m.up(db)
      db.prepare('INSERT INTO production_schema_version (version, applied_at) VALUES (?, ?)').run(m.version, Date.now())
    })()
    version = m.version
  }
  while (version > goal) {
    const m = migrations.find((x) => x.version === version)
    if (!m) throw new Error(`${db.name}: migration ${version} is missing`)
    db.transaction(() => {
      m.down(db)
      db.prepare('DELETE FROM production_schema_version WHERE version >= ?').run(m.version)
    })()
    version = m.version - 1
  }
  return version
}

export function openProductionDb(dataDir: string): Database {
  const db = openDatabase(join(dataDir, PRODUCTION_DB_FILE))
  db.pragma('journal_mode = WAL')
  db.pragma('busy_timeout = 2000')
  migrateProductionDb(db)
  return db
}
