// Notification targets (secrets sealed), transitions waiting in their group, and the messages to deliver with their attempts.
import type { Database } from '../../../database/sqlite'

export const version = 2

export function up(db: Database): void {
  db.exec(`CREATE TABLE alarm_targets (
    id TEXT PRIMARY KEY,
    target_json TEXT NOT NULL,
    sealed_secret TEXT,
    updated_at INTEGER NOT NULL
  )`)
  db.exec(`CREATE TABLE alarm_groups (
    target_id TEXT NOT NULL,
    group_key TEXT NOT NULL,
    first_waiting_at INTEGER,
    last_sent_at INTEGER,
    sent_count INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (target_id, group_key)
  )`)
  db.exec(`CREATE TABLE alarm_group_waiting (
    target_id TEXT NOT NULL,
    group_key TEXT NOT NULL,
    journal_id INTEGER NOT NULL REFERENCES alarm_journal (id),
    PRIMARY KEY (target_id, group_key, journal_id)
  )`)
  db.exec(`CREATE TABLE alarm_deliveries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    target_id TEXT NOT NULL,
    group_key TEXT NOT NULL,
    idempotency_key TEXT NOT NULL UNIQUE,
    payload_json TEXT NOT NULL,
    transitions INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER,
    sent_at INTEGER,
    last_error TEXT
  )`)
  db.exec('CREATE INDEX alarm_deliveries_due ON alarm_deliveries (status, next_attempt_at)')
}

export function down(db: Database): void {
  db.exec('DROP TABLE alarm_deliveries')
  db.exec('DROP TABLE alarm_group_waiting')
  db.exec('DROP TABLE alarm_groups')
  db.exec('DROP TABLE alarm_targets')
}
