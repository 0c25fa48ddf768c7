import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AuditEntry, ModbusTagConfig, PreparedWrite, WriteResult } from '../../../preload/contract'
import { connectionConfigSchema } from '../../../preload/contract'
import { REGISTER_MAP, startPymodbusServer, type PymodbusServer } from '../../connectors/modbus/fixtures/pymodbus-server'
import { createWorkbench, type Workbench } from '../../workbench'

// Every write attempt leaves an audit row, read-backs are compared, checks work in engineering units (pymodbus, unit 1).
const W = REGISTER_MAP.writable.offset
const CLAMPED = REGISTER_MAP.clamped

let server: PymodbusServer
const dirs: string[] = []
const tempDir = (name: string) => {
  const dir = mkdtempSync(join(tmpdir(), name))
  dirs.push(dir)
  return dir
}
beforeAll(async () => {
  server = await startPymodbusServer()
}, 30_000)
afterAll(async () => {
  await server?.stop()
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

const rw = (name: string, address: string, dataType: ModbusTagConfig['dataType'], extra: Partial<ModbusTagConfig> = {}): ModbusTagConfig => ({
  name,
  address,
  dataType,
  byteOrder: 'ABCD',
  access: 'read-write',
  ...extra,
})
const TENTHS = { rawLow: 0, rawHigh: 1000, engLow: 0, engHigh: 100 }
const TAGS: ModbusTagConfig[] = [
  rw('Plain', `hr:${W}`, 'uint16'),
  rw('Tenths', `hr:${W + 1}`, 'uint16', { scaling: TENTHS, unit: 'bar' }),
  rw('TenthsRaw', `hr:${W + 1}`, 'uint16'),
  rw('Float', `hr:${W + 2}`, 'float32'),
  rw('Int16', `hr:${W + 4}`, 'int16'),
  rw('Int16Tenths', `hr:${W + 5}`, 'int16', { scaling: TENTHS }),
  rw('Int32', `hr:${W + 6}`, 'int32'),
  rw('Uint32', `hr:${W + 8}`, 'uint32'),
  rw('Clamped', `hr:${CLAMPED.offset}`, 'uint16'),
]

describe('write attempts over the router (the path the UI takes)', () => {
  let workbench: Workbench
  let id: string
  const call = async <T>(channel: string, input?: unknown): Promise<T> => {
    const reply = await workbench.router.call(channel, input)
    if (!reply.ok) throw Object.assign(new Error(reply.error.message), reply.error)
    return reply.output as T
  }
  const lastAudit = async () => (await call<AuditEntry[]>('audit.list', { limit: 1 }))[0]!
  const write = async (tag: string, value: unknown) =>
    call<WriteResult>('writes.commit', { id: (await call<PreparedWrite>('writes.prepare', { tagId: `${id}:${tag}`, value })).id })
  const prepare = (tag: string, value: unknown) => call<PreparedWrite>('writes.prepare', { tagId: `${id}:${tag}`, value })
  const typeCheck = async (tag: string, value: number) => (await prepare(tag, value)).checks.find((c) => c.name === 'type')!

  beforeAll(async () => {
    workbench = createWorkbench({ dataDir: tempDir('otw-write-audit-'), host: 'browser', demoPlant: false, user: 'tester' })
    const config = connectionConfigSchema.parse({ protocol: 'modbus-tcp', name: 'Audit PLC', host: '127.0.0.1', port: server.tcpPort, tags: TAGS })
    id = (await call<{ id: string }>('connections.add', { config, connect: true })).id
    expect((await call<{ status: { state: string } }>('connections.get', { id })).status.state).toBe('connected')
  }, 30_000)
  afterAll(async () => {
    await workbench?.stop()
  })

  it('a refusal for not being armed records the value the device holds', async () => {
    await call('connections.arm', { id })
    await write('Plain', 123)
    await call('connections.disarm', { id })
    await expect(prepare('Plain', 124)).rejects.toMatchObject({ code: 'WRITE_REFUSED' })
    expect(await lastAudit()).toMatchObject({
      result: 'refused',
      tagId: `${id}:Plain`,
      address: `unit 1 hr:${W} (4${W + 1})`,
      oldValue: '123',
      newValue: '124',
      user: 'tester',
    })
  })

  it('unknown tags and connections are audited', async () => {
    await expect(prepare('NoSuchTag', 1)).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('Audit PLC has no tag') })
    expect(await lastAudit()).toMatchObject({
      result: 'refused',
      connectionId: id,
      connectionName: 'Audit PLC',
      tagId: `${id}:NoSuchTag`,
      address: null,
      newValue: '1',
    })
    await expect(call('writes.prepare', { tagId: 'ghost:Speed', value: 5 })).rejects.toMatchObject({ code: 'NOT_FOUND' })
    expect(await lastAudit()).toMatchObject({
      result: 'refused',
      connectionId: 'ghost',
      tagId: 'ghost:Speed',
      message: expect.stringContaining('no connection "ghost"'),
    })
  })

  it.each([
    ['an object', { evil: 1 }, '{"evil":1}'],
    ['null', null, null],
    ['text over 1000 characters', 'x'.repeat(1500), `${'x'.repeat(1000)}… (1500 characters)`],
  ])('a value the contract cannot take (%s) is refused with INVALID_INPUT and audited', async (_what, value, stored) => {
    await call('connections.arm', { id })
    await expect(prepare('Plain', value)).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('cannot be written to Plain') })
    expect(await lastAudit()).toMatchObject({ result: 'refused', tagId: `${id}:Plain`, newValue: stored })
  })

  it('a read-back that differs from the written value is a mismatch, in the result and the audit', async () => {
    await call('connections.arm', { id })
    const limited = await write('Clamped', 800)
    expect(limited).toMatchObject({ result: 'mismatch', readBack: CLAMPED.max, message: expect.stringContaining(`reads back ${CLAMPED.max} instead of 800`) })
    expect(await lastAudit()).toMatchObject({ result: 'mismatch', newValue: '800', message: limited.message })
    expect(await write('Clamped', 300)).toMatchObject({ result: 'ok', readBack: 300 })
  })

  it('a scaled tag takes engineering units: 32.5 bar on ×10 uint16 becomes raw 325 and reads back 32.5', async () => {
    await call('connections.arm', { id })
    const prepared = await prepare('Tenths', 32.5)
    expect(prepared.ok).toBe(true)
    expect(prepared.checks.find((c) => c.name === 'type')?.message).toBe('32.5 bar is raw 325 (uint16)')
    expect(await call<WriteResult>('writes.commit', { id: prepared.id })).toMatchObject({ result: 'ok', readBack: 32.5 })
    // Prepare reads the device itself: the unscaled tag on the same register shows the raw value.
    expect((await prepare('TenthsRaw', 0)).oldValue).toBe(325)
    expect(await typeCheck('Tenths', 6553.5)).toMatchObject({ ok: true })
    expect(await typeCheck('Tenths', 6553.6)).toMatchObject({
      ok: false,
      message: expect.stringContaining('raw 65536 after scaling, outside uint16 (0..65535)'),
    })
    expect(await typeCheck('Tenths', -0.1)).toMatchObject({ ok: false })
  })

  it('float32 accepts its real range and refuses 1e300 before anything is sent', async () => {
    await call('connections.arm', { id })
    type Traffic = { counters: { key: string; value: number }[]; frames: { direction: string; fields: { functionCode?: number } }[] }
    const traffic = () => call<Traffic>('connections.traffic', { id })
    const requests = (t: Traffic) => t.counters.find((c) => c.key === 'requests')!.value
    const requestsBefore = requests(await traffic())
    const refused = await prepare('Float', 1e300)
    expect(refused.ok).toBe(false)
    expect(refused.checks.find((c) => c.name === 'type')?.message).toContain('outside the range of float32')
    await expect(call('writes.commit', { id: refused.id })).rejects.toMatchObject({ code: 'NOT_FOUND' })
    const frames = (await traffic()).frames
    expect(frames.filter((f) => f.direction === 'tx' && f.fields.functionCode === 16)).toHaveLength(0)
    expect(requests(await traffic())).toBeGreaterThanOrEqual(requestsBefore)
    expect(await lastAudit()).toMatchObject({ result: 'refused', newValue: '1e+300' })
    expect(await write('Float', 3e38)).toMatchObject({ result: 'ok' })
    expect(await write('Float', 1.1)).toMatchObject({ result: 'ok', readBack: Math.fround(1.1) })
  })

  it.each([
    ['Int16', 32767, -32769],
    ['Int16', -32768, 32768],
    ['Plain', 65535, 65536],
    ['Plain', 0, -1],
    ['Int32', -2147483648, 2147483648],
    ['Uint32', 4294967295, 4294967296],
    ['Uint32', 0, -1],
    ['Int16Tenths', 3276.7, 3276.8],
    ['Int16Tenths', -3276.8, -3276.9],
  ])('%s takes %d and refuses %d', async (tag, good, bad) => {
    await call('connections.arm', { id })
    expect(await typeCheck(tag, good)).toMatchObject({ ok: true })
    expect(await typeCheck(tag, bad)).toMatchObject({ ok: false })
  })

  it('an integer tag without scaling still refuses fractions', async () => {
    await call('connections.arm', { id })
    expect(await typeCheck('Plain', 12.5)).toMatchObject({ ok: false, message: expect.stringContaining('a whole number in 0..65535') })
  })
})
