import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { ConnectionState, TagValue } from '../../../preload/contract'
import { createPlantModel } from '../../simulator/plant-model'
import { startModbusServer, type DemoModbusServer } from '../../simulator'
import { Tag, type TagInput } from '../../tags/tag'
import { REGISTER_MAP, startPymodbusServer, startSilentServer, type PymodbusServer, type SilentServer } from './fixtures/pymodbus-server'
import { crc16 } from './modbus-frames'
import { ModbusConnector, type ModbusConnectorOptions, type ModbusTagBinding } from './modbus-connector'

const tag = (input: Omit<TagInput, 'connectionId' | 'name'> & { name?: string }): Tag => Tag.parse({ connectionId: 'plc', name: input.id, ...input })

const typedTags = REGISTER_MAP.values.map((entry) =>
  tag({ id: entry.name, address: `${entry.table}:${entry.offset}`, dataType: entry.dataType, byteOrder: entry.byteOrder, stringLength: entry.stringLength }),
)

const open: ModbusConnector[] = []
function connector(options: Partial<ModbusConnectorOptions> & Pick<ModbusConnectorOptions, 'endpoint' | 'tags'>): ModbusConnector {
  const c = new ModbusConnector({ id: 'plc', name: 'Test PLC', defaultScanRateMs: 100, reconnect: { initialDelayMs: 100, maxDelayMs: 400 }, ...options })
  open.push(c)
  return c
}

/** Keeps the latest value per tag and every state the connector went through. */
function watch(c: ModbusConnector) {
  const latest = new Map<string, TagValue>()
  const updates = new Map<string, number>()
  const states: ConnectionState[] = []
  c.onValues((values) => {
    for (const v of values) {
      latest.set(v.tagId, v)
      updates.set(v.tagId, (updates.get(v.tagId) ?? 0) + 1)
    }
  })
  c.onStatus((s) => states.push(s.state))
  return { latest, updates, states }
}

let py: PymodbusServer
let silent: SilentServer
let demo: DemoModbusServer

beforeAll(async () => {
  ;[py, silent, demo] = await Promise.all([
    startPymodbusServer({ rtuPort: 0 }),
    startSilentServer(),
    startModbusServer({ model: createPlantModel({ seed: 7, startTimeMs: Date.now() }), host: '127.0.0.1', port: 0 }),
  ])
})

afterAll(async () => {
  await Promise.all(open.map((c) => c.disconnect()))
  await Promise.all([py?.stop(), silent?.close(), demo?.close()])
})

describe('ModbusConnector against pymodbus', () => {
  it('reads every data type in every byte order, bits in registers, coils and discrete inputs', async () => {
    const bitTags = [0, 1, 2, 15].map((bit) => tag({ id: `bit${bit}`, address: `hr:${REGISTER_MAP.bitRegister.offset}.${bit}`, dataType: 'bool' }))
    const coilTags = REGISTER_MAP.coils.bits.map((_, i) => tag({ id: `co${i}`, address: `co:${i}`, dataType: 'bool' }))
    const inputTags = REGISTER_MAP.discreteInputs.bits.map((_, i) => tag({ id: `di${i}`, address: `di:${i}`, dataType: 'bool' }))
    const c = connector({ endpoint: `modbus://127.0.0.1:${py.tcpPort}?unit=1`, tags: [...typedTags, ...bitTags, ...coilTags, ...inputTags] })
    const { latest } = watch(c)
    await c.connect()
    await vi.waitFor(() => expect(latest.size).toBe(c.tags().length), { timeout: 5000 })
    for (const entry of REGISTER_MAP.values) {
      expect({ name: entry.name, value: latest.get(entry.name)!.value, quality: latest.get(entry.name)!.quality.status }).toEqual({
        name: entry.name,
        value: entry.value,
        quality: 'good',
      })
    }
    const word = REGISTER_MAP.bitRegister.word
    for (const bit of [0, 1, 2, 15]) expect(latest.get(`bit${bit}`)!.value).toBe(((word >> bit) & 1) === 1)
    REGISTER_MAP.coils.bits.forEach((b, i) => expect(latest.get(`co${i}`)!.value).toBe(b === 1))
    REGISTER_MAP.discreteInputs.bits.forEach((b, i) => expect(latest.get(`di${i}`)!.value).toBe(b === 1))
    expect(c.state()).toBe('connected')
    const v = latest.get('float32_CDAB')!
    expect(v.receiveTime).toBeGreaterThan(0)
    expect(v.sourceTime).toBe(v.receiveTime)
  })

  it('reads the same values through RTU framing over TCP, CRC included', async () => {
    const c = connector({ endpoint: `modbus+rtu-tcp://127.0.0.1:${py.rtuPort}?unit=1`, tags: typedTags, defaultScanRateMs: 60_000 })
    await c.connect()
    const values = await c.read(typedTags.map((t) => t.id))
    expect(values.map((v) => v.value)).toEqual(REGISTER_MAP.values.map((e) => e.value))
    const rx = c
      .trafficLog()
      .entries()
      .find((f) => f.direction === 'rx' && f.result === 'ok')!
    const bytes = Uint8Array.from(rx.hex.split(' ').map((h) => parseInt(h, 16)))
    expect(bytes[0]).toBe(1)
    const crc = crc16(bytes.subarray(0, -2))
    expect([bytes.at(-2), bytes.at(-1)]).toEqual([crc & 0xff, crc >> 8])
  })

  it('merges neighbouring registers into reads of at most 125 registers', async () => {
    const c = connector({ endpoint: `modbus://127.0.0.1:${py.tcpPort}?unit=1`, tags: typedTags, pollOptions: { maxGapRegisters: 3 } })
    const { latest } = watch(c)
    // 32 numeric tags over hr 0..127 need two reads (125 + rest), the two strings 5 registers apart one each, ir 0..2 one.
    expect(c.requestsPerCycle()).toBe(5)
    await c.connect()
    await vi.waitFor(() => expect(latest.size).toBe(typedTags.length), { timeout: 5000 })
    expect([...latest.values()].every((v) => v.quality.status === 'good')).toBe(true)
    const tx = c
      .trafficLog()
      .entries()
      .filter((f) => f.direction === 'tx')
    // MBAP (7 bytes) + FC 03, start 0000, count 007C: the float64 at 124..127 would not fit in 125.
    expect(tx.map((f) => f.hex.slice(6))).toEqual(
      expect.arrayContaining([
        '00 00 00 06 01 04 00 00 00 03',
        '00 00 00 06 01 03 00 00 00 7C',
        '00 00 00 06 01 03 00 7C 00 04',
        '00 00 00 06 01 03 00 C8 00 05',
      ]),
    )
  })

  it('on exception 2 re-splits the merged read: only the missing register goes bad, the rest keep updating', async () => {
    const holes = [...REGISTER_MAP.holes.present, REGISTER_MAP.holes.missing].map((offset) =>
      tag({ id: `h${offset}`, address: `hr:${offset}`, dataType: 'uint16' }),
    )
    const c = connector({ endpoint: `modbus://127.0.0.1:${py.tcpPort}?unit=1`, tags: holes })
    const { latest, updates } = watch(c)
    await c.connect()
    await vi.waitFor(() => expect(REGISTER_MAP.holes.present.every((o) => (updates.get(`h${o}`) ?? 0) >= 3)).toBe(true), { timeout: 5000 })
    for (const offset of REGISTER_MAP.holes.present) expect(latest.get(`h${offset}`)).toMatchObject({ value: offset, quality: { status: 'good' } })
    const bad = latest.get(`h${REGISTER_MAP.holes.missing}`)!
    expect(bad.quality).toEqual({
      status: 'bad',
      reason: `Modbus 127.0.0.1:${py.tcpPort} unit 1: illegal data address 40505 (exception 2) — check the register map`,
    })
    expect(c.state()).toBe('degraded')
    expect(c.status().lastError).toContain('exception 2')
    expect(c.requestsPerCycle()).toBe(holes.length)
    expect(c.counters().exceptions).toBeGreaterThanOrEqual(2)
    expect(c.trafficLog().exportText()).toContain('exception 2 (illegal data address)')
  })

  it('marks only the tags of a silent unit bad on timeout and the connection degraded', async () => {
    const unit9: ModbusTagBinding = { tag: tag({ id: 'ghost', address: 'hr:0', dataType: 'uint16' }), unitId: 9 }
    const c = connector({ endpoint: `modbus://127.0.0.1:${py.tcpPort}?unit=1`, tags: [typedTags[0]!, unit9], timeoutMs: 200 })
    const { latest } = watch(c)
    await c.connect()
    await vi.waitFor(() => expect(latest.get('ghost')?.quality.status).toBe('bad'), { timeout: 5000 })
    expect(latest.get('ghost')!.quality.reason).toBe(
      `Modbus 127.0.0.1:${py.tcpPort} unit 9: timeout after 200 ms reading 40001 — check the unit id, wiring and that the device is powered`,
    )
    await vi.waitFor(() => expect(latest.get(typedTags[0]!.id)?.quality.status).toBe('good'), { timeout: 5000 })
    expect(c.state()).toBe('degraded')
    expect(c.counters().timeouts).toBeGreaterThanOrEqual(1)
  })

  it('times out against a server that accepts and never replies', async () => {
    const c = connector({ endpoint: `modbus://127.0.0.1:${silent.port}`, tags: [typedTags[0]!], timeoutMs: 150, maxConsecutiveTimeouts: 1000 })
    const { latest, states } = watch(c)
    await c.connect()
    await vi.waitFor(() => expect(latest.get(typedTags[0]!.id)?.quality.reason).toContain('timeout after 150 ms'), { timeout: 5000 })
    expect(states).toContain('degraded')
    expect(c.counters().responses).toBe(0)
  })

  it('reconnects with backoff when the server dies and resumes the values after a restart', async () => {
    const own = await startPymodbusServer()
    const port = own.tcpPort
    const c = connector({ endpoint: `modbus://127.0.0.1:${port}?unit=1`, tags: typedTags.slice(0, 4) })
    const { latest, states } = watch(c)
    await c.connect()
    await vi.waitFor(() => expect(latest.get(typedTags[0]!.id)?.quality.status).toBe('good'), { timeout: 5000 })
    await own.stop()
    await vi.waitFor(() => expect(c.state()).toBe('reconnecting'), { timeout: 5000 })
    await vi.waitFor(() => expect(latest.get(typedTags[0]!.id)?.quality.status).toBe('bad'), { timeout: 5000 })
    const between = latest.get(typedTags[0]!.id)!
    expect(between.stale).toBe(true)
    expect(between.value).toBe(REGISTER_MAP.values[0]!.value)
    const restarted = await startPymodbusServer({ port })
    try {
      await vi.waitFor(() => expect(latest.get(typedTags[0]!.id)?.quality.status).toBe('good'), { timeout: 10_000 })
      expect(latest.get(typedTags[0]!.id)!.stale).toBe(false)
      expect(c.state()).toBe('connected')
      expect(states).toContain('reconnecting')
      expect(c.status().counters.reconnects).toBeGreaterThanOrEqual(1)
    } finally {
      await c.disconnect()
      await restarted.stop()
    }
  })

  it('writes every kind of tag and reads it back: FC6, FC16, read-modify-write bits, FC5 coils', async () => {
    const base = REGISTER_MAP.writable.offset
    const rw = { access: 'read-write' as const }
    const tags = [
      tag({ id: 'w_u16', address: `hr:${base}`, dataType: 'uint16', ...rw }),
      tag({ id: 'w_f32', address: `hr:${base + 1}`, dataType: 'float32', byteOrder: 'CDAB', ...rw }),
      tag({ id: 'w_i64', address: `hr:${base + 3}`, dataType: 'int64', byteOrder: 'DCBA', ...rw }),
      tag({ id: 'w_str', address: `hr:${base + 7}`, dataType: 'string', stringLength: 4, ...rw }),
      tag({ id: 'w_bit3', address: `hr:${base + 11}.3`, dataType: 'bool', ...rw }),
      tag({ id: 'w_bit0', address: `hr:${base + 11}.0`, dataType: 'bool', ...rw }),
      tag({ id: 'w_scaled', address: `hr:${base + 12}`, dataType: 'int16', scaling: { rawLow: 0, rawHigh: 1000, engLow: 0, engHigh: 100 }, ...rw }),
      tag({ id: 'w_coil', address: 'co:4', dataType: 'bool', ...rw }),
      tag({ id: 'ro', address: `hr:${base + 13}`, dataType: 'uint16' }),
    ]
    const c = connector({ endpoint: `modbus://127.0.0.1:${py.tcpPort}?unit=2`, tags, defaultScanRateMs: 60_000 })
    await c.connect()
    await c.write('w_u16', 300)
    await c.write('w_f32', 12.5)
    await c.write('w_i64', -9007199254740993n)
    await c.write('w_str', 'AB-7')
    await c.write('w_bit3', true)
    await c.write('w_bit0', true)
    await c.write('w_bit3', false)
    await c.write('w_scaled', 42.3)
    await c.write('w_coil', true)
    const values = await c.read(tags.slice(0, 8).map((t) => t.id))
    expect(Object.fromEntries(values.map((v) => [v.tagId, v.value]))).toEqual({
      w_u16: 300,
      w_f32: 12.5,
      w_i64: '-9007199254740993',
      w_str: 'AB-7',
      w_bit3: false,
      w_bit0: true,
      w_scaled: 42.3,
      w_coil: true,
    })
    const functions = c
      .trafficLog()
      .entries()
      .filter((f) => f.direction === 'tx')
      .map((f) => f.functionCode)
    expect(new Set(functions)).toEqual(new Set([1, 3, 5, 6, 16]))
    await expect(c.write('ro', 1)).rejects.toThrow(/read-only in the tag list/)
    await expect(c.write('w_u16', 70000)).rejects.toThrow(/does not fit uint16/)
  })

  it('keeps retrying a serial port that cannot be opened and says why', async () => {
    const c = connector({ endpoint: 'modbus+rtu:///dev/otw-no-such-port?baud=19200&parity=even&unit=3', tags: [typedTags[0]!] })
    await c.connect()
    expect(c.state()).toBe('reconnecting')
    expect(c.status().lastError).toMatch(/^Modbus \/dev\/otw-no-such-port 19200 8E1: cannot connect \(.+\) — .* — retrying in 100 ms$/)
    await expect(c.read([typedTags[0]!.id])).rejects.toThrow(/cannot read, the connection is reconnecting/)
  })

  it('exports the traffic log as text and CSV', async () => {
    const c = connector({ endpoint: `modbus://127.0.0.1:${py.tcpPort}?unit=1`, tags: typedTags.slice(0, 1), defaultScanRateMs: 60_000, trafficLogSize: 4 })
    await c.connect()
    for (let i = 0; i < 5; i++) await c.read([typedTags[0]!.id])
    const log = c.trafficLog()
    expect(log.entries()).toHaveLength(4)
    const csv = log.exportCsv().trim().split('\n')
    expect(csv[0]).toBe('seq,time,direction,unit,function,hex,result,rttMs')
    expect(csv).toHaveLength(5)
    expect(log.exportText().split('\n')[0]).toMatch(/^\d{4}-\d\d-\d\dT.*Z (TX|RX) unit 1 FC3 /)
    const counters = c.counters()
    expect(counters.requests).toBeGreaterThanOrEqual(5)
    expect(counters.responses).toBe(counters.requests)
    expect(counters.rtt.min).not.toBeNull()
    expect(counters.rtt.min!).toBeLessThanOrEqual(counters.rtt.max!)
  })
})

describe('ModbusConnector against the demo plant', () => {
  it('reads the documented map (ABCD and CDAB floats, counters), gets exception 2 past a block and writes a setpoint', async () => {
    const tags = [
      tag({ id: 'state', address: '30001', dataType: 'uint16' }),
      tag({ id: 'speed', address: '30003', dataType: 'float32', byteOrder: 'ABCD' }),
      tag({ id: 'temp', address: '30005', dataType: 'int16', scaling: { rawLow: 0, rawHigh: 10, engLow: 0, engHigh: 1 } }),
      tag({ id: 'vibration', address: '30007', dataType: 'float32', byteOrder: 'CDAB' }),
      tag({ id: 'good', address: '40001', dataType: 'uint32', byteOrder: 'CDAB' }),
      tag({ id: 'setpoint', address: '40005', dataType: 'uint16', access: 'read-write' }),
      tag({ id: 'unmapped', address: '40006', dataType: 'uint16' }),
      tag({ id: 'running', address: '00001', dataType: 'bool' }),
    ]
    const c = connector({ endpoint: `modbus://127.0.0.1:${demo.port}?unit=${demo.unitId}`, tags })
    const { latest } = watch(c)
    await c.connect()
    await vi.waitFor(() => expect(latest.size).toBe(tags.length), { timeout: 5000 })
    expect(latest.get('state')!.value).toBeGreaterThanOrEqual(1)
    expect(latest.get('state')!.value).toBeLessThanOrEqual(7)
    expect(typeof latest.get('speed')!.value).toBe('number')
    expect(latest.get('vibration')!.value as number).toBeGreaterThanOrEqual(0)
    expect(latest.get('vibration')!.value as number).toBeLessThan(50)
    expect(latest.get('good')!.quality.status).toBe('good')
    expect(latest.get('unmapped')!.quality.reason).toBe(
      `Modbus 127.0.0.1:${demo.port} unit 1: illegal data address 40006 (exception 2) — check the register map`,
    )
    await c.write('setpoint', 250)
    const [setpoint] = await c.read(['setpoint'])
    expect(setpoint!.value).toBe(250)
  })
})
