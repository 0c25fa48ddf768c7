// <dataDir>/alarms.db: a file of its own so its numbered migrations never collide with another feature's.
import { join } from 'node:path'
import { migrate } from '../../database/numbered-migrations'
import { openDatabase, type Database } from '../../database/sqlite'
import { alarmsMigrations } from './migrations'

export const ALARMS_DB_FILE = 'alarms.db'
export const ALARMS_SCHEMA_TABLE = 'alarms_schema_version'

export function migrateAlarmsDb(db: Database, target?: number): number {
  return migrate(db, alarmsMigrations, ALARMS_SCHEMA_TABLE, target)
}

export function openAlarmsDb(dataDir: string): Database {
  const db = openDatabase(join(dataDir, ALARMS_DB_FILE))
  db.pragma('journal_mode = WAL')
  db.pragma('busy_timeout = 2000')
  // WAL with NORMAL: a commit is in the WAL (the OS's cache) before it returns, so a crash of the app loses nothing;
  // AlarmStore makes it durable against a power loss (FULL, an fsync of the WAL) at most a second later, at once for
  // what a person did, and before any message leaves (see main/alarms/README.md, "Durability").
  db.pragma('synchronous = NORMAL')
  migrateAlarmsDb(db)
  return db
}
