import type { Sample } from './machine-state'
import type { Interval } from './time-intervals'

export interface NaiveInput {
  /** State samples, one per second, every second present. */
  state: Sample[]
  stateMap: Record<string, string>
  total: Sample[]
  reject: Sample[]
  bitWidth: 16 | 32
  idealCycleS: number
  minorStopThresholdS: number
  shifts: Interval[]
  plannedStops: Interval[]
  period: Interval
}

export interface NaiveResult {
  plannedProductionS: number
  runS: number
  availability: number
  performance: number
  quality: number
  oee: number
}

/**
 * Reference implementation that looks at every sample on its own (linear scans, no segments, no binary search).
 * It exists to cross-check the engine and as the peer figure in the benchmark; only enum state, one product,
 * blocked/starved not counted against availability.
 */
export function naiveMachineOee(input: NaiveInput): NaiveResult {
  const { state, period } = input
  const inAny = (set: Interval[], t: number) => set.some((i) => t >= i.start && t < i.end)
  const planned = (t: number) => t >= period.start && t < period.end && inAny(input.shifts, t) && !inAny(input.plannedStops, t)
  const plannedForCount = (t: number) =>
    t > period.start && t <= period.end && input.shifts.some((i) => t > i.start && t <= i.end) && !input.plannedStops.some((i) => t > i.start && t <= i.end)
  const stateOf = (s: Sample) => input.stateMap[String(s.v)] ?? 'unknown'

  // Length of the run of equal state each sample belongs to, for minor-stop classification.
  const runLength = new Float64Array(state.length)
  for (let i = 0; i < state.length;) {
    let j = i
    while (j + 1 < state.length && state[j + 1].v === state[i].v) j++
    const end = j + 1 < state.length ? state[j + 1].t : state[j].t + 1000
    for (let k = i; k <= j; k++) runLength[k] = (end - state[i].t) / 1000
    i = j + 1
  }
  let ppt = 0
  let run = 0
  for (let i = 0; i < state.length; i++) {
    const t = state[i].t
    if (!planned(t)) continue
    const dt = (i + 1 < state.length ? state[i + 1].t : t + 1000) - t
    const s = stateOf(state[i])
    if (s === 'planned-stop' || s === 'blocked' || s === 'starved') continue
    ppt += dt
    if (s === 'running' || (s !== 'setup' && runLength[i] < input.minorStopThresholdS)) run += dt
  }
  const counted = (samples: Sample[]) => {
    const modulus = 2 ** input.bitWidth
    let n = 0
    for (let i = 1; i < samples.length; i++) {
      let d = samples[i].v - samples[i - 1].v
      if (d < 0) d = d + modulus < modulus / 2 ? d + modulus : samples[i].v
      if (plannedForCount(samples[i].t)) n += d
    }
    return n
  }
  const total = counted(input.total)
  const reject = counted(input.reject)
  const availability = run / ppt
  const performance = (input.idealCycleS * 1000 * total) / run
  const quality = (total - reject) / total
  return { plannedProductionS: ppt / 1000, runS: run / 1000, availability, performance, quality, oee: availability * performance * quality }
}
