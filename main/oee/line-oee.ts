import { DateTime } from 'luxon'
import { findLine, OeeConfigSchema, type OeeConfig, type OeeConfigInput } from './machine-config'
import { calendarContext, computeMachinePeriod, prepareMachine, reportableEvents } from './machine-oee'
import type { SampleColumns } from './counter-totalizer'
import type { TagSeries, TimeRange } from './machine-state'
import type { Bottleneck, LineOeeReport, LinePeriodResult, MachineOeeResult } from './oee-result'
import { reportingPeriods, type Period, type PeriodKind } from './shift-calendar'

export interface LineOeeRequest {
  config: OeeConfig | OeeConfigInput
  series: TagSeries
  range: TimeRange
  by?: PeriodKind
  /** Counter tags as columns (a historian read): used instead of series[tag], with no sample objects built. */
  counterColumns?: Record<string, SampleColumns>
  /** More period kinds computed on the same prepared machines (one read, one preparation), in `alsoPeriods`. */
  alsoBy?: PeriodKind[]
  /** Which line of the config (id or name); the first when not given. */
  line?: string
}

/** Loss a machine causes itself; blocked/starved and quality are left out because others or later steps cause them. */
export function ownLossMinutes(r: MachineOeeResult): number {
  return r.lossMin.breakdowns + r.lossMin.setupAndAdjustments + r.lossMin.minorStops + r.lossMin.reducedSpeed
}

/**
 * The bottleneck is the machine that lost the most of its own time (breakdowns + setup + minor stops + reduced
 * speed); on a tie the slower machine (longer ideal cycle), then the earlier one in the line.
 */
export function findBottleneck(results: readonly MachineOeeResult[]): Bottleneck | null {
  let best: MachineOeeResult | null = null
  for (const r of results) {
    if (r.plannedProductionS <= 0) continue
    if (!best) {
      best = r
      continue
    }
    const d = ownLossMinutes(r) - ownLossMinutes(best)
    if (d > 1e-9 || (Math.abs(d) <= 1e-9 && (r.idealCycleS ?? 0) > (best.idealCycleS ?? 0))) best = r
  }
  return best ? { machine: best.machine, ownLossMin: ownLossMinutes(best) } : null
}

/** OEE for every machine of one line (the first unless `line` names another) and the line itself, per reporting period. */
export function computeLineOee(request: LineOeeRequest): LineOeeReport & { alsoPeriods?: Partial<Record<PeriodKind, LinePeriodResult[]>> } {
  const config = OeeConfigSchema.parse(request.config)
  const { range } = request
  const by = request.by ?? 'range'
  if (!(range.to > range.from)) throw new RangeError(`OEE range is empty: to (${range.to}) must be after from (${range.from})`)
  const line = request.line === undefined ? config.lines[0] : findLine(config.lines, request.line)
  if (!line) throw new RangeError(`No line "${request.line}" in the OEE config — it has ${config.lines.map((l) => `"${l.name}"`).join(', ')}`)
  const prepared = line.machines.map((m) => prepareMachine(m, request.series, range, request.counterColumns, config.noDataTime))
  const cal = calendarContext(config.calendar, range)
  const linePeriod = (period: Period): LinePeriodResult => {
    const machines = prepared.map((m) => computeMachinePeriod(m, cal, period))
    const bottleneck = findBottleneck(machines)
    const at = machines.find((m) => m.machine === bottleneck?.machine)
    const last = machines[machines.length - 1]
    return {
      period,
      machines,
      bottleneck,
      line: {
        measuredAt: at?.machine ?? null,
        availability: at?.availability ?? null,
        performance: at?.performance ?? null,
        quality: at?.quality ?? null,
        oee: at?.oee ?? null,
      },
      output: { total: last.counts.total, good: last.counts.good },
    }
  }
  const periods = reportingPeriods(config.calendar, range, by).map(linePeriod)
  const alsoPeriods: Partial<Record<PeriodKind, LinePeriodResult[]>> = {}
  for (const kind of request.alsoBy ?? []) alsoPeriods[kind] = reportingPeriods(config.calendar, range, kind).map(linePeriod)
  const zone = config.calendar.timeZone
  return {
    line: line.name,
    timeZone: zone,
    range: {
      from: DateTime.fromMillis(range.from, { zone }).toISO() ?? '',
      to: DateTime.fromMillis(range.to, { zone }).toISO() ?? '',
    },
    by,
    noDataTime: config.noDataTime,
    periods,
    events: prepared.flatMap((m) => reportableEvents(m.events, cal, range, config.noDataTime)),
    warnings: prepared.flatMap((m) => m.warnings),
    ...(request.alsoBy ? { alsoPeriods } : {}),
  }
}
