import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { WorkbenchError } from '../../../preload/contract'
import { REGISTER_MAP, startPymodbusServer, type PymodbusServer } from './fixtures/pymodbus-server'
import { ModbusConnector } from './modbus-connector'
import { startRegisterMonitor, writeMonitored, type MonitorPoll, type MonitorRange } from './register-monitor'

// The register monitor on a connection's own link, against pymodbus: data, exception 2 with its name, a device that
// loses power and comes back, and writes checked against what was shown.

let py: PymodbusServer
const connectors: ModbusConnector[] = []
const stops: (() => void)[] = []

beforeAll(async () => {
  py = await startPymodbusServer()
}, 30_000)
afterEach(() => {
  for (const stop of stops.splice(0)) stop()
})
afterAll(async () => {
  await Promise.all(connectors.map((c) => c.disconnect()))
  await py?.stop()
})

async function connected(port = py.tcpPort): Promise<ModbusConnector> {
  const c = new ModbusConnector({
    id: 'plc',
    name: 'Monitor PLC',
    endpoint: `modbus://127.0.0.1:${port}?unit=1`,
    tags: [],
    timeoutMs: 500,
    reconnect: { initialDelayMs: 100, maxDelayMs: 300 },
  })
  connectors.push(c)
  await c.connect()
  await vi.waitFor(() => expect(c.state()).toBe('connected'), { timeout: 5000 })
  return c
}

function monitor(c: ModbusConnector, range: MonitorRange, pollMs = 100) {
  const polls: MonitorPoll[] = []
  const ended: unknown[] = []
  stops.push(startRegisterMonitor({ session: () => c.scanSession(), range, pollMs, onPoll: (p) => polls.push(p), onEnd: (e) => ended.push(e) }))
  return { polls, ended, last: () => polls.at(-1) }
}

describe('register monitor against pymodbus', () => {
  it('polls holding registers, coils and input registers on the connection link; its frames count with the connection', async () => {
    const c = await connected()
    const before = c.counters().requests
    const hr = monitor(c, { unitId: 1, table: 'hr', start: 96, quantity: 6 })
    const co = monitor(c, { unitId: 1, table: 'co', start: 0, quantity: 10 })
    const ir = monitor(c, { unitId: 1, table: 'ir', start: 0, quantity: 3 })
    await vi.waitFor(() => expect(hr.polls.length).toBeGreaterThanOrEqual(3), { timeout: 5000 })
    // float32 -1.5 in ABCD at hr 96 is 0xBFC0 0x0000; in BADC at hr 100 the bytes of each word are swapped.
    expect(hr.last()).toMatchObject({ status: 'ok', values: [0xbfc0, 0x0000, 0, 0, 0xc0bf, 0x0000] })
    expect(hr.last()!.counters).toMatchObject({ errors: 0, exceptions: 0, timeouts: 0 })
    expect(hr.last()!.counters.ok).toBe(hr.last()!.counters.polls)
    await vi.waitFor(() => expect(co.last()?.status).toBe('ok'))
    expect(co.last()!.values).toEqual(REGISTER_MAP.coils.bits.map((b) => b === 1))
    await vi.waitFor(() => expect(ir.last()?.status).toBe('ok'))
    expect(ir.last()!.values![2]).toBe(0xffd8) // ir_int16 = -40
    expect(c.counters().requests - before).toBeGreaterThanOrEqual(hr.polls.length + co.polls.length + ir.polls.length)
    expect(
      c
        .trafficLog()
        .entries()
        .some((e) => e.direction === 'tx' && e.functionCode === 1),
    ).toBe(true)
    expect(c.state()).toBe('connected')
  })

  it('reports an illegal data address as exception 2 with its name and counts it, and keeps polling', async () => {
    const c = await connected()
    const holes = monitor(c, { unitId: 1, table: 'hr', start: 500, quantity: 7 })
    await vi.waitFor(() => expect(holes.polls.length).toBeGreaterThanOrEqual(2), { timeout: 5000 })
    const poll = holes.last()!
    expect(poll).toMatchObject({ status: 'exception', exceptionCode: 2, exceptionName: 'illegal data address' })
    expect(poll.values).toBeUndefined()
    expect(poll.message).toContain('illegal data address 40501-40507 (exception 2) — check the register map')
    expect(poll.counters.exceptions).toBe(poll.counters.polls)
    expect(poll.counters.errors).toBe(poll.counters.polls)
    expect(c.counters().exceptions).toBeGreaterThanOrEqual(2)
    expect(
      c
        .trafficLog()
        .entries()
        .some((e) => e.result === 'exception 2 (illegal data address)'),
    ).toBe(true)
  })

  it('says so when the link drops, waits, and polls again on the new link after the reconnect', async () => {
    const own = await startPymodbusServer()
    const c = await connected(own.tcpPort)
    const m = monitor(c, { unitId: 1, table: 'hr', start: 600, quantity: 1 })
    await vi.waitFor(() => expect(m.last()?.values).toEqual([1111]), { timeout: 5000 })
    await own.stop()
    await vi.waitFor(() => expect(m.last()?.status).toBe('disconnected'), { timeout: 5000 })
    expect(m.last()!.message).toMatch(/connection (closed|lost)|cannot read, the connection is reconnecting/)
    const errorsWhileDown = m.last()!.counters.errors
    expect(errorsWhileDown).toBeGreaterThanOrEqual(1)
    expect(m.ended).toEqual([])

    const back = await startPymodbusServer({ port: own.tcpPort })
    try {
      await vi.waitFor(() => expect(m.last()?.status).toBe('ok'), { timeout: 10_000 })
      expect(m.last()!.values).toEqual([1111])
      expect(m.last()!.counters.errors).toBeGreaterThanOrEqual(errorsWhileDown)
      expect(m.last()!.counters.ok).toBeGreaterThan(1)
    } finally {
      await c.disconnect()
      await back.stop()
    }
  })

  it('ends when the connection cannot be polled any more (removed, not Modbus)', async () => {
    const ended: unknown[] = []
    const polls: MonitorPoll[] = []
    stops.push(
      startRegisterMonitor({
        session: () => {
          throw new WorkbenchError('NOT_FOUND', 'No connection "gone"')
        },
        range: { unitId: 1, table: 'hr', start: 0, quantity: 1 },
        pollMs: 100,
        onPoll: (p) => polls.push(p),
        onEnd: (e) => ended.push(e),
      }),
    )
    await vi.waitFor(() => expect(ended).toHaveLength(1))
    expect((ended[0] as Error).message).toBe('No connection "gone"')
    expect(polls).toEqual([])
  })

  it('writes only what still holds what was shown, reads it back and tells a limited value', async () => {
    const c = await connected()
    const session = c.scanSession()
    const offset = REGISTER_MAP.writable.offset
    const [current] = await session.readRegisters(1, 'hr', offset, 1)
    const one = await writeMonitored(session, { unitId: 1, table: 'hr', offset, shown: [current!], values: [0x1234] })
    expect(one).toEqual({ result: 'ok', readBack: [0x1234], message: 'wrote 0x1234 to unit 1 41001 (FC6), read back 0x1234' })

    const two = await writeMonitored(session, { unitId: 1, table: 'hr', offset: offset + 2, shown: [0, 0], values: [0x4148, 0x0000] })
    expect(two.result).toBe('ok')
    expect(two.message).toContain('41003-41004 (FC16)')

    await expect(writeMonitored(session, { unitId: 1, table: 'hr', offset, shown: [0x9999], values: [1] })).rejects.toThrow(
      'unit 1 41001 now holds 0x1234, not 0x9999 as shown — nothing was sent',
    )
    expect((await session.readRegisters(1, 'hr', offset, 1))[0]).toBe(0x1234)

    const clamped = REGISTER_MAP.clamped
    const [held] = await session.readRegisters(1, 'hr', clamped.offset, 1)
    const limited = await writeMonitored(session, { unitId: 1, table: 'hr', offset: clamped.offset, shown: [held!], values: [900] })
    expect(limited.result).toBe('mismatch')
    expect(limited.readBack).toEqual([clamped.max])

    const coil = await writeMonitored(session, { unitId: 1, table: 'co', offset: 1, shown: [false], values: [true] })
    expect(coil).toMatchObject({ result: 'ok', readBack: [true] })
    await writeMonitored(session, { unitId: 1, table: 'co', offset: 1, shown: [true], values: [false] })
  })
})
