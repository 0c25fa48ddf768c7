import { WorkbenchError } from '../../../preload/contract'
import { isRegisterTable, type ModbusTable } from '../../../preload/contract/modbus-address'
import { exceptionName, ModbusRequestError, type ModbusFailureKind } from './modbus-request-error'
import { describeRange, type ModbusSession } from './modbus-session'

// Modbus Poll's window: one range read again and again on the connection's own link (so its frames land in the same
// counters and traffic log as the tag polls), each poll reported with its data or why not.

/** The part of a session a monitor reads and writes through. */
export type MonitorSession = Pick<ModbusSession, 'readRegisters' | 'readBits' | 'writeRegister' | 'writeRegisters' | 'writeCoil'>

export interface MonitorRange {
  unitId: number
  table: ModbusTable
  /** First 0-based offset. */
  start: number
  quantity: number
}

export interface MonitorCounters {
  polls: number
  ok: number
  errors: number
  exceptions: number
  timeouts: number
}

export interface MonitorPoll {
  kind: 'poll'
  seq: number
  status: 'ok' | ModbusFailureKind
  values?: (number | boolean)[]
  exceptionCode?: number
  exceptionName?: string
  message?: string
  rttMs?: number
  counters: MonitorCounters
}

export interface RegisterMonitorOptions {
  /**
   * The link to poll on, asked again before every poll (the connection may have reconnected or been rebuilt); throws a
   * ModbusRequestError of kind `disconnected` while there is none, and anything else when the monitor cannot go on.
   */
  session(): MonitorSession
  range: MonitorRange
  pollMs: number
  onPoll(poll: MonitorPoll): void
  /** The monitor cannot go on (the connection was removed or is no longer Modbus); polling has stopped. */
  onEnd?(error: unknown): void
}

/** Starts polling at once, then every `pollMs` after the start of the previous poll; returns stop(). */
export function startRegisterMonitor(options: RegisterMonitorOptions): () => void {
  const { range, pollMs } = options
  const counters: MonitorCounters = { polls: 0, ok: 0, errors: 0, exceptions: 0, timeouts: 0 }
  let stopped = false
  let timer: NodeJS.Timeout | undefined
  let seq = 0

  const poll = async (): Promise<void> => {
    const started = performance.now()
    let session: MonitorSession
    try {
      session = options.session()
    } catch (error) {
      if (!(error instanceof ModbusRequestError)) {
        stopped = true
        options.onEnd?.(error)
        return
      }
      report(error, started)
      return schedule(started)
    }
    try {
      const values = isRegisterTable(range.table)
        ? await session.readRegisters(range.unitId, range.table, range.start, range.quantity)
        : await session.readBits(range.unitId, range.table, range.start, range.quantity)
      if (stopped) return
      counters.polls++
      counters.ok++
      options.onPoll({ kind: 'poll', seq: ++seq, status: 'ok', values: [...values], rttMs: performance.now() - started, counters: { ...counters } })
    } catch (raw) {
      if (stopped) return
      report(raw instanceof ModbusRequestError ? raw : new ModbusRequestError(String((raw as Error)?.message ?? raw), 'protocol'), started)
    }
    schedule(started)
  }

  const report = (error: ModbusRequestError, started: number): void => {
    counters.polls++
    counters.errors++
    if (error.kind === 'exception') counters.exceptions++
    if (error.kind === 'timeout') counters.timeouts++
    const code = error.exceptionCode
    options.onPoll({
      kind: 'poll',
      seq: ++seq,
      status: error.kind,
      exceptionCode: code,
      exceptionName: code === undefined ? undefined : exceptionName(code),
      message: error.message,
      rttMs: error.kind === 'exception' ? performance.now() - started : undefined,
      counters: { ...counters },
    })
  }

  const schedule = (started: number): void => {
    if (stopped) return
    timer = setTimeout(() => void poll(), Math.max(0, pollMs - (performance.now() - started)))
    timer.unref?.()
  }

  void poll()
  return () => {
    stopped = true
    clearTimeout(timer)
  }
}

export interface MonitorWrite {
  unitId: number
  table: 'hr' | 'co'
  offset: number
  /** What the cell showed: the device must still hold it, or nothing is sent. */
  shown: readonly number[] | readonly [boolean]
  values: readonly number[] | readonly [boolean]
}

export interface MonitorWriteResult {
  result: 'ok' | 'mismatch'
  readBack: (number | boolean)[]
  message: string
}

const describeWords = (values: readonly (number | boolean)[]): string =>
  values.map((v) => (typeof v === 'boolean' ? (v ? '1 (on)' : '0 (off)') : `0x${v.toString(16).toUpperCase().padStart(4, '0')}`)).join(' ')

/**
 * Reads the range again and refuses when it no longer holds what the person saw; then writes (coil FC5, one register
 * FC6, more FC16) and reads it back. The caller arms and audits (WriteGuard.armedAction).
 */
export async function writeMonitored(session: MonitorSession, write: MonitorWrite): Promise<MonitorWriteResult> {
  const { unitId, table, offset, shown, values } = write
  const count = values.length
  const span = describeRange(table, offset, count)
  const read = () => (table === 'hr' ? session.readRegisters(unitId, 'hr', offset, count) : session.readBits(unitId, 'co', offset, count))
  const before = await read()
  if (before.some((v, i) => v !== shown[i])) {
    throw new WorkbenchError(
      'WRITE_REFUSED',
      `unit ${unitId} ${span} now holds ${describeWords(before)}, not ${describeWords(shown)} as shown — nothing was sent; look at the new value and confirm again`,
    )
  }
  if (table === 'co') await session.writeCoil(unitId, offset, values[0] as boolean)
  else if (count === 1) await session.writeRegister(unitId, offset, values[0] as number)
  else await session.writeRegisters(unitId, offset, values as number[])
  const function_ = table === 'co' ? 'FC5' : count === 1 ? 'FC6' : 'FC16'
  let back: (number | boolean)[]
  try {
    back = [...(await read())]
  } catch (error) {
    return {
      result: 'ok',
      readBack: [],
      message: `wrote ${describeWords(values)} to unit ${unitId} ${span} (${function_}); the read-back failed (${error instanceof Error ? error.message : String(error)}), so the device's value is not confirmed`,
    }
  }
  const same = back.every((v, i) => v === values[i])
  return {
    result: same ? 'ok' : 'mismatch',
    readBack: back,
    message: same
      ? `wrote ${describeWords(values)} to unit ${unitId} ${span} (${function_}), read back ${describeWords(back)}`
      : `wrote ${describeWords(values)} to unit ${unitId} ${span} (${function_}), but it reads back ${describeWords(back)} — the device changed or limited the value; check it there`,
  }
}

/** `unit 1 40001-40002 (hr:0-1)`: where a monitor write lands, as the audit log names it. */
export function describeMonitorTarget(unitId: number, table: ModbusTable, offset: number, count: number): string {
  const zeroBased = count <= 1 ? `${table}:${offset}` : `${table}:${offset}-${offset + count - 1}`
  return `unit ${unitId} ${describeRange(table, offset, count)} (${zeroBased})`
}
