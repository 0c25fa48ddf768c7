// Bucketed range queries: one bucket per pixel, drawn from the coarsest rollup that still has more buckets than pixels.
import type { BlockStore } from './block-store'
import { decodeBlock } from './codec/block'
import { decodeRollup, foldBuckets, RollupScratch } from './codec/rollup-block'
import type { RollupAggregate } from './rollups'
import type { TagBuffer } from './tag-buffer'
import { noDataInSamples, noDataInStore } from './no-data'
import type { BucketSeries } from './types'

export interface BucketQueryOptions {
  /** Force reading raw samples (exact bucket edges) instead of rollups. */
  exact?: boolean
}

/** Coarsest width with more buckets over [from, to] than `buckets`, or null for raw samples. */
export function chooseRollupWidth(widths: readonly number[], from: number, to: number, buckets: number): number | null {
  const sorted = [...widths].sort((a, b) => b - a)
  for (const w of sorted) if ((to - from) / w > buckets) return w
  return null
}

function newSeries(tagId: string, from: number, to: number, buckets: number, source: number | 'raw'): BucketSeries {
  const nan = () => new Float64Array(buckets).fill(Number.NaN)
  return {
    tagId,
    from,
    to,
    bucketMs: (to - from) / buckets,
    source,
    count: new Float64Array(buckets),
    min: nan(),
    max: nan(),
    avg: new Float64Array(buckets),
    first: nan(),
    last: nan(),
    noData: [],
  }
}

function bucketIndex(s: BucketSeries, t: number, n: number): number {
  const i = Math.floor((t - s.from) / s.bucketMs)
  return i < 0 ? 0 : i >= n ? n - 1 : i
}

function addRaw(s: BucketSeries, sums: Float64Array, t: Float64Array, v: Float64Array, n: number): void {
  const buckets = s.count.length
  for (let k = 0; k < t.length; k++) {
    const x = v[k]
    if (x !== x || t[k] < s.from || t[k] > s.to) continue
    const i = bucketIndex(s, t[k], buckets)
    if (s.count[i] === 0) {
      s.min[i] = x
      s.max[i] = x
      s.first[i] = x
    } else {
      if (x < s.min[i]) s.min[i] = x
      if (x > s.max[i]) s.max[i] = x
    }
    s.last[i] = x
    sums[i] += x
    s.count[i]++
  }
  void n
}

function finish(s: BucketSeries, sums: Float64Array): BucketSeries {
  for (let i = 0; i < s.count.length; i++) s.avg[i] = s.count[i] > 0 ? sums[i] / s.count[i] : Number.NaN
  return s
}

/** Folds rollup buckets (start, count, min, max, sum, first, last; time-ordered) whose start is in [from, to) into `s`. */
function foldRollups(
  s: BucketSeries,
  sums: Float64Array,
  n: number,
  bucket: ArrayLike<number>,
  count: ArrayLike<number>,
  min: ArrayLike<number>,
  max: ArrayLike<number>,
  sum: ArrayLike<number>,
  first: ArrayLike<number>,
  last: ArrayLike<number>,
): void {
  const cnt = s.count
  const mins = s.min
  const maxs = s.max
  const firsts = s.first
  const lasts = s.last
  const from = s.from
  const to = s.to
  const bucketMs = s.bucketMs
  const lastIndex = cnt.length - 1
  for (let k = 0; k < n; k++) {
    const c = count[k]
    const b = bucket[k]
    if (c === 0 || b < from || b >= to) continue
    let i = Math.floor((b - from) / bucketMs)
    if (i < 0) i = 0
    else if (i > lastIndex) i = lastIndex
    const mn = min[k]
    const mx = max[k]
    if (cnt[i] === 0) {
      mins[i] = mn
      maxs[i] = mx
      firsts[i] = first[k]
    } else {
      if (mn < mins[i]) mins[i] = mn
      if (mx > maxs[i]) maxs[i] = mx
    }
    lasts[i] = last[k]
    sums[i] += sum[k]
    cnt[i] += c
  }
}

/** Table rollup rows, then the bucket still open in memory (its row, if any, is from an earlier session and stale). */
function addTableRollups(store: BlockStore, s: BucketSeries, sums: Float64Array, tagDbId: number, width: number, open: RollupAggregate | null): void {
  // One all() call (raw rows) is several times cheaper than iterate() per row; fills go into local typed arrays.
  const rows = store.selectRollups.all(tagDbId, width, s.from, open === null ? s.to : Math.min(s.to, open.bucket))
  const cnt = s.count
  const mins = s.min
  const maxs = s.max
  const firsts = s.first
  const lasts = s.last
  const bucketMs = s.bucketMs
  const last = cnt.length - 1
  for (let k = 0; k < rows.length; k++) {
    const row = rows[k]
    const count = row[1] as number
    if (count === 0) continue
    let i = Math.floor(((row[0] as number) - s.from) / bucketMs)
    if (i < 0) i = 0
    else if (i > last) i = last
    const min = row[2] as number
    const max = row[3] as number
    if (cnt[i] === 0) {
      mins[i] = min
      maxs[i] = max
      firsts[i] = row[5] as number
    } else {
      if (min < mins[i]) mins[i] = min
      if (max > maxs[i]) maxs[i] = max
    }
    lasts[i] = row[6] as number
    sums[i] += row[4] as number
    cnt[i] += count
  }
  if (open !== null) foldRollups(s, sums, 1, [open.bucket], [open.count], [open.min], [open.max], [open.sum], [open.first], [open.last])
}

const legacyScratch = new RollupScratch()

/** The fine level stored in each block row; blocks written before it existed are rolled up from their samples. */
function addBlockRollups(store: BlockStore, s: BucketSeries, sums: Float64Array, tagDbId: number, width: number): void {
  // A bucket starting before `to` may hold samples up to to + width.
  for (const row of store.selectRollupRange.iterate(tagDbId, s.from, s.to + width)) {
    const blob = row[0] as Uint8Array | null
    if (blob !== null) {
      const r = decodeRollup(blob)
      if (r.width === width) {
        foldRollups(s, sums, r.length, r.bucket, r.count, r.min, r.max, r.sum, r.first, r.last)
        continue
      }
    }
    const b = decodeBlock(row[1] as Uint8Array)
    const f = legacyScratch
    const n = foldBuckets(b.t, b.v, 0, b.t.length, width, f)
    foldRollups(s, sums, n, f.bucket, f.count, f.min, f.max, f.sum, f.first, f.last)
  }
}

export function queryBucketsForTag(
  store: BlockStore,
  widths: readonly number[],
  tagId: string,
  tagDbId: number | null,
  buffer: TagBuffer | undefined,
  from: number,
  to: number,
  buckets: number,
  options: BucketQueryOptions = {},
  openBucket: (width: number) => RollupAggregate | null = () => null,
): BucketSeries {
  if (!(buckets >= 1) || !Number.isInteger(buckets))
    throw new RangeError(`Historian bucket query for ${tagId}: buckets must be a positive integer, got ${buckets}.`)
  if (!(to > from)) throw new RangeError(`Historian bucket query for ${tagId}: 'to' (${to}) must be after 'from' (${from}).`)
  const width = options.exact ? null : chooseRollupWidth(widths, from, to, buckets)
  const s = newSeries(tagId, from, to, buckets, width ?? 'raw')
  const sums = new Float64Array(buckets)
  if (width === null) {
    const r = store.readRange(tagDbId, buffer, from, to)
    addRaw(s, sums, r.t, r.v, r.t.length)
    s.noData = noDataInSamples(r, from, to)
    return finish(s, sums)
  }
  s.noData = noDataInStore(store, tagDbId, buffer, from, to)
  // Rollup buckets are placed by their start time: edges are exact when from and bucketMs are multiples of the width.
  if (tagDbId !== null) {
    if (width === store.blockRollupMs) addBlockRollups(store, s, sums, tagDbId, width)
    else addTableRollups(store, s, sums, tagDbId, width, openBucket(width))
  }
  // Unflushed samples are not in the rollups yet.
  if (buffer && buffer.length > 0) {
    const c = buffer.columns()
    addRaw(s, sums, c.t, c.v, buffer.length)
  }
  return finish(s, sums)
}
