import type { DowntimeEvent, ReasonCode } from './downtime-event'
import type { MachineState } from './machine-state'

/** Codes an event automatically: the first rule whose conditions all hold wins. */
export interface ReasonRule {
  faultCodes?: number[]
  machine?: string
  state?: MachineState
  reason: ReasonCode
}

export function matchReasonRule(event: DowntimeEvent, rules: readonly ReasonRule[]): ReasonRule | undefined {
  return rules.find(
    (r) =>
      (r.faultCodes === undefined || (event.faultCode !== undefined && r.faultCodes.includes(event.faultCode))) &&
      (r.machine === undefined || r.machine === event.machine) &&
      (r.state === undefined || r.state === event.state),
  )
}
