// The historian: buffered ingest, one-transaction flushes into compressed blocks and rollups, queries, retention, export.
import { statSync } from 'node:fs'
import { BlockStore, toRawSeries } from './block-store'
import { blockCount, decodeBlockInto } from './codec/block'
import { QualityRuns } from './codec/quality-runs'
import { exportRange, type ExportOptions, type ExportResult } from './export'
import { describeFailure } from './flush-error'
import { migrate } from '../database/numbered-migrations'
import { migrations, VERSION_TABLE } from './migrations/index'
import { queryBucketsForTag, type BucketQueryOptions } from './query-buckets'
import { RetentionWorker } from './retention'
import { addValue, emptyAggregate, foldClosedBuckets, mergeAggregate, type RollupAggregate } from './rollups'
import { openDatabase, type Database } from '../database/sqlite'
import { TagBuffer } from './tag-buffer'
import type {
  BucketSeries,
  FlushResult,
  HistorianErrorEvent,
  HistorianOptions,
  HistorianStats,
  RawSeries,
  RetentionPolicy,
  RetentionHold,
  RetentionHeld,
  ForcedRetention,
  Sample,
  TagConfig,
  ValueAt,
  ValueAtMode,
} from './types'
import { valueAtForTag } from './value-at'

const TIME_LIMIT = 2 ** 46 // epoch ms within ±2,200 years keeps every codec intermediate exact
/** Rollup levels kept in the rollups table: 1 min and 1 h. */
export const DEFAULT_ROLLUP_WIDTHS_MS = [60_000, 3_600_000]
/** The fine level (1 s) is stored compressed inside each block row, not as one table row per second. */
export const DEFAULT_BLOCK_ROLLUP_MS = 1000

interface TagRow {
  id: number
  name: string
  unit: string | null
  data_type: string
  deadband: number | null
  on_change: number
  retention_ms: number | null
}

export class Historian {
  readonly file: string
  private readonly db: Database
  private readonly store: BlockStore
  private readonly buffers = new Map<string, TagBuffer>()
  private readonly tagRows = new Map<string, TagRow>()
  /** Rollup widths kept in the rollups table. */
  private readonly widths: number[]
  /** Every rollup level the query planner may use: the block level (if any) plus the table widths. */
  private readonly levels: number[]
  private readonly blockSamples: number
  private readonly flushAtSamples: number
  private readonly maxPendingSamples: number
  private readonly retryBaseMs: number
  private readonly retryMaxMs: number
  private readonly onError: ((e: HistorianErrorEvent) => void) | undefined
  private readonly retention: RetentionWorker
  private readonly insertTag
  private readonly updateTag
  private timer: NodeJS.Timeout | null = null
  private scratchT = new Float64Array(4096)
  private scratchV = new Float64Array(4096)
  private buffered = 0
  private filtered = 0
  private rejected = 0
  private flushes = 0
  private failedFlushes = 0
  private consecutiveFailures = 0
  private pausedUntil = 0
  private lastError: string | null = null
  private closed = false

  constructor(private readonly opts: HistorianOptions) {
    this.file = opts.file
    const blockRollupMs = opts.blockRollupMs ?? DEFAULT_BLOCK_ROLLUP_MS
    if (!(Number.isInteger(blockRollupMs) && blockRollupMs >= 0)) {
      throw new RangeError(`Historian ${opts.file}: blockRollupMs must be 0 (off) or a whole number of ms, got ${blockRollupMs}.`)
    }
    // A width asked for in rollupWidthsMs that the blocks already carry is not written twice.
    this.widths = [...(opts.rollupWidthsMs ?? DEFAULT_ROLLUP_WIDTHS_MS)].filter((w) => w !== blockRollupMs).sort((a, b) => a - b)
    this.levels = blockRollupMs > 0 ? [blockRollupMs, ...this.widths] : [...this.widths]
    this.blockSamples = opts.blockSamples ?? 4096
    this.flushAtSamples = opts.flushAtSamples ?? 500_000
    this.maxPendingSamples = opts.maxPendingSamples ?? 20_000_000
    this.retryBaseMs = opts.retryBaseMs ?? 1000
    this.retryMaxMs = opts.retryMaxMs ?? 30_000
    this.onError = opts.onError
    this.db = openDatabase(opts.file)
    // auto_vacuum must be chosen before the first table exists; it lets retention give space back.
    this.db.pragma('auto_vacuum = INCREMENTAL')
    this.db.pragma('journal_mode = WAL')
    this.db.pragma('synchronous = NORMAL')
    this.db.pragma('cache_size = -65536')
    migrate(this.db, migrations, VERSION_TABLE)
    this.store = new BlockStore(this.db, blockRollupMs)
    this.insertTag = this.db.prepare('INSERT INTO tags (name, created_at) VALUES (?, ?)')
    this.updateTag = this.db.prepare('UPDATE tags SET unit = ?, data_type = ?, deadband = ?, on_change = ?, retention_ms = ? WHERE id = ?')
    for (const row of this.db.prepare<TagRow>('SELECT id, name, unit, data_type, deadband, on_change, retention_ms FROM tags').all()) {
      this.tagRows.set(row.name, row)
    }
    const chains = this.db
      .prepare<{ tag_id: number; first: number; firstT: number; samples: number }>(
        'SELECT tag_id, min(id) AS first, min(t_last) AS firstT, sum(count) AS samples FROM blocks WHERE sealed = 0 GROUP BY tag_id',
      )
      .all()
    const byId = new Map(chains.map((c) => [c.tag_id, c]))
    for (const row of this.tagRows.values()) {
      const b = this.bufferFor(row.name)
      const c = byId.get(row.id)
      if (c) {
        b.chainFirstId = c.first
        b.chainFirstT = c.firstT
        b.chainSamples = c.samples
      }
      // Time order holds across sessions too: a sample older than the stored ones would corrupt the rollups.
      b.lastT = this.store.lastTime(row.id) ?? Number.NEGATIVE_INFINITY
    }
    this.retention = new RetentionWorker(this.db, {
      widths: this.widths,
      batchRows: opts.retentionBatchRows ?? 500,
      intervalMs: opts.retentionIntervalMs ?? 10_000,
      now: opts.now ?? Date.now,
      tagRetention: () => [...this.tagRows.values()].map((r) => ({ id: r.id, name: r.name, retentionMs: r.retention_ms })),
      onError: (cause) => this.report(describeFailure('retention', this.file, cause, this.buffered, opts.retentionIntervalMs ?? 10_000)),
    })
    const interval = opts.flushIntervalMs ?? 1000
    if (interval > 0) {
      this.timer = setInterval(() => this.flushIfDue(), interval)
      this.timer.unref()
    }
  }

  /** Records one sample. Returns false when the deadband/on-change filter or time order discarded it. */
  append(tagId: string, t: number, v: number, quality = 0, reason?: string): boolean {
    const b = this.buffers.get(tagId) ?? this.bufferFor(tagId)
    const n = b.length
    if (!(t >= (n > 0 ? b.tv[(n - 1) << 1] : b.lastT))) {
      if (typeof t !== 'number' || Number.isNaN(t)) this.badTime(tagId, t)
      this.rejected++
      return false
    }
    if (t !== Math.floor(t) || t > TIME_LIMIT || t < -TIME_LIMIT) this.badTime(tagId, t)
    if (b.filters && b.hasRecorded && quality === b.lastQ && reason === undefined) {
      if (b.onChange && Object.is(v, b.lastV)) {
        this.filtered++
        return false
      }
      if (b.deadband > 0 && Math.abs(v - b.lastV) <= b.deadband) {
        this.filtered++
        return false
      }
    }
    if (this.buffered >= this.maxPendingSamples) {
      throw new Error(
        `Historian ${this.file} holds ${this.buffered} unwritten samples (limit ${this.maxPendingSamples}) because writes keep failing: ${this.lastError ?? 'unknown error'}. Sample for ${tagId} was not recorded; fix the drive or raise maxPendingSamples.`,
      )
    }
    b.push(t, v, quality, reason ?? null)
    if (b.filters) {
      b.hasRecorded = true
      b.lastV = v
      b.lastQ = quality
    }
    if (++this.buffered >= this.flushAtSamples && Date.now() >= this.pausedUntil) this.flush()
    return true
  }

  appendMany(batch: Iterable<Sample>): number {
    let recorded = 0
    for (const s of batch) if (this.append(s.tagId, s.t, s.v, s.quality ?? 0, s.reason)) recorded++
    return recorded
  }

  /** Writes every buffered sample in one transaction. On failure the samples stay buffered and onError is told. */
  flush(): FlushResult {
    this.assertOpen()
    const dirty: TagBuffer[] = []
    for (const b of this.buffers.values()) if (b.length > 0) dirty.push(b)
    if (dirty.length === 0) return { ok: true, samples: 0, blocks: 0 }
    const after: (() => void)[] = []
    let blocks = 0
    const samples = this.buffered
    try {
      this.db.transaction(() => {
        for (const b of dirty) blocks += this.writeTag(b, after)
      })()
    } catch (cause) {
      // Rolled back: the in-memory open buckets were not touched (folds work on copies).
      this.failedFlushes++
      this.consecutiveFailures++
      const retryInMs = Math.min(this.retryMaxMs, this.retryBaseMs * 2 ** (this.consecutiveFailures - 1))
      this.pausedUntil = Date.now() + retryInMs
      const event = describeFailure('flush', this.file, cause, this.buffered, retryInMs)
      this.report(event)
      return { ok: false, samples: 0, blocks: 0, error: event }
    }
    for (const fn of after) fn()
    for (const b of dirty) b.clear()
    this.buffered = 0
    this.flushes++
    this.consecutiveFailures = 0
    this.pausedUntil = 0
    return { ok: true, samples, blocks }
  }

  private writeTag(b: TagBuffer, after: (() => void)[]): number {
    let dbId = b.dbId
    // Before this flush's blocks exist: a rebuilt open bucket must hold the stored samples only.
    const opens = dbId === null ? b.openBuckets.map(() => null) : this.openBucketsOf(b, dbId)
    if (dbId === null) {
      dbId = Number(this.insertTag.run(b.name, Date.now()).lastInsertRowid)
      const id = dbId
      after.push(() => {
        b.dbId = id
        this.tagRows.set(b.name, { id, name: b.name, unit: null, data_type: 'float', deadband: null, on_change: 0, retention_ms: null })
      })
    }
    // De-interleave into the flush's scratch columns (sequential, far cheaper than the appends).
    if (this.scratchT.length < b.length) {
      this.scratchT = new Float64Array(b.length * 2)
      this.scratchV = new Float64Array(b.length * 2)
    }
    const t = this.scratchT
    const v = this.scratchV
    b.columnsInto(t, v)
    let blocks = 0
    let chainFirst = b.chainFirstId
    let chainFirstT = b.chainFirstT
    let chainSamples = b.chainSamples
    for (let s = 0; s < b.length; s += this.blockSamples) {
      const e = Math.min(b.length, s + this.blockSamples)
      const id = this.store.writeBlock(dbId, t, v, b.runs, s, e, false)
      if (chainFirst === null) {
        chainFirst = id
        chainFirstT = t[e - 1]
      }
      chainSamples += e - s
      blocks++
    }
    // Table rollups: only buckets that closed are written; the open one stays in memory (see openBucketsOf).
    const nextOpens: (RollupAggregate | null)[] = new Array(this.widths.length)
    for (let w = 0; w < this.widths.length; w++) {
      const width = this.widths[w]
      const id = dbId
      nextOpens[w] = foldClosedBuckets(t, v, b.length, width, opens[w], (a: RollupAggregate) => this.store.writeRollup(id, width, a))
    }
    if (chainSamples >= this.blockSamples && chainFirst !== null) {
      blocks += this.seal(dbId, chainFirst, chainFirstT)
      chainFirst = null
      chainFirstT = Number.NEGATIVE_INFINITY
      chainSamples = 0
    }
    const first = chainFirst
    const firstT = chainFirstT
    const count = chainSamples
    after.push(() => {
      b.chainFirstId = first
      b.chainFirstT = firstT
      b.chainSamples = count
      b.openBuckets = nextOpens
    })
    return blocks
  }

  /**
   * The open (last, still filling) bucket of every table rollup width for a tag. Kept in memory between flushes;
   * after opening a file (clean close or crash) it is rebuilt from what is stored: the finest width from the raw
   * samples of its bucket, each coarser one from the closed buckets of the next finer width plus that width's open
   * bucket (at most one minute of samples and 59 rows per tag with the default widths).
   */
  private openBucketsOf(b: TagBuffer, dbId: number): (RollupAggregate | null)[] {
    if (b.openBuckets.every((o) => o !== undefined)) return b.openBuckets as (RollupAggregate | null)[]
    const opens: (RollupAggregate | null)[] = new Array(this.widths.length).fill(null)
    const lastT = this.store.lastTime(dbId)
    if (lastT !== null) {
      for (let w = 0; w < this.widths.length; w++) {
        const width = this.widths[w]
        const agg = emptyAggregate(Math.floor(lastT / width) * width)
        const finer = w > 0 ? opens[w - 1] : null
        if (finer && width % this.widths[w - 1] === 0) {
          for (const row of this.store.selectRollups.all(dbId, this.widths[w - 1], agg.bucket, finer.bucket)) {
            const count = row[1] as number
            mergeAggregate(agg, {
              bucket: row[0] as number,
              count,
              min: (row[2] as number | null) ?? Number.NaN,
              max: (row[3] as number | null) ?? Number.NaN,
              sum: (row[4] as number | null) ?? 0,
              first: (row[5] as number | null) ?? Number.NaN,
              last: (row[6] as number | null) ?? Number.NaN,
            })
          }
          mergeAggregate(agg, finer)
        } else {
          const r = this.store.readRange(dbId, undefined, agg.bucket, lastT)
          for (let i = 0; i < r.v.length; i++) addValue(agg, r.v[i])
        }
        opens[w] = agg
      }
    }
    b.openBuckets = opens
    return opens
  }

  /** Writes every tag's open rollup buckets, so a cleanly closed file holds complete rollups. */
  private writeOpenBuckets(): void {
    this.db.transaction(() => {
      for (const b of this.buffers.values()) {
        if (b.dbId === null) continue
        for (let w = 0; w < this.widths.length; w++) {
          const open = b.openBuckets[w]
          if (open) this.store.writeRollup(b.dbId, this.widths[w], open)
        }
      }
    })()
  }

  /** Re-encodes a tag's small per-flush blocks into full-size sealed blocks (better compression, fewer rows). */
  private seal(dbId: number, chainFirst: number, chainFirstT: number): number {
    const rows = this.store.selectChain.all(dbId, chainFirstT, chainFirst)
    if (rows.length === 0) return 0
    // Decode every small block straight into one pair of arrays (no per-block arrays, no copies).
    let n = 0
    for (let i = 0; i < rows.length; i++) n += blockCount(rows[i].data)
    const t = new Float64Array(n)
    const v = new Float64Array(n)
    const runs = new QualityRuns()
    let off = 0
    for (let i = 0; i < rows.length; i++) off += decodeBlockInto(rows[i].data, t, v, off, runs)
    const pieces = Math.max(1, Math.round(n / this.blockSamples))
    const size = Math.ceil(n / pieces)
    let written = 0
    for (let s = 0; s < n; s += size) {
      this.store.writeBlock(dbId, t, v, runs, s, Math.min(n, s + size), true)
      written++
    }
    this.store.deleteChain.run(dbId, chainFirstT, chainFirst, rows[rows.length - 1].id)
    return written
  }

  /** Compacts every tag's small per-flush blocks so the file at rest holds full blocks only. */
  private sealAllChains(): void {
    try {
      this.db.transaction(() => {
        for (const b of this.buffers.values()) {
          if (b.dbId !== null && b.chainFirstId !== null && b.chainSamples > 0) this.seal(b.dbId, b.chainFirstId, b.chainFirstT)
        }
      })()
      for (const b of this.buffers.values()) {
        b.chainFirstId = null
        b.chainFirstT = Number.NEGATIVE_INFINITY
        b.chainSamples = 0
      }
    } catch (cause) {
      // Compaction is an optimisation: the small blocks stay valid and are sealed on a later run.
      this.report(describeFailure('flush', this.file, cause, 0, 0))
    }
  }

  private flushIfDue(): void {
    if (this.closed || this.buffered === 0 || Date.now() < this.pausedUntil) return
    this.flush()
  }

  queryRaw(tagIds: readonly string[], from: number, to: number): RawSeries[] {
    this.assertOpen()
    return tagIds.map((id) => toRawSeries(id, this.store.readRange(this.dbIdOf(id), this.buffers.get(id), from, to), from, to))
  }

  /** Per [tagId, from]: how many samples (NaN marks included) it holds with from <= t <= to (the sync's lag in points). */
  countRaw(items: readonly (readonly [string, number])[], to: number): number[] {
    this.assertOpen()
    return items.map(([id, from]) => this.store.countRange(this.dbIdOf(id), this.buffers.get(id), from, to))
  }

  /** Per tag: the time of its oldest sample kept (stored or still buffered), or null when it has none. */
  firstTimes(tagIds: readonly string[]): (number | null)[] {
    this.assertOpen()
    return tagIds.map((id) => {
      const dbId = this.dbIdOf(id)
      const stored = dbId === null ? null : this.store.firstTime(dbId)
      const b = this.buffers.get(id)
      const buffered = b && b.length > 0 ? b.columns().t[0]! : null
      return stored === null ? buffered : buffered === null ? stored : Math.min(stored, buffered)
    })
  }

  queryBuckets(tagIds: readonly string[], from: number, to: number, buckets: number, options?: BucketQueryOptions): BucketSeries[] {
    this.assertOpen()
    return tagIds.map((id) => {
      const dbId = this.dbIdOf(id)
      const b = this.buffers.get(id)
      const open = (width: number): RollupAggregate | null => {
        const w = this.widths.indexOf(width)
        return w < 0 || dbId === null || !b ? null : this.openBucketsOf(b, dbId)[w]
      }
      return queryBucketsForTag(this.store, this.levels, id, dbId, b, from, to, buckets, options, open)
    })
  }

  valueAt(tagIds: readonly string[], t: number, mode: ValueAtMode = 'previous'): (ValueAt | null)[] {
    this.assertOpen()
    return tagIds.map((id) => valueAtForTag(this.store, id, this.dbIdOf(id), this.buffers.get(id), t, mode))
  }

  /** Sets recording and retention options for a tag (created if new); persisted in the file. */
  setTagConfig(tagId: string, config: TagConfig): void {
    this.assertOpen()
    const b = this.bufferFor(tagId)
    let row = this.tagRows.get(tagId)
    if (!row) {
      const id = Number(this.insertTag.run(tagId, Date.now()).lastInsertRowid)
      row = { id, name: tagId, unit: null, data_type: 'float', deadband: null, on_change: 0, retention_ms: null }
      this.tagRows.set(tagId, row)
      b.dbId = id
    }
    const next: TagRow = {
      ...row,
      unit: config.unit !== undefined ? config.unit : row.unit,
      data_type: config.dataType ?? row.data_type,
      deadband: config.deadband !== undefined ? config.deadband : row.deadband,
      on_change: config.onChange !== undefined ? (config.onChange ? 1 : 0) : row.on_change,
      retention_ms: config.retentionMs !== undefined ? config.retentionMs : row.retention_ms,
    }
    this.updateTag.run(next.unit, next.data_type, next.deadband, next.on_change, next.retention_ms, next.id)
    this.tagRows.set(tagId, next)
    this.applyConfig(b, next)
  }

  /** Ids of every tag the file knows (recorded at least once). */
  tagIds(): string[] {
    return [...this.tagRows.keys()]
  }

  getTagConfig(tagId: string): TagConfig | null {
    const r = this.tagRows.get(tagId)
    if (!r) return null
    return { unit: r.unit, dataType: r.data_type, deadband: r.deadband, onChange: r.on_change === 1, retentionMs: r.retention_ms }
  }

  getRetention(): RetentionPolicy {
    return this.retention.getPolicy()
  }

  setRetention(policy: RetentionPolicy): void {
    this.assertOpen()
    this.retention.setPolicy(policy)
  }

  /** Runs retention to completion now, in small batches (tests, maintenance). Returns rows deleted. */
  async enforceRetention(): Promise<number> {
    this.assertOpen()
    return this.retention.runNow()
  }

  /**
   * Holds back from retention what a consumer (the tenant sync) has not got: per tag, blocks ending at or after its
   * time, and every block of a tag it does not list. Persisted; null lifts the hold (retention as before).
   */
  setRetentionHold(hold: RetentionHold | null): void {
    this.assertOpen()
    if (!hold) return this.retention.setHold(null)
    const syncedBefore = new Map<number, number>()
    for (const [name, t] of Object.entries(hold.syncedBefore)) {
      const row = this.tagRows.get(name)
      if (row && Number.isFinite(t)) syncedBefore.set(row.id, t)
    }
    this.retention.setHold({ holder: hold.holder, syncedBefore })
  }

  getRetentionHold(): RetentionHold | null {
    const hold = this.retention.getHold()
    if (!hold) return null
    const names = new Map([...this.tagRows.values()].map((r) => [r.id, r.name]))
    const syncedBefore: Record<string, number> = {}
    for (const [id, t] of hold.syncedBefore) {
      const name = names.get(id)
      if (name !== undefined) syncedBefore[name] = t
    }
    return { holder: hold.holder, syncedBefore }
  }

  /** What retention holds back for the holder: the last pass's report, or (`now` given, or no pass yet) assessed now without deleting. */
  retentionHeld(now?: number): RetentionHeld | null {
    this.assertOpen()
    if (now === undefined) return this.retention.held() ?? this.retention.assess(this.opts.now?.() ?? Date.now())
    return this.retention.assess(now)
  }

  /** Deletes what retention at `at` deletes with no hold, held samples included (confirmed and audited by the caller). */
  async forceRetention(at: number): Promise<ForcedRetention> {
    this.assertOpen()
    return this.retention.force(at)
  }

  exportRange(options: ExportOptions): Promise<ExportResult> {
    this.assertOpen()
    return exportRange(
      {
        queryRaw: (ids, from, to) => this.queryRaw(ids, from, to),
        estimateSamples: (ids, from, to) => this.estimateSamples(ids, from, to),
      },
      options,
    )
  }

  private estimateSamples(tagIds: readonly string[], from: number, to: number): number {
    const stmt = this.db.prepare<{ n: number | null }>('SELECT sum(count) AS n FROM blocks WHERE tag_id = ? AND t_last >= ? AND t_first <= ?')
    let n = 0
    for (const id of tagIds) {
      const dbId = this.dbIdOf(id)
      if (dbId !== null) n += stmt.get(dbId, from, to)?.n ?? 0
      n += this.buffers.get(id)?.length ?? 0
    }
    return n
  }

  stats(): HistorianStats {
    const b = this.db.prepare<{ blocks: number; samples: number | null }>('SELECT count(*) AS blocks, sum(count) AS samples FROM blocks').get()
    const pageSize = this.db.pragma('page_size', { simple: true }) as number
    const pages = this.db.pragma('page_count', { simple: true }) as number
    const free = this.db.pragma('freelist_count', { simple: true }) as number
    let fileBytes = 0
    for (const suffix of ['', '-wal']) {
      try {
        fileBytes += statSync(this.file + suffix).size
      } catch {
        // the WAL may not exist
      }
    }
    return {
      file: this.file,
      tags: this.tagRows.size,
      blocks: b?.blocks ?? 0,
      storedSamples: b?.samples ?? 0,
      usedBytes: (pages - free) * pageSize,
      fileBytes,
      bufferedSamples: this.buffered,
      filteredSamples: this.filtered,
      rejectedOutOfOrder: this.rejected,
      flushes: this.flushes,
      failedFlushes: this.failedFlushes,
      paused: Date.now() < this.pausedUntil,
      lastError: this.lastError,
    }
  }

  /** Flushes and closes. Throws (keeping the file open) if the final flush fails, so no data is silently lost. */
  close(): void {
    if (this.closed) return
    const r = this.flush()
    if (!r.ok) throw new Error(r.error?.message ?? `Historian close failed on ${this.file}: the final flush did not complete.`)
    try {
      this.writeOpenBuckets()
    } catch (cause) {
      // Not lost: the open buckets are rebuilt from the samples when the file is opened again.
      this.report(describeFailure('flush', this.file, cause, 0, 0))
    }
    this.sealAllChains()
    this.db.pragma('incremental_vacuum') // give the pages of compacted small blocks back to the disk
    this.closed = true
    if (this.timer) clearInterval(this.timer)
    this.retention.stop()
    this.db.pragma('wal_checkpoint(TRUNCATE)')
    this.db.close()
  }

  /** Test/maintenance hook: the underlying connection. */
  get database(): Database {
    return this.db
  }

  private report(event: HistorianErrorEvent): void {
    this.lastError = event.message
    if (this.onError) this.onError(event)
  }

  private dbIdOf(tagId: string): number | null {
    return this.tagRows.get(tagId)?.id ?? null
  }

  private bufferFor(tagId: string): TagBuffer {
    let b = this.buffers.get(tagId)
    if (!b) {
      if (typeof tagId !== 'string' || tagId.length === 0) throw new TypeError(`Historian: tag id must be a non-empty string, got ${JSON.stringify(tagId)}.`)
      const row = this.tagRows.get(tagId)
      b = new TagBuffer(tagId, row?.id ?? null, this.widths.length)
      if (row) this.applyConfig(b, row)
      this.buffers.set(tagId, b)
    }
    return b
  }

  private applyConfig(b: TagBuffer, row: TagRow): void {
    b.deadband = row.deadband ?? 0
    b.onChange = row.on_change === 1
    b.retentionMs = row.retention_ms
    const filters = b.onChange || b.deadband > 0
    // Turning a filter on: the last recorded value was not tracked, so the next sample is recorded as the reference.
    if (filters && !b.filters) b.hasRecorded = false
    b.filters = filters
  }

  private badTime(tagId: string, t: unknown): never {
    throw new TypeError(`Historian: sample for ${tagId} has time ${String(t)}; times must be integer epoch milliseconds within ±${TIME_LIMIT}.`)
  }

  private assertOpen(): void {
    if (this.closed) throw new Error(`Historian ${this.file} is closed; open it again with openHistorian().`)
  }
}

export function openHistorian(options: HistorianOptions): Historian {
  return new Historian(options)
}
