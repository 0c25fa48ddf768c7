import { z } from 'zod'

// 'unknown' covers time with no state sample yet or an unmapped state value, so gaps stay visible.
export const MACHINE_STATES = ['running', 'idle', 'starved', 'blocked', 'faulted', 'setup', 'planned-stop', 'unknown'] as const

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
