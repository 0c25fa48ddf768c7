// Blocks holding a no-data mark (a NaN sample: recording stopped, connection lost, a bad read) in their own small
// partial index, so every bucket query finds the gaps of its range without reading the blocks that have none.
import type { Database } from '../../database/sqlite'

export const version = 5

export function up(db: Database): void {
  db.exec('CREATE INDEX blocks_no_data ON blocks (tag_id, t_last) WHERE count > value_count;')
}

export function down(db: Database): void {
  db.exec('DROP INDEX blocks_no_data;')
}
