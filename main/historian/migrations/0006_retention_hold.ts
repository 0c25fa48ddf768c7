// Retention holds: per tag, the time before which a consumer (the cloud tenant sync) has every sample. Blocks ending at
// or after it are kept by retention; the holder's name is the settings row 'retention_hold'.
import type { Database } from '../../database/sqlite'

export const version = 6

export function up(db: Database): void {
  db.exec('CREATE TABLE retention_hold (tag_id INTEGER PRIMARY KEY, synced_before INTEGER NOT NULL);')
}

export function down(db: Database): void {
  db.exec("DROP TABLE retention_hold; DELETE FROM settings WHERE key = 'retention_hold';")
}
