/** Half-open interval [start, end) in epoch ms. Sets are sorted, disjoint arrays. */
export interface Interval {
  start: number
  end: number
}

export function normalizeIntervals(intervals: readonly Interval[]): Interval[] {
  const sorted = intervals.filter((i) => i.end > i.start).sort((a, b) => a.start - b.start)
  const out: Interval[] = []
  for (const i of sorted) {
    const last = out[out.length - 1]
    if (last && i.start <= last.end) last.end = Math.max(last.end, i.end)
    else out.push({ start: i.start, end: i.end })
  }
  return out
}

export function intersectIntervals(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const out: Interval[] = []
  let i = 0
  let j = 0
  while (i < a.length && j < b.length) {
    const start = Math.max(a[i].start, b[j].start)
    const end = Math.min(a[i].end, b[j].end)
    if (end > start) out.push({ start, end })
    if (a[i].end < b[j].end) i++
    else j++
  }
  return out
}

export function subtractIntervals(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const out: Interval[] = []
  let j = 0
  for (const x of a) {
    let cursor = x.start
    while (j < b.length && b[j].end <= cursor) j++
    let k = j
    while (k < b.length && b[k].start < x.end) {
      if (b[k].start > cursor) out.push({ start: cursor, end: b[k].start })
      cursor = Math.max(cursor, b[k].end)
      k++
    }
    if (cursor < x.end) out.push({ start: cursor, end: x.end })
  }
  return out
}

export function totalLengthMs(intervals: readonly Interval[]): number {
  let sum = 0
  for (const i of intervals) sum += i.end - i.start
  return sum
}

/** Length of the overlap between [start, end) and a normalized set, using binary search to skip ahead. */
export function overlapMs(set: readonly Interval[], start: number, end: number): number {
  let lo = 0
  let hi = set.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (set[mid].end <= start) lo = mid + 1
    else hi = mid
  }
  let sum = 0
  for (let k = lo; k < set.length && set[k].start < end; k++) {
    const s = Math.max(start, set[k].start)
    const e = Math.min(end, set[k].end)
    if (e > s) sum += e - s
  }
  return sum
}
