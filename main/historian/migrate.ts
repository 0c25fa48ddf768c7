// Applies numbered migrations up or down, recording the version in schema_version; the schema is never "synced".
import { migrations as allMigrations, type Migration } from './migrations/index';
import type { Database } from './sqlite';

export function currentVersion(db: Database): number {
  db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL, applied_at INTEGER NOT NULL)');
  const row = db.prepare<{ v: number | null }>('SELECT max(version) AS v FROM schema_version').get();
  return row?.v ?? 0;
}

/** Migrates to `target` (default: latest), each step in its own transaction. Returns the new version. */
export function migrate(db: Database, target?: number, migrations: readonly Migration[] = allMigrations): number {
  const latest = migrations.length === 0 ? 0 : migrations[migrations.length - 1].version;
  const goal = target ?? latest;
  let version = currentVersion(db);
  if (version > latest) {
    throw new Error(`Historian file ${db.name} has schema version ${version}, newer than this build knows (${latest}). Open it with a newer OT Workbench.`);
  }
  while (version < goal) {
    const m = migrations.find((x) => x.version === version + 1);
    if (!m) throw new Error(`Historian migration ${version + 1} is missing; cannot upgrade ${db.name}.`);
    db.transaction(() => {
      m.up(db);
      db.prepare('INSERT INTO schema_version (version, applied_at) VALUES (?, ?)').run(m.version, Date.now());
    })();
    version = m.version;
  }
  while (version > goal) {
    const m = migrations.find((x) => x.version === version);
    if (!m) throw new Error(`Historian migration ${version} is missing; cannot downgrade ${db.name}.`);
    db.transaction(() => {
      m.down(db);
      db.prepare('DELETE FROM schema_version WHERE version >= ?').run(m.version);
    })();
    version = m.version - 1;
  }
  return version;
}
