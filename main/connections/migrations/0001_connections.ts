// Connections added by hand: the configuration as JSON without secrets, the secrets sealed by the SecretBox.
import type { Database } from '../../database/sqlite'

export const version = 1

export function up(db: Database): void {
  db.exec(`CREATE TABLE connections (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    config_json TEXT NOT NULL,
    sealed_secrets TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  )`)
}

export function down(db: Database): void {
  db.exec('DROP TABLE connections')
}
