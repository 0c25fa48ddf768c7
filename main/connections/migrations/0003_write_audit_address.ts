// The write audit names where each write would land (address with unit id) and records mismatched read-backs and
// cancelled prepared writes; SQLite cannot widen a CHECK in place, so the table is rebuilt.
import type { Database } from '../../database/sqlite'

export const version = 3

const COMMON_COLUMNS = 'id, time, user, connection_id, connection_name, tag_id, old_value, new_value, result, message'

function createAuditTable(db: Database, name: string, results: readonly string[], withAddress: boolean): void {
  db.exec(`CREATE TABLE ${name} (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    time INTEGER NOT NULL,
    user TEXT NOT NULL,
    connection_id TEXT NOT NULL,
    connection_name TEXT NOT NULL,
    tag_id TEXT NOT NULL,${withAddress ? '\n    address TEXT,' : ''}
    old_value TEXT,
    new_value TEXT,
    result TEXT NOT NULL CHECK (result IN (${results.map((r) => `'${r}'`).join(', ')})),
    message TEXT NOT NULL
  )`)
}

export function up(db: Database): void {
  createAuditTable(db, 'write_audit_next', ['ok', 'mismatch', 'refused', 'cancelled', 'failed'], true)
  db.exec(`INSERT INTO write_audit_next (${COMMON_COLUMNS}) SELECT ${COMMON_COLUMNS} FROM write_audit;
    DROP TABLE write_audit;
    ALTER TABLE write_audit_next RENAME TO write_audit;
    CREATE INDEX write_audit_connection_time ON write_audit (connection_id, time)`)
}

/** Back to version 2: a mismatch was a failure there, a cancellation a refusal; addresses are dropped. */
export function down(db: Database): void {
  createAuditTable(db, 'write_audit_previous', ['ok', 'refused', 'failed'], false)
  db.exec(`INSERT INTO write_audit_previous (${COMMON_COLUMNS})
      SELECT id, time, user, connection_id, connection_name, tag_id, old_value, new_value,
        CASE result WHEN 'mismatch' THEN 'failed' WHEN 'cancelled' THEN 'refused' ELSE result END, message
      FROM write_audit;
    DROP TABLE write_audit;
    ALTER TABLE write_audit_previous RENAME TO write_audit;
    CREATE INDEX write_audit_connection_time ON write_audit (connection_id, time)`)
}
