// Public surface of the OEE engine for the workbench, the IPC layer and the CLI.
export { computeLineOee, findBottleneck, ownLossMinutes, type LineOeeRequest } from './line-oee'
export { computeMachineOee } from './machine-oee'
export {
  OeeConfigSchema,
  LineConfigSchema,
  MachineConfigSchema,
  findLine,
  lineIdFromName,
  lineUniquenessProblems,
  type OeeConfig,
  type OeeConfigInput,
  type LineConfig,
  type MachineConfig,
  type MachineConfigInput,
} from './machine-config'
export {
  ShiftCalendarSchema,
  expandShifts,
  reportingPeriods,
  type ShiftCalendar,
  type ShiftCalendarInput,
  type Period,
  type PeriodKind,
} from './shift-calendar'
export {
  MACHINE_STATES,
  NO_DATA_TIME_MODES,
  NoDataTimeSchema,
  type MachineState,
  type NoDataTime,
  type Sample,
  type TagSeries,
  type TimeRange,
} from './machine-state'
export type { LineOeeReport, LinePeriodResult, MachineOeeReport, MachineOeeResult, SixBigLosses, OeeFlag, Bottleneck } from './oee-result'
export type { DowntimeEvent, ReasonCode } from './downtime-event'
export { DowntimeEventService, DowntimeEventError } from './downtime-event-service'
export { InMemoryDowntimeEventStore, type DowntimeEventStore, type EventHistoryEntry, type EventQuery, type EventAction } from './downtime-event-store'
export type { ReasonRule } from './reason-rules'
export { ReasonTreeError, type ReasonTree, type ReasonCategory, type Reason } from './reason-tree'
export { rankDowntimeByReason, type ReasonRanking } from './downtime-by-reason'
export { parseRecordingCsv, formatRecordingCsv, RecordingCsvError, type RecordingCsvProblem } from './recording-csv'
export { runOeeCommand, OEE_USAGE, type OeeCommandIo } from './cli-oee'
export { totalizeColumns, type SampleColumns } from './counter-totalizer'
export { checkShiftCalendar, CheckedShiftCalendarSchema, type CalendarProblem } from './calendar-checks'
export { calendarRanges, type CalendarRanges, type NamedRange } from './calendar-ranges'
