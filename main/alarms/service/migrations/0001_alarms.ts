// Rules, the current state of each, the journal of every transition and the outbox of transitions still to notify.
import type { Database } from '../../../database/sqlite'

export const version = 1

export function up(db: Database): void {
  db.exec(`CREATE TABLE alarm_rules (
    id TEXT PRIMARY KEY,
    rule_json TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    updated_by TEXT
  )`)
  db.exec(`CREATE TABLE alarm_states (
    rule_id TEXT PRIMARY KEY,
    snapshot_json TEXT NOT NULL,
    updated_at INTEGER NOT NULL
  )`)
  db.exec(`CREATE TABLE alarm_journal (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    rule_id TEXT NOT NULL,
    event_id TEXT,
    at INTEGER NOT NULL,
    from_state TEXT NOT NULL,
    to_state TEXT NOT NULL,
    cause TEXT NOT NULL,
    value_json TEXT NOT NULL,
    who TEXT,
    comment TEXT,
    shelved INTEGER NOT NULL,
    suppressed INTEGER NOT NULL
  )`)
  db.exec('CREATE INDEX alarm_journal_at ON alarm_journal (at)')
  db.exec('CREATE INDEX alarm_journal_rule ON alarm_journal (rule_id, at)')
  db.exec(`CREATE TABLE alarm_outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    journal_id INTEGER NOT NULL REFERENCES alarm_journal (id),
    rule_id TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    dispatched_at INTEGER
  )`)
  db.exec('CREATE INDEX alarm_outbox_waiting ON alarm_outbox (dispatched_at, id)')
}

export function down(db: Database): void {
  db.exec('DROP TABLE alarm_outbox')
  db.exec('DROP TABLE alarm_journal')
  db.exec('DROP TABLE alarm_states')
  db.exec('DROP TABLE alarm_rules')
}
