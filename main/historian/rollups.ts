// Rollup buckets (count/min/max/sum/first/last of non-NaN values) computed from samples at flush time.

export interface RollupAggregate {
  bucket: number;
  count: number;
  min: number;
  max: number;
  sum: number;
  first: number;
  last: number;
}

export function emptyAggregate(bucket: number): RollupAggregate {
  return { bucket, count: 0, min: Number.NaN, max: Number.NaN, sum: 0, first: Number.NaN, last: Number.NaN };
}

/** Adds one value (NaN is skipped: it is "no value", not a number to average). */
export function addValue(a: RollupAggregate, x: number): void {
  if (x !== x) return;
  if (a.count === 0) {
    a.min = x;
    a.max = x;
    a.first = x;
  } else {
    if (x < a.min) a.min = x;
    if (x > a.max) a.max = x;
  }
  a.sum += x;
  a.last = x;
  a.count++;
}

/**
 * Folds samples [0, n) into buckets of `width`, continuing `open` (the last bucket already stored),
 * and calls `emit` for every touched bucket. Returns the last bucket, which stays open.
 */
export function foldIntoBuckets(
  t: Float64Array,
  v: Float64Array,
  n: number,
  width: number,
  open: RollupAggregate | null,
  emit: (a: RollupAggregate) => void,
): RollupAggregate | null {
  let cur = open;
  let touched = false;
  // Samples are time-ordered: a bucket change is a range test, the division only runs when it fires.
  let lo = cur === null ? Number.POSITIVE_INFINITY : cur.bucket;
  let hi = cur === null ? Number.NEGATIVE_INFINITY : cur.bucket + width;
  for (let i = 0; i < n; i++) {
    const ti = t[i];
    if (!(ti >= lo && ti < hi)) {
      const b = Math.floor(ti / width) * width;
      if (cur === null || b !== cur.bucket) {
        if (cur !== null && touched) emit(cur);
        cur = emptyAggregate(b);
      }
      lo = b;
      hi = b + width;
    }
    touched = true;
    addValue(cur as RollupAggregate, v[i]);
  }
  if (cur !== null && touched) emit(cur);
  return cur;
}
