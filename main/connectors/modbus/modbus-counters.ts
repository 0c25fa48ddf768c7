// Per-connection health numbers, the ones a Modbus Poll user looks at first.

export interface ModbusCounters {
  requests: number
  responses: number
  timeouts: number
  exceptions: number
  crcErrors: number
  /** Round-trip times of answered requests (responses and exceptions), ms. */
  rtt: { min: number | null; avg: number | null; max: number | null; last: number | null }
}

export class ModbusCounterSet {
  private requests = 0
  private responses = 0
  private timeouts = 0
  private exceptions = 0
  private crcErrors = 0
  private rttCount = 0
  private rttSum = 0
  private rttMin: number | null = null
  private rttMax: number | null = null
  private rttLast: number | null = null

  request(): void {
    this.requests++
  }

  answered(kind: 'response' | 'exception', rttMs: number): void {
    if (kind === 'response') this.responses++
    else this.exceptions++
    this.rttCount++
    this.rttSum += rttMs
    this.rttLast = rttMs
    this.rttMin = this.rttMin === null ? rttMs : Math.min(this.rttMin, rttMs)
    this.rttMax = this.rttMax === null ? rttMs : Math.max(this.rttMax, rttMs)
  }

  timeout(): void {
    this.timeouts++
  }

  crcError(): void {
    this.crcErrors++
  }

  /** Starts counting from zero again (Modbus Poll's "reset counters"). */
  reset(): void {
    this.requests = this.responses = this.timeouts = this.exceptions = this.crcErrors = 0
    this.rttCount = this.rttSum = 0
    this.rttMin = this.rttMax = this.rttLast = null
  }

  snapshot(): ModbusCounters {
    return {
      requests: this.requests,
      responses: this.responses,
      timeouts: this.timeouts,
      exceptions: this.exceptions,
      crcErrors: this.crcErrors,
      rtt: { min: this.rttMin, avg: this.rttCount === 0 ? null : this.rttSum / this.rttCount, max: this.rttMax, last: this.rttLast },
    }
  }
}
