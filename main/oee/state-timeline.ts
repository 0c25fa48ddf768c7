import { sortByTime } from './counter-totalizer'
import type { StateSource } from './machine-config'
import { MACHINE_STATES, type MachineState, type TagSeries, type TimeRange } from './machine-state'

/** A stretch of time in one state (and, when faulted, one fault code). */
export interface StateSegment {
  start: number
  end: number
  state: MachineState
  faultCode?: number
}

const stateIndex = new Map<MachineState, number>(MACHINE_STATES.map((s, i) => [s, i]))
const UNKNOWN = stateIndex.get('unknown')!
const NO_DATA = stateIndex.get('no-data')!

/** Tags the state source reads, in the order the evaluator expects them. */
function stateTags(source: StateSource): (string | undefined)[] {
  if (source.kind === 'enum') return [source.tag, source.faultCodeTag]
  return [source.runningTag, source.faultTag, source.faultCodeTag, source.speedTag, source.blockedTag, source.starvedTag, source.setupTag]
}

function makeEvaluator(source: StateSource): (v: Float64Array) => number {
  if (source.kind === 'enum') {
    const map = new Map<number, number>()
    for (const [key, state] of Object.entries(source.map)) map.set(Number(key), stateIndex.get(state)!)
    return (v) => (v[0] !== v[0] ? NO_DATA : (map.get(v[0]) ?? UNKNOWN))
  }
  const I = (s: MachineState) => stateIndex.get(s)!
  const [running, faulted, blocked, starved, setup, idle] = [I('running'), I('faulted'), I('blocked'), I('starved'), I('setup'), I('idle')]
  const on = (x: number) => x === x && x !== 0
  const min = source.minRunningSpeed
  const hasSpeed = source.speedTag !== undefined
  return (v) => {
    if (v[0] !== v[0]) return NO_DATA
    if (on(v[1])) return faulted
    if (on(v[0]) && (!hasSpeed || (v[3] === v[3] && v[3] > min))) return running
    if (on(v[4])) return blocked
    if (on(v[5])) return starved
    if (on(v[6])) return setup
    return idle
  }
}

/** Time span the timeline should cover: from the earlier of range start and first state sample, to the later end. */
export function timelineSpan(source: StateSource, series: TagSeries, range: TimeRange): TimeRange {
  let from = range.from
  let to = range.to
  for (const tag of stateTags(source)) {
    const s = tag ? series[tag] : undefined
    if (!s || s.length === 0) continue
    from = Math.min(from, s[0].t)
    to = Math.max(to, s[s.length - 1].t)
  }
  return { from, to }
}

/**
 * Step-hold evaluation of the state tags over the span: each tag keeps its last value until its next sample.
 * Consecutive samples with the same state and fault code collapse into one segment.
 */
export function buildStateTimeline(source: StateSource, series: TagSeries, span: TimeRange): StateSegment[] {
  const tags = stateTags(source)
  const faultCodeSlot = source.kind === 'enum' ? 1 : 2
  const arrays = tags.map((tag) => (tag ? (series[tag] ?? []) : []))
  const k = arrays.length
  const idx = new Int32Array(k)
  const values = new Float64Array(k).fill(NaN)
  const evaluate = makeEvaluator(source)
  const faulted = stateIndex.get('faulted')!

  for (let j = 0; j < k; j++) {
    const a = arrays[j]
    let i = 0
    while (i < a.length && a[i].t <= span.from) values[j] = a[i++].v
    idx[j] = i
  }
  const segments: StateSegment[] = []
  let curState = -1
  let curCode = NaN
  let curStart = span.from
  const emit = (t: number) => {
    const state = evaluate(values)
    const code = state === faulted ? values[faultCodeSlot] : NaN
    if (state === curState && (code === curCode || (code !== code && curCode !== curCode))) return
    // Emits come at strictly increasing times, so only the very first call has t === curStart.
    if (curState >= 0 && t > curStart) segments.push(segment(curStart, t, curState, curCode))
    curState = state
    curCode = code
    curStart = t
  }
  emit(span.from)
  const same = (a: number, b: number) => a === b || (a !== a && b !== b)
  const live = arrays.map((a, j) => j).filter((j) => idx[j] < arrays[j].length)
  if (live.length === 1) {
    // Fast path (one enum tag): only a changed value can change the state, so t is read only at changes.
    const j = live[0]
    const a = arrays[j]
    let lastT = -Infinity
    for (let i = idx[j]; i < a.length; i++) {
      const s = a[i]
      const v = s.v
      if (same(v, values[j])) continue
      const t = s.t
      if (t < lastT) return buildStateTimeline(source, sortedCopy(series, tags), span)
      lastT = t
      if (t >= span.to) break
      values[j] = v
      emit(t)
    }
  } else {
    let lastMergedT = -Infinity
    for (;;) {
      let next = Infinity
      for (let j = 0; j < k; j++) if (idx[j] < arrays[j].length && arrays[j][idx[j]].t < next) next = arrays[j][idx[j]].t
      if (next >= span.to) break
      if (next < lastMergedT) return buildStateTimeline(source, sortedCopy(series, tags), span)
      lastMergedT = next
      let changed = false
      for (let j = 0; j < k; j++) {
        const a = arrays[j]
        let i = idx[j]
        while (i < a.length && a[i].t === next) {
          const v = a[i++].v
          if (!same(v, values[j])) changed = true
          values[j] = v
        }
        idx[j] = i
      }
      if (changed) emit(next)
    }
  }
  if (span.to > curStart) segments.push(segment(curStart, span.to, curState, curCode))
  return mergeAdjacent(segments)
}

function sortedCopy(series: TagSeries, tags: (string | undefined)[]): TagSeries {
  const out: TagSeries = { ...series }
  for (const tag of tags) if (tag && series[tag]) out[tag] = sortByTime(series[tag])
  return out
}

function segment(start: number, end: number, state: number, code: number): StateSegment {
  const s: StateSegment = { start, end, state: MACHINE_STATES[state] }
  if (code === code) s.faultCode = code
  return s
}

// A zero-length blip between two equal states would otherwise leave two touching segments.
function mergeAdjacent(segments: StateSegment[]): StateSegment[] {
  const out: StateSegment[] = []
  for (const s of segments) {
    const last = out[out.length - 1]
    if (last && last.end === s.start && last.state === s.state && last.faultCode === s.faultCode) last.end = s.end
    else out.push(s)
  }
  return out
}
