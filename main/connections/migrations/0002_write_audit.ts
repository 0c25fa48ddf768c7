// Every attempted write: who, when, where, old and new value, and what came of it.
import type { Database } from '../../database/sqlite'

export const version = 2

export function up(db: Database): void {
  db.exec(`CREATE TABLE write_audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    time INTEGER NOT NULL,
    user TEXT NOT NULL,
    connection_id TEXT NOT NULL,
    connection_name TEXT NOT NULL,
    tag_id TEXT NOT NULL,
    old_value TEXT,
    new_value TEXT,
    result TEXT NOT NULL CHECK (result IN ('ok', 'refused', 'failed')),
    message TEXT NOT NULL
  );
  CREATE INDEX write_audit_connection_time ON write_audit (connection_id, time)`)
}

export function down(db: Database): void {
  db.exec('DROP TABLE write_audit')
}
