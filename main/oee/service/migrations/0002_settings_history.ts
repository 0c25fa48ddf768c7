import type { Database } from '../../../database/sqlite'

/** Who changed the machine configuration, the shift calendar, the reason tree or the rules, when, before and after. */
export const migration0002 = {
  version: 2,
  name: 'production settings history',
  up(db: Database): void {
    db.exec(`
      CREATE TABLE production_settings_history (seq INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT NOT NULL, at INTEGER NOT NULL, who TEXT NOT NULL, before TEXT, after TEXT NOT NULL);
      CREATE INDEX production_settings_history_key ON production_settings_history (key, seq);
    `)
  },
  down(db: Database): void {
    db.exec('DROP TABLE production_settings_history;')
  },
}
