// Per-connection health numbers: requests, answers, timeouts, refused items, round-trip times.

export interface S7Counters {
  requests: number
  responses: number
  timeouts: number
  /** Items the CPU answered with an error return code (DB missing, out of range, access denied). */
  itemErrors: number
  /** Whole requests the CPU refused in the header. */
  refusals: number
  /** Round-trip times of answered requests, ms. */
  rtt: { min: number | null; avg: number | null; max: number | null; last: number | null }
}

export class S7CounterSet {
  private values = emptyCounters()
  private rttCount = 0
  private rttSum = 0

  request(): void {
    this.values.requests++
  }

  answered(rttMs: number): void {
    const v = this.values
    v.responses++
    this.rttCount++
    this.rttSum += rttMs
    v.rtt = {
      min: v.rtt.min === null ? rttMs : Math.min(v.rtt.min, rttMs),
      max: v.rtt.max === null ? rttMs : Math.max(v.rtt.max, rttMs),
      last: rttMs,
      avg: this.rttSum / this.rttCount,
    }
  }

  timeout(): void {
    this.values.timeouts++
  }

  itemError(n = 1): void {
    this.values.itemErrors += n
  }

  refusal(): void {
    this.values.refusals++
  }

  reset(): void {
    this.values = emptyCounters()
    this.rttCount = this.rttSum = 0
  }

  snapshot(): S7Counters {
    return { ...this.values, rtt: { ...this.values.rtt } }
  }
}

function emptyCounters(): S7Counters {
  return { requests: 0, responses: 0, timeouts: 0, itemErrors: 0, refusals: 0, rtt: { min: null, avg: null, max: null, last: null } }
}
