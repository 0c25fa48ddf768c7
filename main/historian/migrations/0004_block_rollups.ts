// The fine rollup level (1 s) moves into the block rows: one compressed blob per block instead of one row per second.
// Rows of a 1 s level in the rollups table (opt-in before) are dropped: that level is now read from the blocks, and
// blocks written before this migration (rollup NULL) are rolled up from their samples when read.
import type { Database } from '../../database/sqlite'

export const version = 4

export function up(db: Database): void {
  db.exec('ALTER TABLE blocks ADD COLUMN rollup BLOB; DELETE FROM rollups WHERE width_ms = 1000;')
}

export function down(db: Database): void {
  db.exec('ALTER TABLE blocks DROP COLUMN rollup;')
}
