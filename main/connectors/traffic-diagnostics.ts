import { stringify } from 'csv-stringify/sync'
import type { ConnectionTraffic } from '../../preload/contract'

// The diagnostics every request/response protocol keeps per connection, in one shape: a bounded ring of the last
// frames on the wire (hex, for the traffic view and a support ticket) and the counters a bus monitor shows first
// (requests, responses, timeouts, the protocol's own error kinds, round-trip times). Modbus and S7 both use it; each
// names its own frame columns and error counters.

export const DEFAULT_TRAFFIC_LOG_SIZE = 2000

/** Protocol fields of a frame beside the common ones (Modbus: unit id and function code; S7: PDU reference and service). */
export type FrameFields = Record<string, string | number>

export type TrafficFrame<P extends FrameFields = FrameFields> = {
  /** Monotonic within one log. */
  seq: number
  time: number
  direction: 'tx' | 'rx'
  /** The whole frame as hex bytes separated by spaces; empty when nothing came (timeout). */
  hex: string
  /** sent, ok, exception 2 (illegal data address), timeout, item errors, … */
  result: string
  /** Round trip in ms, on rx frames. */
  rttMs?: number
} & P

/** How a protocol's frames read: its columns (shown, filtered, exported) and its words in a bus-monitor line. */
export interface TrafficFormat<P extends FrameFields> {
  /** File names of exports start with it: `modbus-traffic-…`. */
  name: string
  columns: readonly { key: keyof P & string; label: string; csv: string }[]
  /** What stands between the direction and the bytes in a text export line: `unit 1 FC3`, `#12 read var`. */
  describe(frame: TrafficFrame<P>): string
}

export function toHex(bytes: Uint8Array): string {
  let out = ''
  for (let i = 0; i < bytes.length; i++) out += (i === 0 ? '' : ' ') + HEX[bytes[i]!]
  return out
}
const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0').toUpperCase())

/** A bounded ring buffer: old frames fall off, so a connection left open for a week costs nothing. */
export class TrafficLog<P extends FrameFields = FrameFields> {
  private readonly frames: (TrafficFrame<P> | undefined)[]
  private next = 0
  private seq = 0

  constructor(
    readonly format: TrafficFormat<P>,
    readonly capacity = DEFAULT_TRAFFIC_LOG_SIZE,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`traffic log capacity ${capacity} must be a whole number of at least 1`)
    this.frames = new Array<TrafficFrame<P> | undefined>(capacity)
  }

  add(frame: Omit<TrafficFrame<P>, 'seq'>): TrafficFrame<P> {
    const entry = { ...frame, seq: ++this.seq } as TrafficFrame<P>
    this.frames[this.next] = entry
    this.next = (this.next + 1) % this.capacity
    return entry
  }

  /** Oldest first; with `limit`, only the newest that many. */
  entries(limit?: number): TrafficFrame<P>[] {
    const all = [...this.frames.slice(this.next), ...this.frames.slice(0, this.next)].filter((f): f is TrafficFrame<P> => f !== undefined)
    return limit === undefined ? all : all.slice(-limit)
  }

  clear(): void {
    this.frames.fill(undefined)
    this.next = 0
  }

  /** One line per frame, like a bus monitor: `2024-05-01T10:00:00.123Z TX unit 1 FC3 00 01 … ok 2.1 ms`. */
  exportText(): string {
    return this.entries()
      .map((f) => {
        const rtt = f.rttMs === undefined ? '' : ` ${f.rttMs.toFixed(1)} ms`
        return `${new Date(f.time).toISOString()} ${f.direction.toUpperCase()} ${this.format.describe(f)} ${f.hex || '-'} ${f.result}${rtt}`
      })
      .join('\n')
  }

  exportCsv(): string {
    const columns = this.format.columns
    const rows = this.entries().map((f) => [
      f.seq,
      new Date(f.time).toISOString(),
      f.direction,
      ...columns.map((c) => f[c.key]),
      f.hex,
      f.result,
      f.rttMs ?? '',
    ])
    return stringify(rows, { header: true, columns: ['seq', 'time', 'direction', ...columns.map((c) => c.csv), 'hex', 'result', 'rttMs'] })
  }
}

export interface RoundTrip {
  min: number | null
  avg: number | null
  max: number | null
  last: number | null
}

/** Requests, responses, timeouts and round trips, plus the protocol's own error kinds `K` (each a count). */
export type Counters<K extends string> = { requests: number; responses: number; timeouts: number; rtt: RoundTrip } & Record<K, number>

/** Per-connection health numbers, counted from zero again on reset (Modbus Poll's "reset counters"). */
export class CounterSet<K extends string> {
  private requests = 0
  private responses = 0
  private timeouts = 0
  private readonly kinds = new Map<K, number>()
  private rttCount = 0
  private rttSum = 0
  private rttMin: number | null = null
  private rttMax: number | null = null
  private rttLast: number | null = null

  /** `kinds`: the protocol's error counters, in the order they are shown (Modbus: exceptions, CRC errors). */
  constructor(readonly kindNames: readonly K[]) {
    for (const kind of kindNames) this.kinds.set(kind, 0)
  }

  request(): void {
    this.requests++
  }

  /** An answer came after `rttMs`; `as` counts it under one of the error kinds instead of as a response (a Modbus exception). */
  answered(rttMs: number, as?: K): void {
    if (as === undefined) this.responses++
    else this.count(as)
    this.rttCount++
    this.rttSum += rttMs
    this.rttLast = rttMs
    this.rttMin = this.rttMin === null ? rttMs : Math.min(this.rttMin, rttMs)
    this.rttMax = this.rttMax === null ? rttMs : Math.max(this.rttMax, rttMs)
  }

  timeout(): void {
    this.timeouts++
  }

  count(kind: K, n = 1): void {
    this.kinds.set(kind, (this.kinds.get(kind) ?? 0) + n)
  }

  reset(): void {
    this.requests = this.responses = this.timeouts = 0
    for (const kind of this.kinds.keys()) this.kinds.set(kind, 0)
    this.rttCount = this.rttSum = 0
    this.rttMin = this.rttMax = this.rttLast = null
  }

  snapshot(): Counters<K> {
    return {
      requests: this.requests,
      responses: this.responses,
      timeouts: this.timeouts,
      ...(Object.fromEntries(this.kinds) as Record<K, number>),
      rtt: { min: this.rttMin, avg: this.rttCount === 0 ? null : this.rttSum / this.rttCount, max: this.rttMax, last: this.rttLast },
    }
  }
}

/** What a driver with diagnostics hands to the protocol tools: its log, its counters, and the words for the counters. */
export interface ConnectionDiagnostics {
  traffic: TrafficLog<never>
  counters: CounterSet<string>
  /** Labels of the error counters, by kind (`exceptions: 'Exceptions'`). */
  counterLabels: Readonly<Record<string, string>>
}

/** Pairs a driver's log and counters for the protocol tools. */
export function diagnosticsOf<P extends FrameFields, K extends string>(
  traffic: TrafficLog<P>,
  counters: CounterSet<K>,
  counterLabels: Readonly<Record<K, string>>,
): ConnectionDiagnostics {
  return { traffic: traffic as unknown as TrafficLog<never>, counters: counters as unknown as CounterSet<string>, counterLabels }
}

/** The last `limit` frames and the counters, as the contract's `connections.traffic` gives them to the traffic view. */
export function trafficView(diagnostics: ConnectionDiagnostics, limit: number): ConnectionTraffic {
  const log = diagnostics.traffic as unknown as TrafficLog
  const columns = log.format.columns
  const counts = diagnostics.counters.snapshot() as unknown as Record<string, number> & { rtt: RoundTrip }
  return {
    columns: columns.map(({ key, label }) => ({ key, label })),
    frames: log.entries(limit).map((f) => ({
      seq: f.seq,
      time: f.time,
      direction: f.direction,
      hex: f.hex,
      result: f.result,
      ...(f.rttMs === undefined ? {} : { rttMs: f.rttMs }),
      fields: Object.fromEntries(columns.map((c) => [c.key, f[c.key]!])),
    })),
    counters: [
      { key: 'requests', label: 'Requests', value: counts.requests!, problem: false },
      { key: 'responses', label: 'Responses', value: counts.responses!, problem: false },
      { key: 'timeouts', label: 'Timeouts', value: counts.timeouts!, problem: true },
      ...diagnostics.counters.kindNames.map((kind) => ({ key: kind, label: diagnostics.counterLabels[kind] ?? kind, value: counts[kind]!, problem: true })),
    ],
    rtt: counts.rtt,
  }
}
