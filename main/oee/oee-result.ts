import type { DowntimeEvent } from './downtime-event'
import type { MachineState, NoDataTime } from './machine-state'
import type { Period, PeriodKind } from './shift-calendar'

/** The six big losses, either in minutes or in units. */
export interface SixBigLosses {
  breakdowns: number
  setupAndAdjustments: number
  minorStops: number
  reducedSpeed: number
  processDefects: number
  startupRejects: number
}

export type OeeFlag = 'performance-above-100' | 'no-planned-production-time' | 'no-counts'

export interface MachineOeeResult {
  machine: string
  period: Period
  /** Time inside shifts within the period. */
  scheduledS: number
  /** Breaks, holidays and calendar planned stops inside shifts. */
  calendarPlannedStopS: number
  /** Time the machine itself reported a planned stop, inside planned time. */
  plannedStopStateS: number
  /**
   * Planned calendar time with no recorded state (before the first sample, NaN/bad samples). Left out of planned
   * production time when `noDataTime` is 'exclude'; counted as breakdown (or minor stop) when 'breakdown'.
   */
  noDataS: number
  noDataTime: NoDataTime
  /** The part of `lossMin.breakdowns` that is no-data time (0 unless `noDataTime` is 'breakdown'). */
  noDataBreakdownMin: number
  plannedProductionS: number
  /** Running time plus minor stops. */
  runS: number
  /** Running state only. */
  netRunS: number
  /** Blocked + starved time inside planned time, reported apart from the machine's own losses. */
  blockedStarvedS: number
  blockedStarvedAgainstAvailability: boolean
  /** Blocked/starved stops counted as availability loss (0 unless the setting says they count); not in the six losses. */
  blockedStarvedLossMin: number
  /** Time per state inside planned time (calendar planned stops removed). */
  stateS: Record<MachineState, number>
  counts: { total: number; good: number; reject: number; startupReject: number; outsidePlannedTime: number }
  idealProductionS: number
  /** Ideal seconds per unit used to turn losses into units (average over products made in the period). */
  idealCycleS: number | null
  availability: number | null
  performance: number | null
  quality: number | null
  oee: number | null
  lossMin: SixBigLosses
  lossUnits: SixBigLosses
  flags: OeeFlag[]
}

export interface MachineOeeReport {
  machine: string
  periods: MachineOeeResult[]
  events: DowntimeEvent[]
  warnings: string[]
}

export interface Bottleneck {
  machine: string
  /** Own losses: breakdowns + setup + minor stops + reduced speed, minutes (blocked/starved excluded). */
  ownLossMin: number
}

export interface LinePeriodResult {
  period: Period
  machines: MachineOeeResult[]
  bottleneck: Bottleneck | null
  /** Line OEE is measured at the bottleneck machine; output counts come from the last machine. */
  line: { measuredAt: string | null; availability: number | null; performance: number | null; quality: number | null; oee: number | null }
  output: { total: number; good: number }
}

export interface LineOeeReport {
  line: string
  timeZone: string
  range: { from: string; to: string }
  by: PeriodKind
  noDataTime: NoDataTime
  periods: LinePeriodResult[]
  events: DowntimeEvent[]
  warnings: string[]
}
