import { stringify } from 'csv-stringify/sync'

// The last N S7 frames on the wire, in hex, for the traffic view and for export to a support ticket.

export interface S7TrafficFrame {
  /** Monotonic within one log. */
  seq: number
  time: number
  direction: 'tx' | 'rx'
  /** S7 PDU reference that pairs a request with its reply (0 for COTP frames). */
  pduRef: number
  /** connect, setup communication, read var, write var, read SZL. */
  service: string
  /** The whole frame (TPKT + COTP + S7) as hex bytes separated by spaces. */
  hex: string
  /** ok, timeout, item errors, refused, … */
  result: string
  /** Round trip in ms, on rx frames. */
  rttMs?: number
}

export const DEFAULT_TRAFFIC_LOG_SIZE = 2000

export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0').toUpperCase()).join(' ')
}

/** A bounded ring buffer: old frames fall off, so a connection left open for a week costs nothing. */
export class S7TrafficLog {
  private readonly frames: (S7TrafficFrame | undefined)[]
  private next = 0
  private seq = 0

  constructor(readonly capacity = DEFAULT_TRAFFIC_LOG_SIZE) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`traffic log capacity ${capacity} must be a whole number of at least 1`)
    this.frames = new Array<S7TrafficFrame | undefined>(capacity)
  }

  add(frame: Omit<S7TrafficFrame, 'seq'>): S7TrafficFrame {
    const entry = { ...frame, seq: ++this.seq }
    this.frames[this.next] = entry
    this.next = (this.next + 1) % this.capacity
    return entry
  }

  /** Oldest first. */
  entries(): S7TrafficFrame[] {
    return [...this.frames.slice(this.next), ...this.frames.slice(0, this.next)].filter((f): f is S7TrafficFrame => f !== undefined)
  }

  clear(): void {
    this.frames.fill(undefined)
    this.next = 0
  }

  /** One line per frame, like a bus monitor: `2024-05-01T10:00:00.123Z TX #12 read var 03 00 … ok`. */
  exportText(): string {
    return this.entries()
      .map((f) => {
        const rtt = f.rttMs === undefined ? '' : ` ${f.rttMs.toFixed(1)} ms`
        return `${new Date(f.time).toISOString()} ${f.direction.toUpperCase()} #${f.pduRef} ${f.service} ${f.hex || '-'} ${f.result}${rtt}`
      })
      .join('\n')
  }

  exportCsv(): string {
    const rows = this.entries().map((f) => [f.seq, new Date(f.time).toISOString(), f.direction, f.pduRef, f.service, f.hex, f.result, f.rttMs ?? ''])
    return stringify(rows, { header: true, columns: ['seq', 'time', 'direction', 'pduRef', 'service', 'hex', 'result', 'rttMs'] })
  }
}
