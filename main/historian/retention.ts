// Background retention: deletes old blocks and rollups in small transactions, yielding between them so ingest never waits long.
import type { Database } from '../database/sqlite'
import type { RetentionPolicy } from './types'

export interface RetentionContext {
  widths: readonly number[]
  batchRows: number
  intervalMs: number
  now: () => number
  tagRetention: () => { id: number; retentionMs: number | null }[]
  onError: (cause: unknown) => void
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve))

export class RetentionWorker {
  private policy: RetentionPolicy = {}
  private timer: NodeJS.Timeout | null = null
  private running: Promise<number> | null = null
  private readonly deleteTagOld
  private readonly deleteOldest
  private readonly oldestRollup
  private readonly deleteRollups

  constructor(
    private readonly db: Database,
    private readonly ctx: RetentionContext,
  ) {
    this.deleteTagOld = db.prepare('DELETE FROM blocks WHERE id IN (SELECT id FROM blocks WHERE tag_id = ? AND t_last < ? ORDER BY t_last LIMIT ?)')
    this.deleteOldest = db.prepare('DELETE FROM blocks WHERE id IN (SELECT id FROM blocks ORDER BY t_last LIMIT ?)')
    this.oldestRollup = db.prepare<{ b: number | null }>('SELECT min(bucket) AS b FROM rollups WHERE tag_id = ? AND width_ms = ?')
    this.deleteRollups = db.prepare('DELETE FROM rollups WHERE tag_id = ? AND width_ms = ? AND bucket < ?')
    const row = db.prepare<{ value: string }>("SELECT value FROM settings WHERE key = 'retention'").get()
    if (row) this.policy = JSON.parse(row.value) as RetentionPolicy
    if (ctx.intervalMs > 0) this.schedule()
  }

  getPolicy(): RetentionPolicy {
    return { ...this.policy }
  }

  setPolicy(policy: RetentionPolicy): void {
    this.policy = { ...policy }
    this.db.prepare("INSERT OR REPLACE INTO settings (key, value) VALUES ('retention', ?)").run(JSON.stringify(this.policy))
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
  }

  runNow(): Promise<number> {
    if (!this.running) {
      this.running = this.run().finally(() => {
        this.running = null
      })
    }
    return this.running
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      this.runNow()
        .catch((e) => this.ctx.onError(e))
        .finally(() => {
          if (this.timer) this.schedule()
        })
    }, this.ctx.intervalMs)
    this.timer.unref()
  }

  private async run(): Promise<number> {
    let deleted = 0
    const now = this.ctx.now()
    const batch = this.ctx.batchRows
    const finest = this.ctx.widths[0]
    for (const tag of this.ctx.tagRetention()) {
      const maxAge = tag.retentionMs ?? this.policy.maxAgeMs ?? null
      if (maxAge !== null && maxAge !== undefined) {
        const cutoff = now - maxAge
        for (;;) {
          const n = this.db.transaction(() => this.deleteTagOld.run(tag.id, cutoff, batch).changes)()
          deleted += n
          if (n < batch) break
          await yieldToEventLoop()
        }
        // The finest rollup follows the raw data; coarser ones have their own ages.
        if (finest !== undefined) deleted += await this.trimRollups(tag.id, finest, cutoff)
      }
      for (const [w, age] of Object.entries(this.policy.rollupMaxAgeMs ?? {})) {
        deleted += await this.trimRollups(tag.id, Number(w), now - age)
      }
    }
    const maxBytes = this.policy.maxBytes
    if (maxBytes !== null && maxBytes !== undefined) {
      for (;;) {
        const pageSize = this.db.pragma('page_size', { simple: true }) as number
        const used = ((this.db.pragma('page_count', { simple: true }) as number) - (this.db.pragma('freelist_count', { simple: true }) as number)) * pageSize
        if (used <= maxBytes) break
        const n = this.db.transaction(() => this.deleteOldest.run(batch).changes)()
        deleted += n
        if (n === 0) break
        await yieldToEventLoop()
      }
    }
    if (deleted > 0) this.db.pragma('incremental_vacuum(2000)')
    return deleted
  }

  private async trimRollups(tagId: number, width: number, cutoff: number): Promise<number> {
    let deleted = 0
    for (;;) {
      const oldest = this.oldestRollup.get(tagId, width)?.b
      if (oldest === null || oldest === undefined || oldest >= cutoff - width) return deleted
      // Bucket b covers [b, b + width): delete only buckets entirely older than the cutoff, a batch at a time.
      const upTo = Math.min(cutoff - width + 1, oldest + width * this.ctx.batchRows)
      deleted += this.db.transaction(() => this.deleteRollups.run(tagId, width, upTo).changes)()
      await yieldToEventLoop()
    }
  }
}
