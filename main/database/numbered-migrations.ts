// One runner for the app's numbered SQLite migrations (up and down, one transaction per step, never schema sync).
import type { Database } from './sqlite'

export interface NumberedMigration {
  version: number
  name: string
  up(db: Database): void
  down(db: Database): void
}

/** The version recorded in `versionTable` (0 for a new file); creates the table on first use. */
export function schemaVersion(db: Database, versionTable: string): number {
  db.exec(`CREATE TABLE IF NOT EXISTS ${versionTable} (version INTEGER NOT NULL, applied_at INTEGER NOT NULL)`)
  return db.prepare<{ v: number | null }>(`SELECT max(version) AS v FROM ${versionTable}`).get()?.v ?? 0
}

/** Migrates up or down to `target` (default: the latest migration) and returns the version reached. */
export function migrate(db: Database, migrations: readonly NumberedMigration[], versionTable: string, target?: number): number {
  const latest = migrations.at(-1)?.version ?? 0
  const goal = target ?? latest
  let version = schemaVersion(db, versionTable)
  if (version > latest) throw new Error(`${db.name} has schema version ${version}, newer than this build knows (${latest}) — open it with a newer OT Workbench`)
  while (version < goal) {
    const m = migrations.find((x) => x.version === version + 1)
    if (!m) throw new Error(`${db.name}: migration ${version + 1} is missing`)
    db.transaction(() => {
      m.up(db)
      db.prepare(`INSERT INTO ${versionTable} (version, applied_at) VALUES (?, ?)`).run(m.version, Date.now())
    })()
    version = m.version
  }
  while (version > goal) {
    const m = migrations.find((x) => x.version === version)
    if (!m) throw new Error(`${db.name}: migration ${version} is missing`)
    db.transaction(() => {
      m.down(db)
      db.prepare(`DELETE FROM ${versionTable} WHERE version >= ?`).run(m.version)
    })()
    version = m.version - 1
  }
  return version
}
