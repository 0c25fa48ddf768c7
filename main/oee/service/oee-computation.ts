// The OEE service's computation, from historian reads to contract-shaped results. Pure (no I/O, no store): it runs on
// the OEE thread (oee-thread.ts), so a long range never holds the main thread's event loop.
import type { OeeMachineResult, OeePeriod, OeeReport, OeeSegment } from '../../../preload/contract/oee'
import {
  computeLineOee,
  type DowntimeEvent,
  type LinePeriodResult,
  type MachineOeeResult,
  type OeeConfig,
  type SampleColumns,
  type TagSeries,
  type TimeRange,
} from '..'
import { buildStateTimeline, timelineSpan } from '../state-timeline'
import { allMachines, configTags } from './demo-line-config'

/** One tag's raw samples as columns (what the historian's queryRaw answers). */
export interface RawColumns {
  tagId: string
  t: Float64Array
  v: Float64Array
}

/** The historian reads one computation needs: every tag the config reads, from the grid-aligned query start. */
export interface OeeHistoryRead {
  /** The grid-aligned query start (see `queryStart`); `raw` starts here. */
  start: number
  /** The sample before `start` per tag of `configTags(config)`, in that order. */
  before: ({ t: number; v: number } | null)[]
  raw: RawColumns[]
}

export interface OeeComputationInput {
  config: OeeConfig
  range: TimeRange
  /** The config's line to compute (its first when not given); give a config of that line alone to read less. */
  line?: string
  /** The trend's periods besides the whole range; none for a stop list. */
  by?: 'shift' | 'day' | 'week'
  /** Whether to build the per-machine state timeline (the report shows it, a stop list does not). */
  timeline: boolean
  history: OeeHistoryRead
}

export interface OeeComputation {
  summary: OeePeriod
  periods: OeePeriod[]
  timeline: OeeReport['timeline']
  warnings: string[]
  /** Detected stops, to be stored so their codes survive recomputation. */
  events: DowntimeEvent[]
}

const minutes = (s: number): number => s / 60

/** The tags each machine's counters read: these come back as columns, never as one object per sample. */
function counterTags(config: OeeConfig): Set<string> {
  return new Set(allMachines(config).flatMap((m) => [m.counters.totalTag, m.counters.goodTag, m.counters.rejectTag].filter((t): t is string => !!t)))
}

/**
 * Per-tag series from the grid-aligned query start, with the sample before it as the starting state. Counter tags
 * come as columns (`counterColumns`): a month at 1 Hz is millions of readings.
 */
export function historySeries(config: OeeConfig, history: OeeHistoryRead): { series: TagSeries; counterColumns: Record<string, SampleColumns> } {
  const { start, before, raw } = history
  const counters = counterTags(config)
  const stateTags = new Set(allMachines(config).flatMap((m) => (m.state.kind === 'enum' ? [m.state.tag] : [m.state.runningTag])))
  const series: TagSeries = {}
  const counterColumns: Record<string, SampleColumns> = {}
  configTags(config).forEach((tag, i) => {
    const prev = before[i]
    const r = raw.find((x) => x.tagId === tag)
    if (counters.has(tag) && !stateTags.has(tag)) {
      const empty = new Float64Array(0)
      counterColumns[tag] = { t: r?.t ?? empty, v: r?.v ?? empty, ...(prev && Number.isFinite(prev.v) ? { before: { t: prev.t, v: prev.v } } : {}) }
      return
    }
    const samples: { t: number; v: number }[] = []
    if (prev && Number.isFinite(prev.v)) samples.push({ t: prev.t, v: prev.v })
    else if (stateTags.has(tag)) samples.push({ t: start, v: Number.NaN }) // no data before: unknown from the grid start
    if (r)
      for (let k = 0; k < r.t.length; k++) {
        const v = r.v[k]
        // A gap is not a count; a state gap is kept (NaN is 'unknown').
        if (!Number.isFinite(v) && !stateTags.has(tag)) continue
        if (samples.length && samples[samples.length - 1].t === r.t[k]) samples[samples.length - 1] = { t: r.t[k], v }
        else samples.push({ t: r.t[k], v })
      }
    series[tag] = samples
  })
  return { series, counterColumns }
}

function machineResult(config: OeeConfig, m: MachineOeeResult): OeeMachineResult {
  const lossSum = Object.values(m.lossMin).reduce((a, b) => a + b, 0)
  const plannedProductionMin = minutes(m.plannedProductionS)
  return {
    machine: m.machine,
    name: allMachines(config).find((x) => x.id === m.machine)?.name ?? m.machine,
    availability: m.availability,
    performance: m.performance,
    quality: m.quality,
    oee: m.oee,
    scheduledMin: minutes(m.scheduledS),
    calendarPlannedStopMin: minutes(m.calendarPlannedStopS),
    plannedStopStateMin: minutes(m.plannedStopStateS),
    plannedProductionMin,
    noDataMin: minutes(m.noDataS),
    noDataBreakdownMin: m.noDataBreakdownMin,
    runMin: minutes(m.runS),
    blockedStarvedMin: minutes(m.blockedStarvedS),
    blockedStarvedLossMin: m.blockedStarvedLossMin,
    fullyProductiveMin: plannedProductionMin - lossSum - m.blockedStarvedLossMin,
    stateMin: Object.fromEntries(Object.entries(m.stateS).map(([k, v]) => [k, minutes(v)])),
    counts: { total: m.counts.total, good: m.counts.good, reject: m.counts.reject },
    lossMin: m.lossMin,
    lossUnits: m.lossUnits,
    flags: m.flags,
  }
}

function period(config: OeeConfig, p: LinePeriodResult): OeePeriod {
  return {
    label: p.period.label,
    kind: p.period.kind,
    start: p.period.start,
    end: p.period.end,
    line: p.line,
    bottleneck: p.bottleneck,
    output: p.output,
    machines: p.machines.map((m) => machineResult(config, m)),
  }
}

/** The line over the range (and per shift, day or week when `by` is given), its stops and, if asked, its state timeline. */
export function computeOee(input: OeeComputationInput): OeeComputation {
  const { config, range } = input
  const { series, counterColumns } = historySeries(config, input.history)
  const line = input.line === undefined ? config.lines[0] : config.lines.find((l) => l.id === input.line)
  if (!line) throw new RangeError(`No line "${input.line}" in the OEE settings`)
  const result = computeLineOee({ config, series, counterColumns, range, by: 'range', line: line.id, ...(input.by ? { alsoBy: [input.by] } : {}) })
  const timeline = !input.timeline
    ? []
    : line.machines.map((m) => {
        const segments = buildStateTimeline(m.state, series, timelineSpan(m.state, series, range))
        const clipped: OeeSegment[] = []
        for (const s of segments) {
          const start = Math.max(s.start, range.from)
          const end = Math.min(s.end, range.to)
          if (end <= start) continue
          clipped.push(s.faultCode !== undefined ? { start, end, state: s.state, faultCode: s.faultCode } : { start, end, state: s.state })
        }
        return { machine: m.id, segments: clipped }
      })
  return {
    summary: period(config, result.periods[0]),
    periods: (input.by ? (result.alsoPeriods?.[input.by] ?? []) : []).map((p) => period(config, p)),
    timeline,
    warnings: [...new Set(result.warnings)],
    events: result.events,
  }
}
