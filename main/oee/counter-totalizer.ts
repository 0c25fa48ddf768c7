import type { Sample } from './machine-state'

export type CounterBitWidth = 16 | 32 | 'none'

/** Counter increments as columns: times[i] is when cumulative[i] units had been counted (since the first sample). */
export interface CounterIncrements {
  times: Float64Array
  cumulative: Float64Array
  rollovers: number
  resets: number
}

export interface TotalizeOptions {
  bitWidth: CounterBitWidth
  /** Largest increase believable for a gap of dtMs; a wrap larger than this is treated as a reset. */
  maxStep?: (dtMs: number) => number
}

/**
 * Turns raw totalizer samples into increments. A decrease is a rollover when the wrapped step is under half
 * the counter range (and plausible); otherwise a reset (PLC restart): the jump is not counted, the new value
 * is (the counter restarted from zero).
 */
export function totalizeCounter(samples: readonly Sample[], options: TotalizeOptions): CounterIncrements {
  const modulus = options.bitWidth === 'none' ? 0 : 2 ** options.bitWidth
  const n = samples.length
  // Sized exactly by a cheap first pass over values: no growth copies, so no garbage that makes V8 collect early.
  let changes = 0
  let last = NaN
  for (let i = 0; i < n; i++) {
    const v = samples[i].v
    if (v !== last) {
      changes++
      last = v
    }
  }
  const times = new Float64Array(changes)
  const cumulative = new Float64Array(changes)
  let rollovers = 0
  let resets = 0
  let k = 0
  let sum = 0
  let prev = NaN
  let lastT = -Infinity
  for (let i = 0; i < n; i++) {
    // Only the value is read for unchanged samples: at 1 Hz most samples repeat, and reading t costs a memory load.
    const s = samples[i]
    const v = s.v
    if (v === prev || !Number.isFinite(v)) continue
    const t = s.t
    if (t < lastT) return totalizeCounter(sortByTime(samples), options)
    lastT = t
    if (prev !== prev) {
      prev = v
      continue
    }
    let step = v - prev
    if (step < 0) {
      const wrapped = step + modulus
      const dt = i > 0 ? t - samples[i - 1].t : 0
      if (modulus > 0 && wrapped < modulus / 2 && (!options.maxStep || wrapped <= options.maxStep(dt))) {
        step = wrapped
        rollovers++
      } else {
        step = v
        resets++
      }
    }
    prev = v
    sum += step
    times[k] = t
    cumulative[k] = sum
    k++
  }
  return { times: times.subarray(0, k), cumulative: cumulative.subarray(0, k), rollovers, resets }
}

/** Samples as two columns (what a historian query returns): times ascending, values step-held. */
export interface SampleColumns {
  t: ArrayLike<number>
  v: ArrayLike<number>
  /** The reading before the first one (the baseline), so a query result is used as it is, without a copy. */
  before?: Sample
}

/** totalizeCounter for columns, without building a sample object per reading (a month at 1 Hz is millions). */
export function totalizeColumns(columns: SampleColumns, options: TotalizeOptions): CounterIncrements {
  const { t: ts, v: vs, before } = columns
  const n = Math.min(ts.length, vs.length)
  for (let i = 1; i < n; i++) {
    if (ts[i] < ts[i - 1] || (i === 1 && before && ts[0] < before.t)) {
      const samples: Sample[] = before ? [before] : []
      for (let k = 0; k < n; k++) samples.push({ t: ts[k], v: vs[k] })
      return totalizeCounter(samples, options)
    }
  }
  const modulus = options.bitWidth === 'none' ? 0 : 2 ** options.bitWidth
  // Historian reads are change-only already, so nearly every reading is a change: size for all, skip a counting pass.
  const times = new Float64Array(n)
  const cumulative = new Float64Array(n)
  let rollovers = 0
  let resets = 0
  let k = 0
  let sum = 0
  let prev = before && Number.isFinite(before.v) ? before.v : NaN
  for (let i = 0; i < n; i++) {
    const v = vs[i]
    if (v === prev || !Number.isFinite(v)) continue
    const t = ts[i]
    if (prev !== prev) {
      prev = v
      continue
    }
    let step = v - prev
    if (step < 0) {
      const wrapped = step + modulus
      const dt = i > 0 ? t - ts[i - 1] : before ? t - before.t : 0
      if (modulus > 0 && wrapped < modulus / 2 && (!options.maxStep || wrapped <= options.maxStep(dt))) {
        step = wrapped
        rollovers++
      } else {
        step = v
        resets++
      }
    }
    prev = v
    sum += step
    times[k] = t
    cumulative[k] = sum
    k++
  }
  return { times: times.subarray(0, k), cumulative: cumulative.subarray(0, k), rollovers, resets }
}

/** Series should arrive sorted (the CSV parser sorts); a disordered one is sorted here rather than miscounted. */
export function sortByTime(samples: readonly Sample[]): Sample[] {
  return [...samples].sort((a, b) => a.t - b.t)
}

function firstIndexAfter(times: Float64Array, t: number): number {
  let lo = 0
  let hi = times.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (times[mid] <= t) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** Cumulative count of readings taken at or before time t. */
export function countAtOrBefore(inc: CounterIncrements, t: number): number {
  const i = firstIndexAfter(inc.times, t)
  return i === 0 ? 0 : inc.cumulative[i - 1]
}

/** Units counted by readings in (start, end]: a reading at t holds the units made up to t. */
export function countBetween(inc: CounterIncrements, start: number, end: number): number {
  if (end <= start) return 0
  return countAtOrBefore(inc, end) - countAtOrBefore(inc, start)
}

/** An empty counter, used when a counter tag has no samples. */
export const NO_INCREMENTS: CounterIncrements = {
  times: new Float64Array(0),
  cumulative: new Float64Array(0),
  rollovers: 0,
  resets: 0,
}

/**
 * Time of the first finite reading at or after `t`, when a finite reading precedes it (so its step spans the time
 * before `t`); undefined otherwise. Readings sorted by time (a disordered series is sorted first by the totalizer).
 */
export function firstStepTimeFrom(readings: SampleColumns, t: number): number | undefined {
  const { t: ts, v: vs } = readings
  const n = Math.min(ts.length, vs.length)
  let lo = 0
  let hi = n
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (ts[mid] < t) lo = mid + 1
    else hi = mid
  }
  let i = lo
  while (i < n && !Number.isFinite(vs[i])) i++
  if (i >= n) return undefined
  let j = lo - 1
  while (j >= 0 && !Number.isFinite(vs[j])) j--
  const before = j >= 0 ? vs[j] : readings.before && Number.isFinite(readings.before.v) ? readings.before.v : undefined
  return before === undefined || before === vs[i] ? undefined : ts[i]
}

/** The increments without the steps counted at the given reading times (a copy; the input is shared). */
export function withoutStepsAt(inc: CounterIncrements, times: readonly number[]): CounterIncrements {
  const drop = new Set<number>()
  for (const t of times) {
    const k = firstIndexAfter(inc.times, t) - 1
    if (k >= 0 && inc.times[k] === t) drop.add(k)
  }
  if (drop.size === 0) return inc
  const cumulative = new Float64Array(inc.cumulative.length)
  let offset = 0
  for (let k = 0; k < cumulative.length; k++) {
    if (drop.has(k)) offset += inc.cumulative[k] - (k > 0 ? inc.cumulative[k - 1] : 0)
    cumulative[k] = inc.cumulative[k] - offset
  }
  return { ...inc, cumulative }
}
