// Tags (string id → integer id) and compressed sample blocks.
import type { Database } from '../../database/sqlite'

export const version = 1

export function up(db: Database): void {
  db.exec(`
    CREATE TABLE tags (
      id INTEGER PRIMARY KEY,
      name TEXT NOT NULL UNIQUE,
      unit TEXT,
      data_type TEXT NOT NULL DEFAULT 'float',
      deadband REAL,
      on_change INTEGER NOT NULL DEFAULT 0,
      retention_ms INTEGER,
      created_at INTEGER NOT NULL
    );
    CREATE TABLE blocks (
      id INTEGER PRIMARY KEY,
      tag_id INTEGER NOT NULL,
      t_first INTEGER NOT NULL,
      t_last INTEGER NOT NULL,
      count INTEGER NOT NULL,
      value_count INTEGER NOT NULL,
      vmin REAL,
      vmax REAL,
      vsum REAL,
      sealed INTEGER NOT NULL,
      data BLOB NOT NULL
    );
    CREATE INDEX blocks_tag_time ON blocks (tag_id, t_last);
    CREATE INDEX blocks_time ON blocks (t_last);
  `)
}

export function down(db: Database): void {
  db.exec('DROP TABLE blocks; DROP TABLE tags;')
}
