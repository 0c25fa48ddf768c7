import { z } from 'zod'
import { oeeMachineStates } from '../../preload/contract'

// 'no-data': nothing was recorded (before the first state sample, or a NaN/bad sample); 'unknown': a value the map lacks.
export const MACHINE_STATES = oeeMachineStates

export const MachineStateSchema = z.enum(MACHINE_STATES)
export type MachineState = z.infer<typeof MachineStateSchema>

/** One sample of a tag: epoch milliseconds and a numeric value (booleans as 0/1). */
export interface Sample {
  t: number
  v: number
}

/** Per-tag time series, each sorted by time; values hold until the next sample. */
export type TagSeries = Record<string, Sample[]>

/** Half-open time range [from, to) in epoch milliseconds. */
export interface TimeRange {
  from: number
  to: number
}

/** How time with no data counts: left out of planned production time (default), or as a breakdown. */
export const NO_DATA_TIME_MODES = ['exclude', 'breakdown'] as const
export const NoDataTimeSchema = z.enum(NO_DATA_TIME_MODES)
export type NoDataTime = z.infer<typeof NoDataTimeSchema>
