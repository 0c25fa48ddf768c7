import { CounterSet, TrafficLog, type Counters, type TrafficFormat } from '../traffic-diagnostics'

// What S7 puts into the shared traffic log and counters (main/connectors/traffic-diagnostics.ts): the PDU reference
// and service of each frame, and item errors and refused requests beside requests, responses and timeouts.

/** pduRef pairs a request with its reply (0 for COTP frames); service: connect, setup communication, read var, … */
export type S7FrameFields = { pduRef: number; service: string }

export const S7_TRAFFIC_FORMAT: TrafficFormat<S7FrameFields> = {
  name: 's7',
  columns: [
    { key: 'pduRef', label: 'PDU ref', csv: 'pduRef' },
    { key: 'service', label: 'Service', csv: 'service' },
  ],
  describe: (f) => `#${f.pduRef} ${f.service}`,
}

/** itemErrors: items the CPU answered with an error return code (DB missing, out of range, access denied); refusals: whole requests refused in the header. */
export const S7_COUNTER_LABELS = { itemErrors: 'Item errors', refusals: 'Refused requests' } as const
export type S7CounterKind = keyof typeof S7_COUNTER_LABELS
export type S7Counters = Counters<S7CounterKind>
export type S7CounterSet = CounterSet<S7CounterKind>
export type S7TrafficLog = TrafficLog<S7FrameFields>
export type S7TrafficFrame = ReturnType<S7TrafficLog['add']>

export const s7CounterSet = (): S7CounterSet => new CounterSet<S7CounterKind>(['itemErrors', 'refusals'])
export const s7TrafficLog = (capacity?: number): S7TrafficLog => new TrafficLog(S7_TRAFFIC_FORMAT, capacity)
