// Key/value settings that must survive restarts (global retention).
import type { Database } from '../../database/sqlite'

export const version = 3

export function up(db: Database): void {
  db.exec('CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;')
}

export function down(db: Database): void {
  db.exec('DROP TABLE settings;')
}
