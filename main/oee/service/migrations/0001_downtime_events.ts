import type { Database } from '../../../database/sqlite'

/** Downtime events (one row each, the event as JSON), their change history and the production settings (reason tree, rules, line config). */
export const migration0001 = {
  version: 1,
  name: 'downtime events, history, settings',
  up(db: Database): void {
    db.exec(`
      CREATE TABLE downtime_events (id TEXT PRIMARY KEY, machine TEXT NOT NULL, start_ms INTEGER NOT NULL, end_ms INTEGER NOT NULL, data TEXT NOT NULL);
      CREATE INDEX downtime_events_time ON downtime_events (end_ms, start_ms);
      CREATE TABLE downtime_event_history (seq INTEGER PRIMARY KEY AUTOINCREMENT, event_id TEXT NOT NULL, at INTEGER NOT NULL, who TEXT NOT NULL, action TEXT NOT NULL, before TEXT, after TEXT);
      CREATE INDEX downtime_event_history_event ON downtime_event_history (event_id, seq);
      CREATE TABLE production_settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    `)
  },
  down(db: Database): void {
    db.exec('DROP TABLE production_settings; DROP TABLE downtime_event_history; DROP TABLE downtime_events;')
  },
}
