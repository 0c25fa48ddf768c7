import { formatModicon, isRegisterTable, type ModbusTable } from '../../../preload/contract/modbus-address'
import { exceptionName, ModbusRequestError } from './modbus-request-error'
import type { ModbusSession } from './modbus-session'

// Finding what is on a line: which unit ids answer, and which addresses of a table a device maps.

export interface ScanProgress {
  done: number
  total: number
  /** Items per second so far. */
  rate: number
  /** Estimated time left; Infinity until the first item is done. */
  etaMs: number
}

/** The part of a session a scan needs, so scans can be tested and reused without a connector. */
export type ScanSession = Pick<ModbusSession, 'readRegisters' | 'readBits' | 'setTimeout' | 'timeout'>

export interface UnitScanOptions {
  /** First and last unit id, inclusive; default 1..247 (the RTU address range). */
  from?: number
  to?: number
  /** How long to wait for each unit; default 300 ms (a silent id costs this much). */
  timeoutMs?: number
  /** What to read from each unit; default one holding register at offset 0. */
  probe?: { table: ModbusTable; offset: number }
  signal?: AbortSignal
  onProgress?: (progress: ScanProgress) => void
  /** Each unit's result as soon as it is known. */
  onResult?: (result: UnitScanResult) => void
}

export interface UnitScanResult {
  unitId: number
  /** answered: data came back; exception: the unit exists but refused the probe; silent: no answer. */
  status: 'answered' | 'exception' | 'silent'
  detail: string
}

export interface UnitScanReport {
  /** Unit ids that are there (answered or answered with an exception). */
  found: number[]
  results: UnitScanResult[]
  cancelled: boolean
}

export interface RangeScanOptions {
  unitId: number
  table: ModbusTable
  /** First and last 0-based offset, inclusive. */
  from: number
  to: number
  /** Largest read tried before halving; default 100 registers or 1000 bits. */
  blockSize?: number
  timeoutMs?: number
  signal?: AbortSignal
  onProgress?: (progress: ScanProgress) => void
  /** The data of every block that answered (register words or bits), as it arrives. */
  onData?: (offset: number, data: readonly (number | boolean)[]) => void
}

export interface AddressRange {
  table: ModbusTable
  from: number
  to: number
  /** answers, or why not: `illegal data address (exception 2)`, `timeout`, … */
  status: string
}

export interface RangeScanReport {
  ranges: AddressRange[]
  answered: number
  rejected: number
  cancelled: boolean
}

function progressMeter(total: number, onProgress?: (progress: ScanProgress) => void) {
  const started = performance.now()
  let done = 0
  return {
    advance(n: number) {
      done += n
      const seconds = (performance.now() - started) / 1000
      const rate = seconds > 0 ? done / seconds : 0
      onProgress?.({ done, total, rate, etaMs: rate > 0 ? ((total - done) / rate) * 1000 : Infinity })
    },
  }
}

function probeRead(session: ScanSession, unitId: number, table: ModbusTable, offset: number, count: number): Promise<unknown> {
  return isRegisterTable(table) ? session.readRegisters(unitId, table, offset, count) : session.readBits(unitId, table, offset, count)
}

/** Gateways answer 10/11 for ids with nothing behind them, so those count as silent. */
const GATEWAY_NO_TARGET = new Set([10, 11])

export async function scanUnitIds(session: ScanSession, options: UnitScanOptions = {}): Promise<UnitScanReport> {
  const from = options.from ?? 1
  const to = options.to ?? 247
  if (!Number.isInteger(from) || !Number.isInteger(to) || from < 0 || to > 255 || from > to) {
    throw new RangeError(`unit id scan ${from}-${to}: use whole numbers with 0 <= from <= to <= 255 (1-247 for RTU)`)
  }
  const probe = options.probe ?? { table: 'hr', offset: 0 }
  const meter = progressMeter(to - from + 1, options.onProgress)
  const previousTimeout = session.timeout
  session.setTimeout(options.timeoutMs ?? 300)
  const results: UnitScanResult[] = []
  try {
    for (let unitId = from; unitId <= to; unitId++) {
      if (options.signal?.aborted) return { found: foundOf(results), results, cancelled: true }
      try {
        await probeRead(session, unitId, probe.table, probe.offset, 1)
        results.push({ unitId, status: 'answered', detail: `answered ${formatModicon(probe)}` })
      } catch (error) {
        if (!(error instanceof ModbusRequestError)) throw error
        if (error.kind === 'disconnected') throw error
        const code = error.exceptionCode
        if (error.kind === 'exception' && code !== undefined && !GATEWAY_NO_TARGET.has(code)) {
          results.push({ unitId, status: 'exception', detail: `${exceptionName(code)} (exception ${code}) — the unit is there` })
        } else {
          results.push({ unitId, status: 'silent', detail: error.kind === 'exception' ? `${exceptionName(code!)} (exception ${code})` : error.kind })
        }
      }
      options.onResult?.(results.at(-1)!)
      meter.advance(1)
    }
  } finally {
    session.setTimeout(previousTimeout)
  }
  return { found: foundOf(results), results, cancelled: false }
}

function foundOf(results: UnitScanResult[]): number[] {
  return results.filter((r) => r.status !== 'silent').map((r) => r.unitId)
}

/** Reads blocks and halves the ones that fail, so a mostly-mapped table costs few requests. */
export async function scanRegisterRange(session: ScanSession, options: RangeScanOptions): Promise<RangeScanReport> {
  const { unitId, table, from, to } = options
  if (!Number.isInteger(from) || !Number.isInteger(to) || from < 0 || to > 65535 || from > to) {
    throw new RangeError(`address scan ${from}-${to}: use 0-based offsets with 0 <= from <= to <= 65535`)
  }
  const maxBlock = options.blockSize ?? (isRegisterTable(table) ? 100 : 1000)
  const meter = progressMeter(to - from + 1, options.onProgress)
  const previousTimeout = session.timeout
  if (options.timeoutMs !== undefined) session.setTimeout(options.timeoutMs)
  const statuses: { offset: number; count: number; status: string }[] = []
  let cancelled = false

  const probe = async (offset: number, count: number): Promise<void> => {
    if (options.signal?.aborted) {
      cancelled = true
      return
    }
    try {
      const data = (await probeRead(session, unitId, table, offset, count)) as (number | boolean)[]
      statuses.push({ offset, count, status: 'answers' })
      options.onData?.(offset, data.slice(0, count))
      meter.advance(count)
    } catch (error) {
      if (!(error instanceof ModbusRequestError) || error.kind === 'disconnected') throw error
      if (count > 1) {
        const half = Math.ceil(count / 2)
        await probe(offset, half)
        await probe(offset + half, count - half)
        return
      }
      const status = error.kind === 'exception' ? `${exceptionName(error.exceptionCode!)} (exception ${error.exceptionCode})` : error.kind
      statuses.push({ offset, count, status })
      meter.advance(count)
    }
  }

  try {
    for (let offset = from; offset <= to && !cancelled; offset += maxBlock) {
      await probe(offset, Math.min(maxBlock, to - offset + 1))
    }
  } finally {
    session.setTimeout(previousTimeout)
  }
  statuses.sort((a, b) => a.offset - b.offset)
  const ranges: AddressRange[] = []
  for (const s of statuses) {
    const last = ranges.at(-1)
    if (last && last.status === s.status && last.to + 1 === s.offset) last.to = s.offset + s.count - 1
    else ranges.push({ table, from: s.offset, to: s.offset + s.count - 1, status: s.status })
  }
  const answered = statuses.filter((s) => s.status === 'answers').reduce((n, s) => n + s.count, 0)
  const rejected = statuses.reduce((n, s) => n + s.count, 0) - answered
  return { ranges, answered, rejected, cancelled }
}

/** `40501-40504 answers` — a range as people read it off a register map. */
export function describeAddressRange(range: AddressRange): string {
  const first = formatModicon({ table: range.table, offset: range.from })
  const span = range.from === range.to ? first : `${first}-${formatModicon({ table: range.table, offset: range.to })}`
  return `${span} ${range.status}`
}
