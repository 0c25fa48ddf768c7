// Rollup buckets (count/min/max/sum/first/last of non-NaN values) computed from samples at flush time.

export interface RollupAggregate {
  bucket: number
  count: number
  min: number
  max: number
  sum: number
  first: number
  last: number
}

export function emptyAggregate(bucket: number): RollupAggregate {
  return { bucket, count: 0, min: Number.NaN, max: Number.NaN, sum: 0, first: Number.NaN, last: Number.NaN }
}

/** Adds one value (NaN is skipped: it is "no value", not a number to average). */
export function addValue(a: RollupAggregate, x: number): void {
  if (x !== x) return
  if (a.count === 0) {
    a.min = x
    a.max = x
    a.first = x
  } else {
    if (x < a.min) a.min = x
    if (x > a.max) a.max = x
  }
  a.sum += x
  a.last = x
  a.count++
}

/** Adds aggregate `b` (later in time) into `a`. */
export function mergeAggregate(a: RollupAggregate, b: RollupAggregate): void {
  if (b.count === 0) return
  if (a.count === 0) {
    a.min = b.min
    a.max = b.max
    a.first = b.first
  } else {
    if (b.min < a.min) a.min = b.min
    if (b.max > a.max) a.max = b.max
  }
  a.last = b.last
  a.sum += b.sum
  a.count += b.count
}

/**
 * Like foldIntoBuckets, but leaves `open` untouched (works on a copy, so a rolled-back flush changes nothing) and
 * emits only the buckets that were closed, i.e. left for a later one. Returns the new open bucket.
 * The open bucket lives in memory; it is written when it closes or when the historian closes, and rebuilt from the
 * samples after a crash (see Historian.openBucketsOf).
 */
export function foldClosedBuckets(
  t: Float64Array,
  v: Float64Array,
  n: number,
  width: number,
  open: RollupAggregate | null,
  emit: (a: RollupAggregate) => void,
): RollupAggregate | null {
  let cur = open === null ? null : { ...open }
  let lo = cur === null ? Number.POSITIVE_INFINITY : cur.bucket
  let hi = cur === null ? Number.NEGATIVE_INFINITY : cur.bucket + width
  for (let i = 0; i < n; i++) {
    const ti = t[i]
    if (!(ti >= lo && ti < hi)) {
      const b = Math.floor(ti / width) * width
      if (cur === null || b !== cur.bucket) {
        if (cur !== null) emit(cur)
        cur = emptyAggregate(b)
      }
      lo = b
      hi = b + width
    }
    addValue(cur as RollupAggregate, v[i])
  }
  return cur
}
