import { stringify } from 'csv-stringify/sync'

// The last N frames on the wire, in hex, for the traffic view and for export to a support ticket.

export interface TrafficFrame {
  /** Monotonic within one log. */
  seq: number
  time: number
  direction: 'tx' | 'rx'
  unitId: number
  functionCode: number
  /** Whole frame as hex bytes separated by spaces: MBAP + PDU for TCP, address + PDU + CRC for RTU. */
  hex: string
  /** ok, exception 2 (illegal data address), timeout, CRC error, … */
  result: string
  /** Round trip in ms, on rx frames. */
  rttMs?: number
}

export const DEFAULT_TRAFFIC_LOG_SIZE = 2000

export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0').toUpperCase()).join(' ')
}

/** A bounded ring buffer: old frames fall off, so a connection left open for a week costs nothing. */
export class TrafficLog {
  private readonly frames: (TrafficFrame | undefined)[]
  private next = 0
  private seq = 0

  constructor(readonly capacity = DEFAULT_TRAFFIC_LOG_SIZE) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`traffic log capacity ${capacity} must be a whole number of at least 1`)
    this.frames = new Array<TrafficFrame | undefined>(capacity)
  }

  add(frame: Omit<TrafficFrame, 'seq'>): TrafficFrame {
    const entry = { ...frame, seq: ++this.seq }
    this.frames[this.next] = entry
    this.next = (this.next + 1) % this.capacity
    return entry
  }

  /** Oldest first. */
  entries(): TrafficFrame[] {
    const older = this.frames.slice(this.next)
    const newer = this.frames.slice(0, this.next)
    return [...older, ...newer].filter((f): f is TrafficFrame => f !== undefined)
  }

  clear(): void {
    this.frames.fill(undefined)
    this.next = 0
  }

  /** One line per frame, like a bus monitor: `2024-05-01T10:00:00.123Z TX unit 1 FC3 00 01 … ok`. */
  exportText(): string {
    return this.entries()
      .map((f) => {
        const rtt = f.rttMs === undefined ? '' : ` ${f.rttMs.toFixed(1)} ms`
        return `${new Date(f.time).toISOString()} ${f.direction.toUpperCase()} unit ${f.unitId} FC${f.functionCode} ${f.hex || '-'} ${f.result}${rtt}`
      })
      .join('\n')
  }

  exportCsv(): string {
    const rows = this.entries().map((f) => [f.seq, new Date(f.time).toISOString(), f.direction, f.unitId, f.functionCode, f.hex, f.result, f.rttMs ?? ''])
    return stringify(rows, { header: true, columns: ['seq', 'time', 'direction', 'unit', 'function', 'hex', 'result', 'rttMs'] })
  }
}
