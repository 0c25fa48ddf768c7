// Deliveries are claimed (committed durably) before they are sent and marked sent after the server's answer, with the
// SMTP phase reached, so a restart can tell a message the server cannot have accepted from one it may have; rule
// deletions carry the deleted rule's definition in the journal; the last time the journal was synced to disk.
import type { Database } from '../../../database/sqlite'

export const version = 3

export function up(db: Database): void {
  db.exec('ALTER TABLE alarm_deliveries ADD COLUMN claimed_at INTEGER')
  // null (not yet reached), 'end-of-data' (an SMTP message's last byte handed over: the server may have accepted it).
  db.exec('ALTER TABLE alarm_deliveries ADD COLUMN phase TEXT')
  db.exec('ALTER TABLE alarm_deliveries ADD COLUMN note TEXT')
  db.exec('ALTER TABLE alarm_journal ADD COLUMN definition_json TEXT')
  db.exec('CREATE TABLE alarm_sync (id INTEGER PRIMARY KEY CHECK (id = 1), synced_at INTEGER NOT NULL)')
}

export function down(db: Database): void {
  db.exec('DROP TABLE alarm_sync')
  db.exec(`UPDATE alarm_deliveries SET status = 'pending' WHERE status = 'sending'`)
  db.exec('ALTER TABLE alarm_journal DROP COLUMN definition_json')
  db.exec('ALTER TABLE alarm_deliveries DROP COLUMN note')
  db.exec('ALTER TABLE alarm_deliveries DROP COLUMN phase')
  db.exec('ALTER TABLE alarm_deliveries DROP COLUMN claimed_at')
}
