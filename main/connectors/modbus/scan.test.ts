import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { REGISTER_MAP, startPymodbusServer, type PymodbusServer } from './fixtures/pymodbus-server'
import { ModbusSession } from './modbus-session'
import { describeAddressRange, scanRegisterRange, scanUnitIds, type ScanProgress } from './scan'

let py: PymodbusServer
let session: ModbusSession

beforeAll(async () => {
  py = await startPymodbusServer()
  session = new ModbusSession({ transport: { kind: 'tcp', host: '127.0.0.1', port: py.tcpPort } })
  await session.open()
})

afterAll(async () => {
  await session?.close()
  await py?.stop()
})

describe('scanUnitIds', () => {
  it('finds the units that answer and reports progress up to the total', async () => {
    const progress: ScanProgress[] = []
    const report = await scanUnitIds(session, { from: 1, to: 8, timeoutMs: 80, onProgress: (p) => progress.push(p) })
    expect(report.found).toEqual(REGISTER_MAP.units)
    expect(report.cancelled).toBe(false)
    expect(report.results.find((r) => r.unitId === 3)).toEqual({ unitId: 3, status: 'silent', detail: 'timeout' })
    expect(progress.map((p) => p.done)).toEqual([1, 2, 3, 4, 5, 6, 7, 8])
    expect(progress.at(-1)).toMatchObject({ done: 8, total: 8, etaMs: 0 })
    expect(progress.every((p) => p.rate > 0)).toBe(true)
    expect(session.timeout).toBe(1000)
  })

  it('stops when cancelled and returns what it found so far', async () => {
    const controller = new AbortController()
    const report = await scanUnitIds(session, {
      from: 1,
      to: 247,
      timeoutMs: 50,
      signal: controller.signal,
      onProgress: (p) => p.done === 4 && controller.abort(),
    })
    expect(report.cancelled).toBe(true)
    expect(report.results).toHaveLength(4)
    expect(report.found).toEqual([1, 2])
  })
})

describe('scanRegisterRange', () => {
  it('tells the offsets that answer from those that answer exception 2', async () => {
    const progress: ScanProgress[] = []
    const report = await scanRegisterRange(session, { unitId: 1, table: 'hr', from: 495, to: 510, onProgress: (p) => progress.push(p) })
    expect(report.ranges.map(describeAddressRange)).toEqual([
      '40496-40500 illegal data address (exception 2)',
      '40501-40504 answers',
      '40505 illegal data address (exception 2)',
      '40506-40507 answers',
      '40508-40511 illegal data address (exception 2)',
    ])
    expect(report).toMatchObject({ answered: 6, rejected: 10, cancelled: false })
    expect(progress.at(-1)).toMatchObject({ done: 16, total: 16 })
  })

  it('hands over the words of every block that answered, so a scan shows values', async () => {
    const data = new Map<number, number | boolean>()
    await scanRegisterRange(session, {
      unitId: 1,
      table: 'hr',
      from: 495,
      to: 510,
      onData: (offset, words) => words.forEach((w, i) => data.set(offset + i, w)),
    })
    // The fixture's holes: each present register holds its own offset.
    expect([...data.entries()].sort((a, b) => a[0] - b[0])).toEqual(REGISTER_MAP.holes.present.map((o) => [o, o]))
  })

  it('scans coils too and can be cancelled', async () => {
    const controller = new AbortController()
    const report = await scanRegisterRange(session, {
      unitId: 1,
      table: 'co',
      from: 0,
      to: 5000,
      blockSize: 4,
      signal: controller.signal,
      onProgress: (p) => p.done >= 8 && controller.abort(),
    })
    expect(report.cancelled).toBe(true)
    expect(report.ranges[0]).toEqual({ table: 'co', from: 0, to: 7, status: 'answers' })
    expect(report.answered + report.rejected).toBeLessThan(5001)
  })
})
