// sync.db: the durable per-tag cursor of each tenant (the last sample the tenant committed) and the stored target.
import { migrate, type NumberedMigration } from '../database/numbered-migrations'
import { openDatabase, type Database } from '../database/sqlite'
import type { StoredTenantTarget } from '../deploy/tenant/tenant-target'

/** The last sample committed in the tenant for one tag: its time, and how many samples at that time were sent. */
export interface SyncCursor {
  lastT: number
  countAtT: number
}

const migrations: NumberedMigration[] = [
  {
    version: 1,
    name: 'sync cursors and the tenant target',
    up: (db) => {
      db.exec(
        `CREATE TABLE sync_cursors (target TEXT NOT NULL, tag_id TEXT NOT NULL, last_t INTEGER NOT NULL, count_at_t INTEGER NOT NULL, sent INTEGER NOT NULL DEFAULT 0, updated_at INTEGER NOT NULL, PRIMARY KEY (target, tag_id))`,
      )
      db.exec(`CREATE TABLE tenant_target (id INTEGER PRIMARY KEY CHECK (id = 1), stored TEXT NOT NULL)`)
    },
    down: (db) => {
      db.exec('DROP TABLE sync_cursors')
      db.exec('DROP TABLE tenant_target')
    },
  },
]

export class SyncCursorStore {
  private readonly db: Database

  constructor(readonly file: string) {
    this.db = openDatabase(file)
    this.db.pragma('journal_mode = WAL')
    // synchronous FULL: a cursor advanced after the tenant's commit must survive a power cut too, or the tenant gets a re-send (harmless) — FULL keeps re-sends to crashes only.
    this.db.pragma('synchronous = FULL')
    migrate(this.db, migrations, 'schema_version')
  }

  get(target: string, tagId: string): SyncCursor | null {
    const row = this.db
      .prepare<{ last_t: number; count_at_t: number }>('SELECT last_t, count_at_t FROM sync_cursors WHERE target = ? AND tag_id = ?')
      .get(target, tagId)
    return row ? { lastT: row.last_t, countAtT: row.count_at_t } : null
  }

  all(target: string): Map<string, SyncCursor> {
    const rows = this.db
      .prepare<{ tag_id: string; last_t: number; count_at_t: number }>('SELECT tag_id, last_t, count_at_t FROM sync_cursors WHERE target = ?')
      .all(target)
    return new Map(rows.map((r) => [r.tag_id, { lastT: r.last_t, countAtT: r.count_at_t }]))
  }

  /** Advances several cursors in one transaction (after the tenant committed the rows they cover). */
  advance(target: string, moves: ReadonlyMap<string, SyncCursor & { sent: number }>): void {
    const upsert = this.db.prepare(
      `INSERT INTO sync_cursors (target, tag_id, last_t, count_at_t, sent, updated_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (target, tag_id) DO UPDATE SET last_t = excluded.last_t, count_at_t = excluded.count_at_t, sent = sent + excluded.sent, updated_at = excluded.updated_at`,
    )
    const now = Date.now()
    this.db.transaction(() => {
      for (const [tagId, c] of moves) upsert.run(target, tagId, c.lastT, c.countAtT, c.sent, now)
    })()
  }

  getTarget(): StoredTenantTarget | null {
    const row = this.db.prepare<{ stored: string }>('SELECT stored FROM tenant_target WHERE id = 1').get()
    return row ? (JSON.parse(row.stored) as StoredTenantTarget) : null
  }

  setTarget(stored: StoredTenantTarget): void {
    this.db.prepare('INSERT INTO tenant_target (id, stored) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET stored = excluded.stored').run(JSON.stringify(stored))
  }

  /** Forgets the tenant; true when one was set up. The per-tag cursors stay (the same tenant set up again resumes). */
  removeTarget(): boolean {
    return this.db.prepare('DELETE FROM tenant_target WHERE id = 1').run().changes > 0
  }

  close(): void {
    this.db.close()
  }
}
