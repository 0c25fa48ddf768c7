// Background retention: deletes old blocks and rollups in small transactions, yielding between them so ingest never waits long.
// With a hold (the cloud tenant sync has not got everything), blocks the holder has not got are kept and reported instead.
import type { Database } from '../database/sqlite'
import type { ForcedRetention, HeldTag, RetentionHeld, RetentionPolicy } from './types'

export interface RetentionContext {
  widths: readonly number[]
  batchRows: number
  intervalMs: number
  now: () => number
  tagRetention: () => { id: number; name: string; retentionMs: number | null }[]
  onError: (cause: unknown) => void
}

function sameHold(a: { holder: string; syncedBefore: Map<number, number> } | null, b: typeof a): boolean {
  if (a === null || b === null) return a === b
  if (a.holder !== b.holder || a.syncedBefore.size !== b.syncedBefore.size) return false
  for (const [id, t] of a.syncedBefore) if (b.syncedBefore.get(id) !== t) return false
  return true
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve))

export class RetentionWorker {
  private policy: RetentionPolicy = {}
  private timer: NodeJS.Timeout | null = null
  private running: Promise<number> | null = null
  /** The holder's name and, per tag id, the time before which it has every sample; null: no hold. */
  private hold: { holder: string; syncedBefore: Map<number, number> } | null = null
  private lastHeld: RetentionHeld | null = null
  private readonly deleteTagOld
  private readonly deleteOldest
  private readonly deleteOldestSynced
  private readonly oldestRollup
  private readonly deleteRollups

  constructor(
    private readonly db: Database,
    private readonly ctx: RetentionContext,
  ) {
    this.deleteTagOld = db.prepare('DELETE FROM blocks WHERE id IN (SELECT id FROM blocks WHERE tag_id = ? AND t_last < ? ORDER BY t_last LIMIT ?)')
    this.deleteOldest = db.prepare('DELETE FROM blocks WHERE id IN (SELECT id FROM blocks ORDER BY t_last LIMIT ?)')
    // Under a hold the size cap deletes only blocks the holder has (a tag without a row is held whole).
    this.deleteOldestSynced = db.prepare(
      'DELETE FROM blocks WHERE id IN (SELECT b.id FROM blocks b JOIN retention_hold h ON h.tag_id = b.tag_id WHERE b.t_last < h.synced_before ORDER BY b.t_last LIMIT ?)',
    )
    this.oldestRollup = db.prepare<{ b: number | null }>('SELECT min(bucket) AS b FROM rollups WHERE tag_id = ? AND width_ms = ?')
    this.deleteRollups = db.prepare('DELETE FROM rollups WHERE tag_id = ? AND width_ms = ? AND bucket < ?')
    const row = db.prepare<{ value: string }>("SELECT value FROM settings WHERE key = 'retention'").get()
    if (row) this.policy = JSON.parse(row.value) as RetentionPolicy
    // A hold written before a crash or restart applies to the first pass already.
    const held = db.prepare<{ value: string }>("SELECT value FROM settings WHERE key = 'retention_hold'").get()
    if (held) {
      const rows = db.prepare<{ tag_id: number; synced_before: number }>('SELECT tag_id, synced_before FROM retention_hold').all()
      this.hold = { holder: (JSON.parse(held.value) as { holder: string }).holder, syncedBefore: new Map(rows.map((r) => [r.tag_id, r.synced_before])) }
    }
    if (ctx.intervalMs > 0) this.schedule()
  }

  getPolicy(): RetentionPolicy {
    return { ...this.policy }
  }

  setPolicy(policy: RetentionPolicy): void {
    this.policy = { ...policy }
    this.db.prepare("INSERT OR REPLACE INTO settings (key, value) VALUES ('retention', ?)").run(JSON.stringify(this.policy))
  }

  /** Replaces the hold (per tag id: synced before), in one transaction; null lifts it. */
  setHold(hold: { holder: string; syncedBefore: Map<number, number> } | null): void {
    // Unchanged (most refreshes of a caught-up or idle sync, no tenant at all): nothing is written.
    if (sameHold(this.hold, hold)) return
    this.db.transaction(() => {
      this.db.exec('DELETE FROM retention_hold')
      if (!hold) {
        this.db.prepare("DELETE FROM settings WHERE key = 'retention_hold'").run()
        return
      }
      const insert = this.db.prepare('INSERT INTO retention_hold (tag_id, synced_before) VALUES (?, ?)')
      for (const [id, t] of hold.syncedBefore) insert.run(id, t)
      this.db.prepare("INSERT OR REPLACE INTO settings (key, value) VALUES ('retention_hold', ?)").run(JSON.stringify({ holder: hold.holder }))
    })()
    this.hold = hold ? { holder: hold.holder, syncedBefore: new Map(hold.syncedBefore) } : null
    if (!hold) this.lastHeld = null
  }

  getHold(): { holder: string; syncedBefore: Map<number, number> } | null {
    return this.hold ? { holder: this.hold.holder, syncedBefore: new Map(this.hold.syncedBefore) } : null
  }

  /** What the last pass held back (null: no hold, or no pass since it was set). */
  held(): RetentionHeld | null {
    return this.lastHeld
  }

  /**
   * What retention at `now` keeps for the holder, without deleting anything: per tag the blocks older than the tag's
   * cutoff that end at or after the holder's time, and, over the size cap, the oldest held blocks a pass would need
   * to delete to get under it (their stored bytes stand for the space they free).
   */
  assess(now: number): RetentionHeld | null {
    const hold = this.hold
    if (!hold) return null
    const byTag = new Map<number, HeldTag>()
    const names = new Map<number, string>()
    const add = (id: number, points: number, from: number, to: number) => {
      const t = byTag.get(id)
      if (t) {
        t.points += points
        t.from = Math.min(t.from, from)
        t.to = Math.max(t.to, to)
      } else byTag.set(id, { tagId: names.get(id) ?? String(id), points, from, to })
    }
    const stats = this.db.prepare<{ n: number | null; f: number | null; l: number | null }>(
      'SELECT sum(count) AS n, min(t_first) AS f, max(t_last) AS l FROM blocks WHERE tag_id = ? AND t_last >= ? AND t_last < ?',
    )
    const ageCutoff = new Map<number, number>()
    for (const tag of this.ctx.tagRetention()) {
      names.set(tag.id, tag.name)
      const maxAge = tag.retentionMs ?? this.policy.maxAgeMs ?? null
      if (maxAge === null || maxAge === undefined) continue
      const cutoff = now - maxAge
      ageCutoff.set(tag.id, cutoff)
      const syncedBefore = hold.syncedBefore.get(tag.id) ?? Number.MIN_SAFE_INTEGER
      if (syncedBefore >= cutoff) continue
      const s = stats.get(tag.id, syncedBefore, cutoff)
      if (s?.n) add(tag.id, s.n, s.f!, s.l!)
    }
    let overSizeCapBytes = 0
    const maxBytes = this.policy.maxBytes
    if (maxBytes !== null && maxBytes !== undefined) {
      let excess = this.usedBytes() - maxBytes
      const blocks = this.db.prepare<{ tag_id: number; t_first: number; t_last: number; count: number; bytes: number }>(
        'SELECT tag_id, t_first, t_last, count, length(data) AS bytes FROM blocks ORDER BY t_last',
      )
      let freedByHeld = 0
      if (excess > 0) {
        for (const b of blocks.iterate()) {
          if (excess <= 0) break
          excess -= b.bytes
          const syncedBefore = hold.syncedBefore.get(b.tag_id) ?? Number.MIN_SAFE_INTEGER
          if (b.t_last < syncedBefore) continue
          freedByHeld += b.bytes
          const cutoff = ageCutoff.get(b.tag_id)
          // Already counted as held by age.
          if (cutoff !== undefined && b.t_last < cutoff) continue
          add(b.tag_id, b.count, b.t_first, b.t_last)
        }
        overSizeCapBytes = freedByHeld
      }
    }
    const tags = [...byTag.values()].sort((a, b) => b.points - a.points || a.tagId.localeCompare(b.tagId))
    return { holder: hold.holder, at: now, points: tags.reduce((n, t) => n + t.points, 0), tags, overSizeCapBytes }
  }

  /**
   * Deletes what retention at `at` would delete with no hold — the held samples too (the caller confirmed and audits it);
   * returns what was held. The hold itself stays: later samples are held again.
   */
  async force(at: number): Promise<ForcedRetention> {
    while (this.running) await this.running.catch(() => undefined)
    const work = (async () => {
      // A normal pass first, so only what is really held is left to force, then the report of exactly that.
      let deleted = await this.run(at, false)
      const held = this.assess(at)
      deleted += await this.run(at, true)
      this.lastHeld = this.assess(this.ctx.now())
      return { deleted, held }
    })()
    this.running = work
      .then((r) => r.deleted)
      .finally(() => {
        this.running = null
      })
    return work
  }

  private usedBytes(): number {
    const pageSize = this.db.pragma('page_size', { simple: true }) as number
    return ((this.db.pragma('page_count', { simple: true }) as number) - (this.db.pragma('freelist_count', { simple: true }) as number)) * pageSize
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
  }

  runNow(): Promise<number> {
    if (!this.running) {
      this.running = this.run(this.ctx.now(), false).finally(() => {
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

  private async run(now: number, ignoreHold: boolean): Promise<number> {
    let deleted = 0
    const batch = this.ctx.batchRows
    const finest = this.ctx.widths[0]
    const hold = ignoreHold ? null : this.hold
    for (const tag of this.ctx.tagRetention()) {
      const maxAge = tag.retentionMs ?? this.policy.maxAgeMs ?? null
      if (maxAge !== null && maxAge !== undefined) {
        // Held: only blocks that end before the holder's time (it has all of them) may go.
        const cutoff = hold ? Math.min(now - maxAge, hold.syncedBefore.get(tag.id) ?? Number.MIN_SAFE_INTEGER) : now - maxAge
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
        if (this.usedBytes() <= maxBytes) break
        const n = this.db.transaction(() => (hold ? this.deleteOldestSynced : this.deleteOldest).run(batch).changes)()
        deleted += n
        if (n === 0) break
        await yieldToEventLoop()
      }
    }
    if (deleted > 0) this.db.pragma('incremental_vacuum(2000)')
    if (!ignoreHold) this.lastHeld = this.assess(now)
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
