import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { connectionConfigSchema, type AuditEntry, type ConnectionTraffic, type ModbusMonitorEvent } from '../../preload/contract'
import { REGISTER_MAP, startPymodbusServer, type PymodbusServer } from '../connectors/modbus/fixtures/pymodbus-server'
import { createWorkbench, type Workbench } from '../workbench'

// The register monitor through the contract, as the UI uses it: zod limits per function, polls over the connection's
// link (its counters and traffic log keep counting, no reconnect), and cell writes armed, confirmed against what was
// shown, read back and audited. Against pymodbus.

let server: PymodbusServer
let workbench: Workbench
let id: string
const dir = mkdtempSync(join(tmpdir(), 'otw-modbus-monitor-'))
const call = async <T>(channel: string, input?: unknown): Promise<T> => {
  const reply = await workbench.router.call(channel, input)
  if (!reply.ok) throw Object.assign(new Error(reply.error.message), reply.error)
  return reply.output as T
}
const lastAudit = async () => (await call<AuditEntry[]>('audit.list', { limit: 1 }))[0]!
const requests = async () => (await call<ConnectionTraffic>('connections.traffic', { id, limit: 1 })).counters.find((c) => c.key === 'requests')!.value

function open(input: Record<string, unknown>) {
  const events: ModbusMonitorEvent[] = []
  const ended: unknown[] = []
  const close = workbench.router.open(
    'modbus.monitor',
    { id, ...input },
    { emit: (e) => events.push(e as ModbusMonitorEvent), end: (e) => ended.push(e ?? 'end'), congested: () => false },
  )
  return { events, ended, close, last: () => events.at(-1) }
}

beforeAll(async () => {
  server = await startPymodbusServer()
  workbench = createWorkbench({ dataDir: dir, host: 'browser', demoPlant: false, user: 'tester' })
  const config = connectionConfigSchema.parse({
    protocol: 'modbus-tcp',
    name: 'Monitor line',
    host: '127.0.0.1',
    port: server.tcpPort,
    unitId: 1,
    scanRateMs: 200,
    tags: [{ name: 'Marker', address: `hr:${REGISTER_MAP.unitMarkers.offset}`, dataType: 'uint16' }],
  })
  id = (await call<{ id: string }>('connections.add', { config, connect: true })).id
}, 30_000)

afterAll(async () => {
  await workbench?.stop()
  await server?.stop()
  rmSync(dir, { recursive: true, force: true })
})

describe('modbus.monitor and modbus.monitorWrite (pymodbus)', () => {
  it('refuses ranges over the function limits with a clear error', () => {
    const sink = { emit: () => undefined, end: () => undefined, congested: () => false }
    expect(() => workbench.router.open('modbus.monitor', { id, unitId: 1, table: 'hr', start: 0, quantity: 126 }, sink)).toThrow(
      'Invalid input for "modbus.monitor": quantity: at most 125 registers per read (function 3)',
    )
    expect(() => workbench.router.open('modbus.monitor', { id, unitId: 1, table: 'co', start: 0, quantity: 2001 }, sink)).toThrow(/quantity/)
    expect(() => workbench.router.open('modbus.monitor', { id, unitId: 1, table: 'di', start: 65535, quantity: 2 }, sink)).toThrow(
      'start + quantity goes past offset 65535',
    )
  })

  it('polls several ranges on the running link: counters keep counting, the connection is not restarted; closing stops the polls', async () => {
    const before = await requests()
    const states: string[] = []
    const status = workbench.router.open(
      'connections.status',
      {},
      { emit: (s) => states.push(JSON.stringify(s)), end: () => undefined, congested: () => false },
    )
    const a = open({ unitId: 1, table: 'hr', start: 600, quantity: 1, pollMs: 100 })
    const b = open({ unitId: 2, table: 'hr', start: 600, quantity: 1, pollMs: 100 })
    await vi.waitFor(() => expect(a.events.length).toBeGreaterThanOrEqual(3), { timeout: 5000 })
    await vi.waitFor(() => expect(b.last()?.values).toEqual([2222]))
    expect(a.last()).toMatchObject({ kind: 'poll', status: 'ok', values: [1111] })
    expect(await requests()).toBeGreaterThanOrEqual(before + a.events.length + b.events.length)
    a.close()
    b.close()
    const seen = a.events.length
    await new Promise((r) => setTimeout(r, 300))
    expect(a.events.length).toBe(seen)
    status()
    expect(states.join('\n')).not.toMatch(/"state":"(connecting|reconnecting)"/)
    expect((await call<{ status: { state: string } }>('connections.get', { id })).status.state).toBe('connected')
  })

  it('names the exception of an unmapped range', async () => {
    const m = open({ unitId: 1, table: 'hr', start: 495, quantity: 16, pollMs: 100 })
    await vi.waitFor(() => expect(m.last()?.status).toBe('exception'), { timeout: 5000 })
    expect(m.last()).toMatchObject({ exceptionCode: 2, exceptionName: 'illegal data address' })
    m.close()
  })

  it('ends when its connection is removed', async () => {
    const config = connectionConfigSchema.parse({ protocol: 'modbus-tcp', name: 'Short-lived', host: '127.0.0.1', port: server.tcpPort, unitId: 1 })
    const other = (await call<{ id: string }>('connections.add', { config, connect: true })).id
    const events: ModbusMonitorEvent[] = []
    const ended: { code?: string; message?: string }[] = []
    workbench.router.open(
      'modbus.monitor',
      { id: other, unitId: 1, table: 'hr', start: 0, quantity: 1, pollMs: 100 },
      { emit: (e) => events.push(e as ModbusMonitorEvent), end: (e) => ended.push(e as { code?: string }), congested: () => false },
    )
    await vi.waitFor(() => expect(events.length).toBeGreaterThan(0), { timeout: 5000 })
    await call('connections.remove', { id: other })
    await vi.waitFor(() => expect(ended).toHaveLength(1), { timeout: 5000 })
    expect(ended[0]!.code).toBe('NOT_FOUND')
  })

  it('writes a cell only when armed and when the device still holds what was shown; every attempt is audited', async () => {
    const offset = REGISTER_MAP.writable.offset + 5
    const write = (shown: number[], values: number[]) =>
      call<{ result: string; readBack: number[]; message: string; auditId: number }>('modbus.monitorWrite', {
        id,
        unitId: 1,
        table: 'hr',
        offset,
        shown,
        values,
        format: 'float32 ABCD',
        shownText: '0',
        newText: '12.5',
      })
    await expect(write([0, 0], [0x4148, 0])).rejects.toMatchObject({ code: 'WRITE_REFUSED', message: expect.stringContaining('is not armed') })
    expect(await lastAudit()).toMatchObject({ result: 'refused', tagId: 'unit 1 41006-41007 (hr:1005-1006) float32 ABCD', newValue: '12.5', oldValue: '0' })

    await call('connections.arm', { id, minutes: 1 })
    await expect(write([1, 2], [0x4148, 0])).rejects.toMatchObject({ code: 'WRITE_REFUSED', message: expect.stringContaining('nothing was sent') })
    expect(await lastAudit()).toMatchObject({ result: 'failed', message: expect.stringContaining('now holds 0x0000 0x0000, not 0x0001 0x0002 as shown') })

    const done = await write([0, 0], [0x4148, 0])
    expect(done).toMatchObject({ result: 'ok', readBack: [0x4148, 0] })
    expect(await lastAudit()).toMatchObject({ id: done.auditId, result: 'ok', user: 'tester', oldValue: '0', newValue: '12.5', message: done.message })

    const m = open({ unitId: 1, table: 'hr', start: offset, quantity: 2, pollMs: 100 })
    await vi.waitFor(() => expect(m.last()?.values).toEqual([0x4148, 0]), { timeout: 5000 })
    m.close()

    const clamped = REGISTER_MAP.clamped.offset
    const limited = await call<{ result: string; auditId: number }>('modbus.monitorWrite', {
      id,
      unitId: 1,
      table: 'hr',
      offset: clamped,
      shown: [0],
      values: [900],
      format: 'unsigned',
      shownText: '0',
      newText: '900',
    })
    expect(limited.result).toBe('mismatch')
    expect(await lastAudit()).toMatchObject({ id: limited.auditId, result: 'mismatch' })

    await expect(
      call('modbus.monitorWrite', { id, unitId: 1, table: 'hr', offset, shown: [false], values: [true], format: 'bit', shownText: '0', newText: '1' }),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT' })
    await call('connections.disarm', { id })
  })
})
