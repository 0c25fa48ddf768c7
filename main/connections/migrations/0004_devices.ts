// The devices the workstation saw, as they described themselves (OPC UA BuildInfo, Modbus 43/14, MQTT $SYS, Sparkplug
// ids), with the first and last time each was heard from: the inventory of an assessment report.
import type { Database } from '../../database/sqlite'

export const version = 4

export function up(db: Database): void {
  db.exec(`CREATE TABLE devices (
    connection_id TEXT NOT NULL,
    key TEXT NOT NULL,
    kind TEXT NOT NULL,
    facts TEXT NOT NULL,
    note TEXT,
    first_seen INTEGER NOT NULL,
    last_seen INTEGER NOT NULL,
    identified_at INTEGER NOT NULL,
    PRIMARY KEY (connection_id, key)
  )`)
}

export function down(db: Database): void {
  db.exec('DROP TABLE devices')
}
