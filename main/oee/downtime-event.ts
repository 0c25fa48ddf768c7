import type { MachineState } from './machine-state'
import type { StateSegment } from './state-timeline'

/** A reason from the two-level reason tree, by ids. */
export interface ReasonCode {
  categoryId: string
  reasonId: string
}

/** One stop of one machine. Times are epoch ms; minor stops count as performance loss, not downtime. */
export interface DowntimeEvent {
  id: string
  machine: string
  start: number
  end: number
  durationS: number
  state: MachineState
  faultCode?: number
  minor: boolean
  reason?: ReasonCode
  comment?: string
}

// States that may be short enough to be a minor stop; setup and planned stops never are.
const MINOR_CAPABLE: ReadonlySet<MachineState> = new Set(['idle', 'faulted', 'unknown', 'no-data', 'blocked', 'starved'])

export function isMinorStop(state: MachineState, durationS: number, thresholdS: number): boolean {
  return MINOR_CAPABLE.has(state) && durationS < thresholdS
}

export function downtimeEventId(machine: string, start: number): string {
  return `${machine}@${new Date(start).toISOString()}`
}

/** Every non-running segment becomes an event; minor is decided on the whole stop, not its part in a period. */
export function detectDowntimeEvents(machine: string, segments: readonly StateSegment[], minorStopThresholdS: number): DowntimeEvent[] {
  const events: DowntimeEvent[] = []
  for (const s of segments) {
    if (s.state === 'running') continue
    const durationS = (s.end - s.start) / 1000
    const event: DowntimeEvent = {
      id: downtimeEventId(machine, s.start),
      machine,
      start: s.start,
      end: s.end,
      durationS,
      state: s.state,
      minor: isMinorStop(s.state, durationS, minorStopThresholdS),
    }
    if (s.faultCode !== undefined) event.faultCode = s.faultCode
    events.push(event)
  }
  return events
}
