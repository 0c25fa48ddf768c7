// Prepared SQL for blocks and rollups, and reading a tag's samples back (blocks merged with its unflushed buffer).
import { blockCount, decodeBlock, decodeBlockInto, encodeBlockView, summarize } from './codec/block'
import { QualityRuns } from './codec/quality-runs'
import { encodeRollupView, foldBuckets, RollupScratch } from './codec/rollup-block'
import { noDataInSamples } from './no-data'
import type { RollupAggregate } from './rollups'
import type { Database, Statement } from '../database/sqlite'
import type { TagBuffer } from './tag-buffer'
import type { RawSeries } from './types'

export interface SampleRange {
  t: Float64Array
  v: Float64Array
  runs: QualityRuns
}

export class BlockStore {
  readonly insertBlock: Statement
  /** Blocks with their fine rollup blob (NULL in blocks written before migration 4), for the fine rollup level. */
  readonly selectRollupRange: Statement<unknown[]>
  private readonly scratch = new RollupScratch()
  readonly selectRange: Statement<unknown[]>
  /** Blocks holding a no-data mark (NaN), by the partial index blocks_no_data. */
  readonly selectMarkedRange: Statement<unknown[]>
  /** Blocks after a given one in (t_last, id) order, up to those starting after a time. */
  readonly selectBlocksAfter: Statement<unknown[]>
  readonly selectChain: Statement<{ id: number; data: Uint8Array }>
  readonly deleteChain: Statement
  readonly upsertRollup: Statement
  readonly selectRollup: Statement<{
    count: number
    vmin: number | null
    vmax: number | null
    vsum: number | null
    vfirst: number | null
    vlast: number | null
  }>
  readonly selectRollups: Statement<unknown[]>
  readonly selectAtOrAfter: Statement<unknown[]>
  readonly selectBefore: Statement<unknown[]>
  private readonly selectLastTime: Statement<{ t: number | null }>
  private readonly selectFirstTime: Statement<{ t: number | null }>
  private readonly countInside: Statement<{ n: number }>
  private readonly selectEdges: Statement<unknown[]>

  /** `blockRollupMs`: width of the rollup level stored inside each block (0 = none). */
  constructor(
    readonly db: Database,
    readonly blockRollupMs = 0,
  ) {
    this.insertBlock = db.prepare(
      'INSERT INTO blocks (tag_id, t_first, t_last, count, value_count, vmin, vmax, vsum, sealed, data, rollup) VALUES (?,?,?,?,?,?,?,?,?,?,?)',
    )
    this.selectRollupRange = db.prepare('SELECT rollup, data FROM blocks WHERE tag_id = ? AND t_last >= ? AND t_first < ? ORDER BY t_last, id').raw(true)
    this.selectRange = db.prepare('SELECT data FROM blocks WHERE tag_id = ? AND t_last >= ? AND t_first <= ? ORDER BY t_last, id').raw(true)
    this.selectMarkedRange = db
      .prepare('SELECT t_last, id, data FROM blocks WHERE tag_id = ? AND t_last >= ? AND t_first <= ? AND count > value_count ORDER BY t_last, id')
      .raw(true)
    this.selectBlocksAfter = db
      .prepare('SELECT t_last, id, data FROM blocks WHERE tag_id = ? AND t_last >= ? AND NOT (t_last = ? AND id <= ?) AND t_first <= ? ORDER BY t_last, id')
      .raw(true)
    // The chain is the tag's newest blocks: the t_last bound keeps both on a short range of the (tag_id, t_last) index.
    this.selectChain = db.prepare('SELECT id, data FROM blocks WHERE tag_id = ? AND t_last >= ? AND sealed = 0 AND id >= ? ORDER BY id')
    this.deleteChain = db.prepare('DELETE FROM blocks WHERE tag_id = ? AND t_last >= ? AND sealed = 0 AND id >= ? AND id <= ?')
    this.upsertRollup = db.prepare(
      'INSERT OR REPLACE INTO rollups (tag_id, width_ms, bucket, count, vmin, vmax, vsum, vfirst, vlast) VALUES (?,?,?,?,?,?,?,?,?)',
    )
    this.selectRollup = db.prepare('SELECT count, vmin, vmax, vsum, vfirst, vlast FROM rollups WHERE tag_id = ? AND width_ms = ? AND bucket = ?')
    this.selectRollups = db
      .prepare(
        'SELECT bucket, count, vmin, vmax, vsum, vfirst, vlast FROM rollups WHERE tag_id = ? AND width_ms = ? AND bucket >= ? AND bucket < ? ORDER BY bucket',
      )
      .raw(true)
    this.selectAtOrAfter = db.prepare('SELECT data FROM blocks WHERE tag_id = ? AND t_last >= ? ORDER BY t_last, id LIMIT 2').raw(true)
    // Counting: whole blocks inside [from, to] by their headers' count, the (at most two) edge blocks decoded.
    this.countInside = db.prepare('SELECT coalesce(sum(count), 0) AS n FROM blocks WHERE tag_id = ? AND t_last >= ? AND t_last <= ? AND t_first >= ?')
    this.selectEdges = db.prepare('SELECT data FROM blocks WHERE tag_id = ? AND t_last >= ? AND t_first <= ? AND (t_first < ? OR t_last > ?)').raw(true)
    this.selectLastTime = db.prepare('SELECT max(t_last) AS t FROM blocks WHERE tag_id = ?')
    this.selectFirstTime = db.prepare('SELECT min(t_first) AS t FROM blocks WHERE tag_id = ?')
    this.selectBefore = db.prepare('SELECT data FROM blocks WHERE tag_id = ? AND t_last < ? ORDER BY t_last DESC, id DESC LIMIT 1').raw(true)
  }

  /** Encodes samples [start, end) into one block row; returns its row id. */
  writeBlock(tagDbId: number, t: Float64Array, v: Float64Array, runs: QualityRuns, start: number, end: number, sealed: boolean): number {
    const localRuns = start === 0 && end >= (runs.length > 0 ? runs.start[runs.length - 1] + 1 : 0) ? runs : runs.slice(start, end)
    const data = encodeBlockView(t, v, localRuns, start, end) // SQLite copies the bound blob
    let rollup: Uint8Array | null = null
    if (this.blockRollupMs > 0) {
      foldBuckets(t, v, start, end, this.blockRollupMs, this.scratch)
      rollup = encodeRollupView(this.scratch, this.blockRollupMs) // a second shared buffer, also copied by SQLite
    }
    const s = summarize(t, v, start, end)
    const r = this.insertBlock.run(tagDbId, s.tFirst, s.tLast, s.count, s.valueCount, s.min, s.max, s.sum, sealed ? 1 : 0, data, rollup)
    return Number(r.lastInsertRowid)
  }

  writeRollup(tagDbId: number, width: number, a: RollupAggregate): void {
    const none = a.count === 0
    this.upsertRollup.run(
      tagDbId,
      width,
      a.bucket,
      a.count,
      none ? null : a.min,
      none ? null : a.max,
      none ? null : a.sum,
      none ? null : a.first,
      none ? null : a.last,
    )
  }

  /** Time of the tag's first stored sample, or null. */
  firstTime(tagDbId: number): number | null {
    return this.selectFirstTime.get(tagDbId)?.t ?? null
  }

  /** Time of the tag's last stored sample, or null. */
  lastTime(tagDbId: number): number | null {
    return this.selectLastTime.get(tagDbId)?.t ?? null
  }

  loadRollup(tagDbId: number, width: number, bucket: number): RollupAggregate | null {
    const r = this.selectRollup.get(tagDbId, width, bucket)
    if (!r) return null
    return {
      bucket,
      count: r.count,
      min: r.vmin ?? Number.NaN,
      max: r.vmax ?? Number.NaN,
      sum: r.vsum ?? 0,
      first: r.vfirst ?? Number.NaN,
      last: r.vlast ?? Number.NaN,
    }
  }

  /**
   * Samples of one tag with from <= t <= to, from blocks then the unflushed buffer. Blocks are decoded straight into
   * one output array (sized from their headers) and the ends trimmed as views: a month of 1 Hz counters is read
   * without a copy per block.
   */
  readRange(tagDbId: number | null, buffer: TagBuffer | undefined, from: number, to: number): SampleRange {
    const blobs: Uint8Array[] = []
    let n = 0
    if (tagDbId !== null) {
      for (const row of this.selectRange.iterate(tagDbId, from, to)) {
        const data = row[0] as Uint8Array
        blobs.push(data)
        n += blockCount(data)
      }
    }
    const buffered = buffer ? buffer.length : 0
    const t = new Float64Array(n + buffered)
    const v = new Float64Array(n + buffered)
    const runs = new QualityRuns()
    let off = 0
    for (const data of blobs) off += decodeBlockInto(data, t, v, off, runs)
    if (buffer && buffered > 0) {
      const c = buffer.columns()
      t.set(c.t, off)
      v.set(c.v, off)
      runs.appendShifted(buffer.runs, off)
      off += buffered
    }
    const s = lowerBound(t, off, from)
    const e = Math.max(s, lowerBound(t, off, to + 0.5)) // timestamps are integers: first index with t > to
    if (s === 0 && e === t.length) return { t, v, runs }
    return { t: t.subarray(s, e), v: v.subarray(s, e), runs: runs.slice(s, e) }
  }

  /** How many samples (NaN marks included) of one tag have from <= t <= to, in blocks and the unflushed buffer. */
  countRange(tagDbId: number | null, buffer: TagBuffer | undefined, from: number, to: number): number {
    if (to < from) return 0
    let n = 0
    if (tagDbId !== null) {
      n += this.countInside.get(tagDbId, from, to, from)?.n ?? 0
      for (const row of this.selectEdges.iterate(tagDbId, from, to, from, to)) {
        const { t } = decodeBlock(row[0] as Uint8Array)
        n += lowerBound(t, t.length, to + 0.5) - lowerBound(t, t.length, from)
      }
    }
    if (buffer && buffer.length > 0) {
      const { t } = buffer.columns()
      n += lowerBound(t, t.length, to + 0.5) - lowerBound(t, t.length, from)
    }
    return n
  }

  /** Decoded samples near `t`: the block before, the blocks at/after it, then the buffer. */
  readAround(tagDbId: number | null, buffer: TagBuffer | undefined, t: number): SampleRange {
    const parts: SampleRange[] = []
    if (tagDbId !== null) {
      for (const row of this.selectBefore.all(tagDbId, t)) parts.push(decodeBlock(row[0] as Uint8Array))
      for (const row of this.selectAtOrAfter.all(tagDbId, t)) parts.push(decodeBlock(row[0] as Uint8Array))
    }
    if (buffer && buffer.length > 0) {
      const c = buffer.columns()
      parts.push(clip(c.t, c.v, buffer.runs, buffer.length, -Infinity, Infinity))
    }
    return concat(parts)
  }
}

function lowerBound(t: Float64Array, n: number, x: number): number {
  let lo = 0
  let hi = n
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (t[mid] < x) lo = mid + 1
    else hi = mid
  }
  return lo
}

function clip(t: Float64Array, v: Float64Array, runs: QualityRuns, n: number, from: number, to: number): SampleRange {
  const s = lowerBound(t, n, from)
  const e = lowerBound(t, n, to + 0.5) // timestamps are integers: first index with t > to
  return { t: t.slice(s, Math.max(s, e)), v: v.slice(s, Math.max(s, e)), runs: runs.slice(s, Math.max(s, e)) }
}

function concat(parts: SampleRange[]): SampleRange {
  if (parts.length === 1) return parts[0]
  let n = 0
  for (const p of parts) n += p.t.length
  const t = new Float64Array(n)
  const v = new Float64Array(n)
  const runs = new QualityRuns()
  let off = 0
  for (const p of parts) {
    t.set(p.t, off)
    v.set(p.v, off)
    runs.appendShifted(p.runs, off)
    off += p.t.length
  }
  return { t, v, runs }
}

export function toRawSeries(tagId: string, r: SampleRange, from: number, to: number): RawSeries {
  const n = r.t.length
  const qualityChanges = r.runs.start.map((s, i) => ({ index: s, t: r.t[s], quality: r.runs.quality[i], reason: r.runs.reason[i] }))
  return { tagId, t: r.t, v: r.v, q: r.runs.expand(n), qualityChanges, noData: noDataInSamples(r, from, to) }
}
