// Bucketed range queries: one bucket per pixel, drawn from the coarsest rollup that still has more buckets than pixels.
import type { BlockStore } from './block-store';
import type { TagBuffer } from './tag-buffer';
import type { BucketSeries } from './types';

export interface BucketQueryOptions {
  /** Force reading raw samples (exact bucket edges) instead of rollups. */
  exact?: boolean;
}

/** Coarsest width with more buckets over [from, to] than `buckets`, or null for raw samples. */
export function chooseRollupWidth(widths: readonly number[], from: number, to: number, buckets: number): number | null {
  const sorted = [...widths].sort((a, b) => b - a);
  for (const w of sorted) if ((to - from) / w > buckets) return w;
  return null;
}

function newSeries(tagId: string, from: number, to: number, buckets: number, source: number | 'raw'): BucketSeries {
  const nan = () => new Float64Array(buckets).fill(Number.NaN);
  return {
    tagId, from, to, bucketMs: (to - from) / buckets, source,
    count: new Float64Array(buckets), min: nan(), max: nan(), avg: new Float64Array(buckets), first: nan(), last: nan(),
  };
}

function bucketIndex(s: BucketSeries, t: number, n: number): number {
  const i = Math.floor((t - s.from) / s.bucketMs);
  return i < 0 ? 0 : i >= n ? n - 1 : i;
}

function addRaw(s: BucketSeries, sums: Float64Array, t: Float64Array, v: Float64Array, n: number): void {
  const buckets = s.count.length;
  for (let k = 0; k < t.length; k++) {
    const x = v[k];
    if (x !== x || t[k] < s.from || t[k] > s.to) continue;
    const i = bucketIndex(s, t[k], buckets);
    if (s.count[i] === 0) {
      s.min[i] = x;
      s.max[i] = x;
      s.first[i] = x;
    } else {
      if (x < s.min[i]) s.min[i] = x;
      if (x > s.max[i]) s.max[i] = x;
    }
    s.last[i] = x;
    sums[i] += x;
    s.count[i]++;
  }
  void n;
}

function finish(s: BucketSeries, sums: Float64Array): BucketSeries {
  for (let i = 0; i < s.count.length; i++) s.avg[i] = s.count[i] > 0 ? sums[i] / s.count[i] : Number.NaN;
  return s;
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
): BucketSeries {
  if (!(buckets >= 1) || !Number.isInteger(buckets)) throw new RangeError(`Historian bucket query for ${tagId}: buckets must be a positive integer, got ${buckets}.`);
  if (!(to > from)) throw new RangeError(`Historian bucket query for ${tagId}: 'to' (${to}) must be after 'from' (${from}).`);
  const width = options.exact ? null : chooseRollupWidth(widths, from, to, buckets);
  const s = newSeries(tagId, from, to, buckets, width ?? 'raw');
  const sums = new Float64Array(buckets);
  if (width === null) {
    const r = store.readRange(tagDbId, buffer, from, to);
    addRaw(s, sums, r.t, r.v, r.t.length);
    return finish(s, sums);
  }
  // Rollup buckets are placed by their start time: edges are exact when from and bucketMs are multiples of the width.
  if (tagDbId !== null) {
    // One all() call (raw rows) is several times cheaper than iterate() per row; fills go into local typed arrays.
    const rows = store.selectRollups.all(tagDbId, width, from, to);
    const cnt = s.count;
    const mins = s.min;
    const maxs = s.max;
    const firsts = s.first;
    const lasts = s.last;
    const bucketMs = s.bucketMs;
    const last = buckets - 1;
    for (let k = 0; k < rows.length; k++) {
      const row = rows[k];
      const count = row[1] as number;
      if (count === 0) continue;
      let i = Math.floor(((row[0] as number) - from) / bucketMs);
      if (i < 0) i = 0;
      else if (i > last) i = last;
      const min = row[2] as number;
      const max = row[3] as number;
      if (cnt[i] === 0) {
        mins[i] = min;
        maxs[i] = max;
        firsts[i] = row[5] as number;
      } else {
        if (min < mins[i]) mins[i] = min;
        if (max > maxs[i]) maxs[i] = max;
      }
      lasts[i] = row[6] as number;
      sums[i] += row[4] as number;
      cnt[i] += count;
    }
  }
  // Unflushed samples are not in the rollups yet.
  if (buffer && buffer.length > 0) addRaw(s, sums, buffer.t.subarray(0, buffer.length), buffer.v, buffer.length);
  return finish(s, sums);
}
