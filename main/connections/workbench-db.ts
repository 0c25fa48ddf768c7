// The app's own settings database, <dataDir>/workbench.db: connections, write audit. Numbered migrations, never schema sync.
import { join } from 'node:path'
import { openDatabase, type Database } from '../historian/sqlite'
import { workbenchMigrations, type WorkbenchMigration } from './migrations'

export type { Database }

export const WORKBENCH_DB_FILE = 'workbench.db'

export function workbenchDbVersion(db: Database): number {
  db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL, applied_at INTEGER NOT NULL)')
  return db.prepare<{ v: number | null }>('SELECT max(version) AS v FROM schema_version').get()?.v ?? 0
}

/** Migrates up or down to `target` (default latest), one transaction per step. */
export function migrateWorkbenchDb(db: Database, target?: number, migrations: readonly WorkbenchMigration[] = workbenchMigrations): number {
  const latest = migrations.at(-1)?.version ?? 0
  const goal = target ?? latest
  let version = workbenchDbVersion(db)
  if (version > latest) throw new Error(`${db.name} has schema version ${version}, newer than this build knows (${latest}) — open it with a newer OT Workbench`)
  while (version < goal) {
    const m = migrations.find((x) => x.version === version + 1)
    if (!m) throw new Error(`${db.name}: migration ${version + 1} is missing`)
    db.transaction(() => {
      m.up(db)
      db.prepare('INSERT INTO schema_version (version, applied_at) VALUES (?, ?)').run(m.version, Date.now())
    })()
    version = m.version
  }
  while (version > goal) {
    const m = migrations.find((x) => x.version === version)
    if (!m) throw new Error(`${db.name}: migration ${version} is missing`)
    db.transaction(() => {
      m.down(db)
      db.prepare('DELETE FROM schema_version WHERE version >= ?').run(m.version)
    })()
    version = m.version - 1
  }
  return version
}

export function openWorkbenchDb(dataDir: string): Database {
  const db = openDatabase(join(dataDir, WORKBENCH_DB_FILE))
  db.pragma('journal_mode = WAL')
  db.pragma('foreign_keys = ON')
  migrateWorkbenchDb(db)
  return db
}
