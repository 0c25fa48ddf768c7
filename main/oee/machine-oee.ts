import {
  NO_INCREMENTS,
  countBetween,
  firstStepTimeFrom,
  sortByTime,
  totalizeColumns,
  totalizeCounter,
  withoutStepsAt,
  type CounterIncrements,
  type SampleColumns,
} from './counter-totalizer'
import { detectDowntimeEvents, type DowntimeEvent } from './downtime-event'
import { idealCycleSeconds, type MachineConfig } from './machine-config'
import { MACHINE_STATES, type MachineState, type NoDataTime, type Sample, type TagSeries, type TimeRange } from './machine-state'
import type { MachineOeeResult, MachineOeeReport, OeeFlag, SixBigLosses } from './oee-result'
import { calendarPlannedStops, expandShifts, reportingPeriods, type Period, type PeriodKind, type ShiftCalendar } from './shift-calendar'
import { buildStateTimeline, timelineSpan, type StateSegment } from './state-timeline'
import { type Interval, intersectIntervals, normalizeIntervals, overlapMs, subtractIntervals, totalLengthMs } from './time-intervals'

interface ProductSpan extends Interval {
  idealCycleS: number | undefined
}

/** Everything about one machine that does not depend on the reporting period. */
interface PreparedMachine {
  config: MachineConfig
  segments: StateSegment[]
  events: DowntimeEvent[]
  /** Per segment: whether it is a minor stop (segments and events share start times). */
  minor: Uint8Array
  total?: CounterIncrements
  good?: CounterIncrements
  reject?: CounterIncrements
  products: ProductSpan[]
  defaultIdealCycleS: number | undefined
  startupWindows: Interval[]
  /** How no-data time counts for this line; with 'exclude', `noData` is left out of planned time and of the counts. */
  noDataTime: NoDataTime
  noData: Interval[]
  warnings: string[]
}

function seriesOf(series: TagSeries, tag: string | undefined, warnings: string[]): Sample[] | undefined {
  if (!tag) return undefined
  const s = series[tag]
  if (!s) {
    warnings.push(`tag ${tag}: no samples in the data — check the tag name in the machine config`)
    return []
  }
  // Disorder is detected and fixed where the series is read (timeline, totalizer), without an extra pass here.
  return s
}

function productSpans(config: MachineConfig, samples: Sample[] | undefined, span: TimeRange, warnings: string[]): ProductSpan[] {
  const fallback = idealCycleSeconds(config)
  if (samples?.some((x, i, all) => i > 0 && x.t < all[i - 1].t)) samples = sortByTime(samples)
  if (!config.productTag || !samples || samples.length === 0) return [{ start: span.from, end: span.to, idealCycleS: fallback }]
  const unknown = new Set<number>()
  const lookup = (v: number) => {
    const p = config.products[String(v)]
    const ict = p ? idealCycleSeconds(p) : undefined
    if (ict === undefined && fallback === undefined) unknown.add(v)
    return ict ?? fallback
  }
  const out: ProductSpan[] = []
  let start = span.from
  let current = samples[0].t <= span.from ? lookup(samples[0].v) : fallback
  for (const s of samples) {
    if (s.t <= span.from) {
      current = lookup(s.v)
      continue
    }
    if (s.t >= span.to) break
    const ict = lookup(s.v)
    if (ict === current) continue
    out.push({ start, end: s.t, idealCycleS: current })
    start = s.t
    current = ict
  }
  out.push({ start, end: span.to, idealCycleS: current })
  for (const v of unknown) warnings.push(`machine ${config.id}: product ${v} has no ideal speed and there is no default — its counts add no ideal time`)
  return out
}

export function prepareMachine(
  config: MachineConfig,
  series: TagSeries,
  range: TimeRange,
  counterColumns?: Record<string, SampleColumns>,
  noDataTime: NoDataTime = 'exclude',
): PreparedMachine {
  const warnings: string[] = []
  const span = timelineSpan(config.state, series, range)
  const stateSeries: TagSeries = {}
  const src = config.state
  const stateTagNames =
    src.kind === 'enum'
      ? [src.tag, src.faultCodeTag]
      : [src.runningTag, src.faultTag, src.faultCodeTag, src.speedTag, src.blockedTag, src.starvedTag, src.setupTag]
  for (const tag of stateTagNames) {
    const s = seriesOf(series, tag, warnings)
    if (tag && s) stateSeries[tag] = s
  }
  const segments = buildStateTimeline(src, stateSeries, span)
  const events = detectDowntimeEvents(config.id, segments, config.minorStopThresholdS)
  const minor = new Uint8Array(segments.length)
  for (let i = 0, e = 0; i < segments.length; i++) {
    if (segments[i].state === 'running') continue
    minor[i] = events[e++].minor ? 1 : 0
  }
  const counterOptions = {
    bitWidth: config.counters.bitWidth,
    // At most 10× the fastest ideal rate (plus slack) is believable; anything larger after a drop is a reset.
    maxStep: maxStepFor(config),
  }
  const noData = noDataTime === 'exclude' ? normalizeIntervals(segments.filter((x) => x.state === 'no-data')) : []
  const counter = (tag: string | undefined, label: string) => {
    if (!tag) return undefined
    const columns = counterColumns?.[tag]
    const s = columns ? undefined : seriesOf(series, tag, warnings)
    if (!columns && (!s || s.length === 0)) return NO_INCREMENTS
    const inc = columns ? totalizeColumns(columns, counterOptions) : totalizeCounter(s!, counterOptions)
    if (inc.resets > 0) warnings.push(`machine ${config.id}: ${label} counter ${tag} was reset ${inc.resets} time(s) (PLC restart?) — jumps not counted`)
    return noData.length > 0 ? withoutGapSteps(inc, columns ?? sampleColumns(s!), noData) : inc
  }
  const products = productSpans(config, seriesOf(series, config.productTag, warnings), span, warnings)
  const startupWindows =
    config.startupWindowS > 0
      ? normalizeIntervals(
          events
            .filter((e) => !e.minor && e.end < span.to && (e.state !== 'no-data' || noDataTime === 'breakdown'))
            .map((e) => ({ start: e.end, end: e.end + config.startupWindowS * 1000 })),
        )
      : []
  return {
    config,
    segments,
    events,
    minor,
    total: counter(config.counters.totalTag, 'total'),
    good: counter(config.counters.goodTag, 'good'),
    reject: counter(config.counters.rejectTag, 'reject'),
    products,
    defaultIdealCycleS: idealCycleSeconds(config),
    startupWindows,
    noDataTime,
    noData,
    warnings,
  }
}

function sampleColumns(samples: readonly Sample[]): SampleColumns {
  const sorted = samples.some((x, i) => i > 0 && x.t < samples[i - 1].t) ? sortByTime(samples) : samples
  return { t: sorted.map((x) => x.t), v: sorted.map((x) => x.v) }
}

/**
 * The first counter step after a no-data stretch spans it: it may hold units made while nothing was recorded, so it
 * is not counted when no-data time is left out (units counted during the stretch are left out with its time).
 */
function withoutGapSteps(inc: CounterIncrements, readings: SampleColumns, noData: readonly Interval[]): CounterIncrements {
  const times: number[] = []
  for (const gap of noData) {
    const t = firstStepTimeFrom(readings, gap.end)
    if (t !== undefined) times.push(t)
  }
  return times.length > 0 ? withoutStepsAt(inc, times) : inc
}

function maxStepFor(config: MachineConfig): ((dtMs: number) => number) | undefined {
  const cycles = [idealCycleSeconds(config), ...Object.values(config.products).map(idealCycleSeconds)].filter((c): c is number => c !== undefined)
  if (cycles.length === 0) return undefined
  const fastest = Math.min(...cycles)
  return (dtMs) => (10 * dtMs) / 1000 / fastest + 100
}

interface Counts {
  total: number
  good: number
  reject: number
}

function countsIn(m: PreparedMachine, intervals: readonly Interval[]): Counts {
  const sum = (inc: CounterIncrements | undefined) => {
    if (!inc) return undefined
    let n = 0
    for (const i of intervals) n += countBetween(inc, i.start, i.end)
    return n
  }
  const total = sum(m.total)
  const good = sum(m.good)
  const reject = sum(m.reject)
  // Schema guarantees at least two of the three; the missing one is derived.
  if (total === undefined) return { total: good! + reject!, good: good!, reject: reject! }
  if (good === undefined) return { total, good: total - reject!, reject: reject! }
  return { total, good, reject: reject ?? total - good }
}

function firstSegmentEndingAfter(segments: readonly StateSegment[], t: number): number {
  let lo = 0
  let hi = segments.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (segments[mid].end <= t) lo = mid + 1
    else hi = mid
  }
  return lo
}

const zeroLosses = (): SixBigLosses => ({
  breakdowns: 0,
  setupAndAdjustments: 0,
  minorStops: 0,
  reducedSpeed: 0,
  processDefects: 0,
  startupRejects: 0,
})

export interface CalendarContext {
  /** Shift time (clipped to nothing yet), normalized. */
  shifts: Interval[]
  /** Breaks, holidays and planned stops, normalized. */
  plannedStops: Interval[]
}

export function calendarContext(calendar: ShiftCalendar, range: TimeRange): CalendarContext {
  const shifts = expandShifts(calendar, range)
  return {
    shifts: normalizeIntervals(shifts),
    plannedStops: normalizeIntervals([...shifts.flatMap((s) => s.breaks), ...calendarPlannedStops(calendar)]),
  }
}

export function computeMachinePeriod(m: PreparedMachine, cal: CalendarContext, period: Period): MachineOeeResult {
  const cfg = m.config
  const scheduled = intersectIntervals(cal.shifts, [period])
  const available = subtractIntervals(scheduled, cal.plannedStops)
  const availableMs = totalLengthMs(available)
  const stateMs = Object.fromEntries(MACHINE_STATES.map((s) => [s, 0])) as Record<MachineState, number>
  let minorMs = 0
  let breakdownMs = 0
  let blockedStarvedLossMs = 0
  let noDataLossMs = 0
  let excludedMs = 0
  const excludeNoData = m.noDataTime === 'exclude'
  for (let i = firstSegmentEndingAfter(m.segments, period.start); i < m.segments.length; i++) {
    const seg = m.segments[i]
    if (seg.start >= period.end) break
    const ms = overlapMs(available, seg.start, seg.end)
    if (ms === 0) continue
    stateMs[seg.state] += ms
    switch (seg.state) {
      case 'running':
      case 'setup':
        break
      case 'planned-stop':
        excludedMs += ms
        break
      case 'no-data':
        if (excludeNoData) excludedMs += ms
        else if (m.minor[i]) minorMs += ms
        else {
          breakdownMs += ms
          noDataLossMs += ms
        }
        break
      case 'blocked':
      case 'starved':
        if (!cfg.blockedStarvedAgainstAvailability) excludedMs += ms
        else if (m.minor[i]) minorMs += ms
        else blockedStarvedLossMs += ms
        break
      default:
        if (m.minor[i]) minorMs += ms
        else breakdownMs += ms
    }
  }
  const pptMs = availableMs - excludedMs
  const netRunMs = stateMs.running
  const runMs = netRunMs + minorMs

  // Units count in planned time that was recorded (with 'exclude', no-data stretches are left out with their units).
  const counted = m.noData.length > 0 ? subtractIntervals(available, m.noData) : available
  const counts = countsIn(m, counted)
  const outside = countsIn(m, subtractIntervals([period], available))
  const startupReject = countsIn(m, intersectIntervals(m.startupWindows, counted)).reject

  let idealMs = 0
  for (const p of m.products) {
    if (p.idealCycleS === undefined) continue
    const slice = intersectIntervals(counted, [p])
    if (slice.length > 0) idealMs += countsIn(m, slice).total * p.idealCycleS * 1000
  }
  const fallbackIct = m.defaultIdealCycleS ?? m.products.find((p) => p.idealCycleS !== undefined)?.idealCycleS
  const ict = counts.total > 0 && idealMs > 0 ? idealMs / 1000 / counts.total : (fallbackIct ?? null)

  const ratio = (a: number, b: number) => (b > 0 ? a / b : null)
  const availability = ratio(runMs, pptMs)
  const performance = ratio(idealMs, runMs)
  const quality = ratio(counts.good, counts.total)
  const oee = availability !== null && performance !== null && quality !== null ? availability * performance * quality : null

  const lossMin = zeroLosses()
  lossMin.breakdowns = breakdownMs / 60_000
  lossMin.setupAndAdjustments = stateMs.setup / 60_000
  lossMin.minorStops = minorMs / 60_000
  lossMin.reducedSpeed = (netRunMs - idealMs) / 60_000
  const ictMin = (ict ?? 0) / 60
  lossMin.processDefects = (counts.reject - startupReject) * ictMin
  lossMin.startupRejects = startupReject * ictMin
  const lossUnits = zeroLosses()
  if (ict) {
    lossUnits.breakdowns = (lossMin.breakdowns * 60) / ict
    lossUnits.setupAndAdjustments = (lossMin.setupAndAdjustments * 60) / ict
    lossUnits.minorStops = (lossMin.minorStops * 60) / ict
    lossUnits.reducedSpeed = (lossMin.reducedSpeed * 60) / ict
  }
  lossUnits.processDefects = counts.reject - startupReject
  lossUnits.startupRejects = startupReject

  const flags: OeeFlag[] = []
  if (performance !== null && performance > 1) flags.push('performance-above-100')
  if (pptMs <= 0) flags.push('no-planned-production-time')
  if (counts.total === 0 && pptMs > 0) flags.push('no-counts')

  const blockedStarvedMs = stateMs.blocked + stateMs.starved
  for (const s of MACHINE_STATES) stateMs[s] /= 1000
  return {
    machine: cfg.id,
    period,
    scheduledS: totalLengthMs(scheduled) / 1000,
    calendarPlannedStopS: (totalLengthMs(scheduled) - availableMs) / 1000,
    plannedStopStateS: stateMs['planned-stop'],
    plannedProductionS: pptMs / 1000,
    noDataS: stateMs['no-data'],
    noDataTime: m.noDataTime,
    noDataBreakdownMin: noDataLossMs / 60_000,
    runS: runMs / 1000,
    netRunS: netRunMs / 1000,
    blockedStarvedS: blockedStarvedMs / 1000,
    blockedStarvedAgainstAvailability: cfg.blockedStarvedAgainstAvailability,
    blockedStarvedLossMin: blockedStarvedLossMs / 60_000,
    stateS: stateMs,
    counts: { ...counts, startupReject, outsidePlannedTime: outside.total },
    idealProductionS: idealMs / 1000,
    idealCycleS: ict,
    availability,
    performance,
    quality,
    oee,
    lossMin,
    lossUnits,
    flags,
  }
}

/**
 * Events overlapping the range. A no-data stretch is a stop only when no-data time counts as a breakdown, and then
 * (like an unmapped 'unknown' value) only when it overlaps planned calendar time: a gap before the first sample at
 * night is not a stop anyone needs to code.
 */
export function reportableEvents(
  events: readonly DowntimeEvent[],
  cal: CalendarContext,
  range: TimeRange,
  noDataTime: NoDataTime = 'exclude',
): DowntimeEvent[] {
  const planned = subtractIntervals(intersectIntervals(cal.shifts, [{ start: range.from, end: range.to }]), cal.plannedStops)
  return events.filter((e) => {
    if (e.end <= range.from || e.start >= range.to) return false
    if (e.state === 'no-data' && noDataTime === 'exclude') return false
    return (e.state !== 'unknown' && e.state !== 'no-data') || overlapMs(planned, e.start, e.end) > 0
  })
}

/** OEE of one machine for every reporting period of the range, plus its downtime events overlapping the range. */
export function computeMachineOee(
  config: MachineConfig,
  calendar: ShiftCalendar,
  series: TagSeries,
  range: TimeRange,
  by: PeriodKind = 'range',
  noDataTime: NoDataTime = 'exclude',
): MachineOeeReport {
  const prepared = prepareMachine(config, series, range, undefined, noDataTime)
  const cal = calendarContext(calendar, range)
  const periods = reportingPeriods(calendar, range, by).map((p) => computeMachinePeriod(prepared, cal, p))
  return {
    machine: config.id,
    periods,
    events: reportableEvents(prepared.events, cal, range, noDataTime),
    warnings: prepared.warnings,
  }
}
