// Pre-aggregated buckets per tag and level (bucket width in ms), written at flush time.
import type { Database } from '../../database/sqlite'

export const version = 2

export function up(db: Database): void {
  db.exec(`
    CREATE TABLE rollups (
      tag_id INTEGER NOT NULL,
      width_ms INTEGER NOT NULL,
      bucket INTEGER NOT NULL,
      count INTEGER NOT NULL,
      vmin REAL,
      vmax REAL,
      vsum REAL,
      vfirst REAL,
      vlast REAL,
      PRIMARY KEY (tag_id, width_ms, bucket)
    ) WITHOUT ROWID;
  `)
}

export function down(db: Database): void {
  db.exec('DROP TABLE rollups;')
}
