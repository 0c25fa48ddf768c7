// Deploy targets (credentials sealed) and every version deployed to them: who, when, the tab, the diff, the verification.
import type { Database } from '../../../database/sqlite'

export const version = 1

export function up(db: Database): void {
  db.exec(`CREATE TABLE deploy_targets (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('node-red')),
    config_json TEXT NOT NULL,
    sealed_secrets TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
  CREATE TABLE deploy_versions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    target_id TEXT NOT NULL REFERENCES deploy_targets (id) ON DELETE CASCADE,
    version INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('apply', 'rollback')),
    user TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    summary TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('verified', 'applied', 'failed', 'rolled-back')),
    tab_json TEXT NOT NULL,
    tags_json TEXT NOT NULL,
    diff_json TEXT NOT NULL,
    drift_choice TEXT,
    verify_json TEXT,
    rev TEXT,
    rolled_back_to INTEGER,
    UNIQUE (target_id, version)
  )`)
}

export function down(db: Database): void {
  db.exec('DROP TABLE deploy_versions; DROP TABLE deploy_targets')
}
