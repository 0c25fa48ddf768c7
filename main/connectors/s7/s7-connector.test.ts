import { createServer, type AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { ConnectionState, TagValue } from '../../../preload/contract'
import { S7Connector, type S7ConnectorOptions, type S7TagConfig } from './s7-connector'
import { startSnap7Peer, type Snap7Peer } from './snap7-peer.fixture'

// DB1 holds one value of every type at hand-worked offsets; DB2 has 10 bytes; DB12 does not exist.
function db1(): Buffer {
  const b = Buffer.alloc(80)
  b.writeFloatBE(3.5, 0)
  b.writeInt16BE(-1234, 4)
  b[6] = 0b10100101
  b[7] = 0xab
  b.writeUInt16BE(0xbeef, 8)
  b.writeUInt32BE(0xdeadbeef, 10)
  b.writeInt32BE(-123456789, 14)
  b[18] = 'Z'.charCodeAt(0)
  b.writeDoubleBE(2.718281828459045, 20)
  b.writeInt32BE(90_061_001, 28) // T#1D1H1M1S1MS
  Buffer.from([0x24, 0x05, 0x01, 0x10, 0x20, 0x30, 0x45, 0x64]).copy(b, 32) // DT#2024-05-01-10:20:30.456, a Wednesday (4)
  b[40] = 10 // STRING[10] 'hello': declared and actual length, then the characters
  b[41] = 5
  b.write('hello', 42, 'latin1')
  b.writeUInt16BE(6, 52) // WSTRING[6] 'Grüße'
  b.writeUInt16BE(5, 54)
  Buffer.from('Grüße', 'utf16le').swap16().copy(b, 56)
  b[68] = 200
  b.writeInt8(-100, 69)
  b.writeUInt16BE(60000, 70)
  b.writeUInt32BE(4_000_000_000, 72)
  return b
}

const EXPECTED: [string, string | undefined, unknown][] = [
  ['DB1.DBD0', 'REAL', 3.5],
  ['DB1.DBW4', 'INT', -1234],
  ['DB1.DBX6.0', undefined, true],
  ['DB1.DBX6.1', 'BOOL', false],
  ['DB1.DBX6.2', 'BOOL', true],
  ['DB1.DBX6.7', 'BOOL', true],
  ['DB1.DBB7', undefined, 0xab],
  ['DB1.DBW8', undefined, 0xbeef],
  ['DB1.DBD10', 'DWORD', 0xdeadbeef],
  ['DB1.DBD14', 'DINT', -123456789],
  ['DB1.DBB18', 'CHAR', 'Z'],
  ['DB1.DBB20', 'LREAL', 2.718281828459045],
  ['DB1.DBD28', 'TIME', 90_061_001],
  ['DB1.DBB32', 'DATE_AND_TIME', '2024-05-01T10:20:30.456'],
  ['DB1.DBB40', 'STRING[10]', 'hello'],
  ['DB1.DBB52', 'WSTRING[6]', 'Grüße'],
  ['DB1.DBB68', 'USINT', 200],
  ['DB1.DBB69', 'SINT', -100],
  ['DB1.DBW70', 'UINT', 60000],
  ['DB1.DBD72', 'UDINT', 4_000_000_000],
  ['M10.0', undefined, true],
  ['M10.1', undefined, false],
  ['MW20', undefined, 0x1234],
  ['MD24', 'REAL', -0.25],
  ['I0.0', undefined, true],
  ['E0.1', undefined, false],
  ['IW64', 'INT', 258],
  ['Q0.1', undefined, true],
  ['A0.0', undefined, false],
  ['QW80', undefined, 0x0a0b],
  ['%DB1.DBD0', 'REAL', 3.5],
  ['DB1,REAL0', undefined, 3.5],
  ['DB1,X6.2', undefined, true],
  ['DB1,S40.10', undefined, 'hello'],
  ['DB1,INT4', undefined, -1234],
]

let peer: Snap7Peer
const open: S7Connector[] = []

function connector(options: Partial<S7ConnectorOptions> & Pick<S7ConnectorOptions, 'tags'>, endpoint = peer.url): S7Connector {
  const c = new S7Connector({ id: 'plc', name: 'Test S7', endpoint, defaultScanRateMs: 100, reconnect: { initialDelayMs: 100, maxDelayMs: 400 }, ...options })
  open.push(c)
  return c
}

const tag = (address: string, dataType?: string, extra: Partial<S7TagConfig> = {}): S7TagConfig => ({ id: address, name: address, address, dataType, ...extra })

function watch(c: S7Connector) {
  const latest = new Map<string, TagValue>()
  const states: ConnectionState[] = []
  c.onValues((values) => values.forEach((v) => latest.set(v.tagId, v)))
  c.onStatus((s) => states.push(s.state))
  return { latest, states }
}

beforeAll(async () => {
  const merkers = Buffer.alloc(64)
  merkers[10] = 0b01
  merkers.writeUInt16BE(0x1234, 20)
  merkers.writeFloatBE(-0.25, 24)
  const inputs = Buffer.alloc(70)
  inputs[0] = 0b01
  inputs.writeUInt16BE(0x0102, 64)
  const outputs = Buffer.alloc(90)
  outputs[0] = 0b10
  outputs.writeUInt16BE(0x0a0b, 80)
  peer = await startSnap7Peer({ dbs: { 1: db1(), 2: Buffer.alloc(10), 3: Buffer.alloc(600) }, merkers, inputs, outputs })
})

afterAll(async () => {
  await Promise.all(open.map((c) => c.disconnect()))
  await peer?.stop()
})

describe('S7Connector against the Snap7 server', () => {
  it('polls every data type in DBs, memory, inputs and outputs, in TIA Portal and nodes7 spelling', async () => {
    const c = connector({ tags: EXPECTED.map(([address, type]) => tag(address, type)) })
    const { latest } = watch(c)
    await c.connect()
    await vi.waitFor(() => expect(latest.size).toBe(EXPECTED.length), { timeout: 5000 })
    expect(EXPECTED.map(([address]) => [address, latest.get(address)!.value, latest.get(address)!.quality.status])).toEqual(
      EXPECTED.map(([address, , value]) => [address, value, 'good']),
    )
    expect(c.state()).toBe('connected')
    expect(c.pduSize()).toBe(960)
    expect(c.tags().find((t) => t.id === 'DB1.DBB40')).toMatchObject({ dataType: 'STRING[10]', connectionId: 'plc', access: 'read' })
  })

  it('reads on demand with read(), and names the PDU traffic in the log', async () => {
    const c = connector({ tags: [tag('DB1.DBD0', 'REAL'), tag('MW20')], defaultScanRateMs: 3_600_000 })
    await c.connect()
    const [real, word] = await c.read(['DB1.DBD0', 'MW20'])
    expect([real!.value, word!.value]).toEqual([3.5, 0x1234])
    const services = c
      .trafficLog()
      .entries()
      .map((f) => `${f.direction} ${f.service} ${f.result}`)
    expect(services.slice(0, 4)).toEqual(['tx connect sent', 'rx connect ok', 'tx setup communication sent', 'rx setup communication ok'])
    expect(services).toContain('rx read var ok')
    // COTP connection request: TPDU size 1024, calling TSAP 01.00, called TSAP 01.01 (PG, rack 0, slot 1).
    expect(c.trafficLog().entries()[0]!.hex).toBe('03 00 00 16 11 E0 00 00 00 01 00 C0 01 0A C1 02 01 00 C2 02 01 01')
    // Setup communication asking for 8 parallel jobs and a 960-byte PDU.
    expect(c.trafficLog().entries()[2]!.hex).toBe('03 00 00 19 02 F0 80 32 01 00 00 00 01 00 08 00 00 F0 00 00 08 00 08 03 C0')
    expect(c.counters()).toMatchObject({ timeouts: 0, itemErrors: 0 })
    expect(c.counters().responses).toBe(c.counters().requests)
  })

  it('writes a bit with transport size BIT and leaves the other seven bits of the byte alone', async () => {
    const c = connector({
      tags: [tag('DB1.DBX6.1', 'BOOL', { access: 'read-write' }), tag('M10.3', 'BOOL', { access: 'read-write' })],
      defaultScanRateMs: 3_600_000,
    })
    await c.connect()
    const before = peer.db(1)[6]!
    await c.write('DB1.DBX6.1', true)
    expect(peer.db(1)[6]).toBe(before | 0b10)
    await c.write('DB1.DBX6.1', false)
    expect(peer.db(1)[6]).toBe(before & ~0b10)
    await c.write('M10.3', true)
    expect(peer.area('M')[10]).toBe(0b1001)
    await c.write('M10.3', false)
    expect(peer.area('M')[10]).toBe(0b0001)
    const bitWrite = c
      .trafficLog()
      .entries()
      .find((f) => f.direction === 'tx' && f.service === 'write var')!
    // Item spec: 12 0A 10, transport size 01 (BIT), count 1, DB 1, area 84, bit address 6*8+1 = 49 = 0x31.
    expect(bitWrite.hex).toContain('12 0A 10 01 00 01 00 01 84 00 00 31')
  })

  it('writes every type and reads it back; a STRING write sets its header and only the characters in use', async () => {
    const writes: [string, string, unknown][] = [
      ['DB3.DBD0', 'REAL', -12.5],
      ['DB3.DBW4', 'INT', -32768],
      ['DB3.DBD6', 'DINT', 2147483647],
      ['DB3.DBB10', 'LREAL', 1e-300],
      ['DB3.DBB18', 'DATE_AND_TIME', '1999-12-31T23:59:59.999'],
      ['DB3.DBD26', 'TIME', -1000],
      ['DB3.DBB30', 'CHAR', 'q'],
      ['DB3.DBW32', 'WORD', 65535],
      ['DB3.DBB34', 'WSTRING[4]', 'Ωmm'],
    ]
    peer.setDb(3, Buffer.alloc(600, 0x55))
    const c = connector({
      tags: [...writes.map(([a, t]) => tag(a, t, { access: 'read-write' })), tag('DB3.DBB100', 'STRING[10]', { access: 'read-write' })],
      defaultScanRateMs: 3_600_000,
    })
    await c.connect()
    for (const [address, , value] of writes) await c.write(address, value as never)
    await c.write('DB3.DBB100', 'abc')
    const back = await c.read([...writes.map(([a]) => a), 'DB3.DBB100'])
    expect(back.map((v) => v.value)).toEqual([...writes.map(([, , v]) => v), 'abc'])
    expect([...peer.db(3).subarray(100, 107)]).toEqual([10, 3, 0x61, 0x62, 0x63, 0x55, 0x55])
    await expect(c.write('DB3.DBB100', 'x'.repeat(11))).rejects.toThrow('STRING[10] holds at most 10 characters')
    await expect(c.write('DB3.DBW4', 40000)).rejects.toThrow('INT takes a whole number from -32768 to 32767')
  })

  it('says a DB does not exist and how large a DB is when an address runs past its end, while the good tags keep updating', async () => {
    const c = connector({ tags: [tag('DB1.DBD0', 'REAL'), tag('DB12.DBW0', 'INT'), tag('DB2.DBW6'), tag('DB2.DBW8'), tag('DB2.DBD8', 'DINT')] })
    const { latest } = watch(c)
    await c.connect()
    await vi.waitFor(() => expect(latest.get('DB2.DBW8')?.quality.status).toBe('good'), { timeout: 5000 })
    expect(latest.get('DB1.DBD0')).toMatchObject({ value: 3.5, quality: { status: 'good' } })
    expect(latest.get('DB2.DBW6')).toMatchObject({ value: 0, quality: { status: 'good' } })
    expect(latest.get('DB12.DBW0')!.quality).toEqual({
      status: 'bad',
      reason: expect.stringContaining('DB12.DBW0 (INT): item not available (DB 12 does not exist) — check the DB number'),
    })
    expect(latest.get('DB2.DBD8')!.quality).toEqual({
      status: 'bad',
      reason: expect.stringContaining('DB2.DBD8 (DINT): address out of range (DB2 has 10 bytes) — check the offset'),
    })
    expect(c.state()).toBe('degraded')
    expect(c.status().lastError).toMatch(/does not exist|out of range/)
    const w = connector({ tags: [tag('DB12.DBW0', 'INT', { access: 'read-write' })], defaultScanRateMs: 3_600_000 })
    await w.connect()
    await expect(w.write('DB12.DBW0', 1)).rejects.toThrow('item not available (DB 12 does not exist)')
  })

  it('polls each scan class at its own rate with its own read plan', async () => {
    const c = connector({ tags: [tag('DB1.DBD0', 'REAL', { scanRateMs: 100 }), tag('DB1.DBW4', 'INT', { scanRateMs: 60_000 })] })
    const updates = new Map<string, number>()
    c.onValues((values) => values.forEach((v) => updates.set(v.tagId, (updates.get(v.tagId) ?? 0) + 1)))
    const cycles: number[] = []
    c.onCycle((cycle) => cycles.push(cycle.rateMs))
    await c.connect()
    await vi.waitFor(() => expect(updates.get('DB1.DBD0') ?? 0).toBeGreaterThanOrEqual(4), { timeout: 5000 })
    expect(updates.get('DB1.DBW4')).toBe(1)
    expect(c.requestsPerCycle()).toBe(2)
    expect(cycles.filter((rate) => rate === 60_000)).toHaveLength(1)
  })

  it('marks values stale while the server is down, retries with backoff and reads again when it is back', async () => {
    const c = connector({ tags: [tag('DB1.DBD0', 'REAL')] })
    const { latest, states } = watch(c)
    await c.connect()
    await vi.waitFor(() => expect(latest.get('DB1.DBD0')?.quality.status).toBe('good'), { timeout: 5000 })
    await peer.stop()
    await vi.waitFor(() => expect(latest.get('DB1.DBD0')).toMatchObject({ stale: true, value: 3.5, quality: { status: 'bad' } }), { timeout: 5000 })
    await vi.waitFor(() => expect(c.state()).toBe('reconnecting'), { timeout: 5000 })
    expect(c.status().lastError).toMatch(/retrying in \d+ ms/)
    await new Promise((resolve) => setTimeout(resolve, 600))
    await peer.start()
    await vi.waitFor(() => expect(latest.get('DB1.DBD0')).toMatchObject({ stale: false, quality: { status: 'good' } }), { timeout: 8000 })
    expect(c.state()).toBe('connected')
    expect(c.status().counters.reconnects).toBe(1)
    expect(states).toContain('reconnecting')
  })

  it('reads what the CPU says about itself from the SZL and lists its DBs with their sizes', async () => {
    const c = connector({ tags: [], defaultScanRateMs: 3_600_000 })
    await c.connect()
    const identity = await c.identity()
    expect(identity).toMatchObject({
      orderNumber: '6ES7 315-2EH14-0AB0',
      firmware: 'V3.2.6',
      moduleName: 'CPU 315-2 PN/DP',
      moduleTypeName: 'CPU 315-2 PN/DP',
      systemName: 'SNAP7-SERVER',
      serialNumber: 'S C-C2UR28922012',
      pduSize: 960,
      unavailable: [],
    })
    const browsed = await c.browse()
    expect(browsed.dbs).toEqual([
      { db: 1, size: 80 },
      { db: 2, size: 10 },
      { db: 3, size: 600 },
    ])
  })

  it('packs 300 tags of one DB and 50 neighbouring memory words into as few requests as the PDU allows, and counts them', async () => {
    const tags = [
      ...Array.from({ length: 150 }, (_, i) => tag(`DB3.DBD${i * 4}`, 'REAL')),
      ...Array.from({ length: 150 }, (_, i) => tag(`DB1.DBX${Math.floor(i / 8) % 10}.${i % 8}`, 'BOOL', { id: `bit${i}` })),
      ...Array.from({ length: 25 }, (_, i) => tag(`MW${i * 2}`)),
    ]
    const c = connector({ tags, defaultScanRateMs: 3_600_000 }, `${peer.url}&pdu=480`)
    await c.connect()
    await vi.waitFor(() => expect(c.counters().responses).toBeGreaterThan(0), { timeout: 5000 })
    expect(c.pduSize()).toBe(480)
    // 600 bytes of DB3 (+ 10 of DB1 and 50 of M): 466 reply bytes per request at PDU 480, so two requests.
    expect(c.requestsPerCycle()).toBe(2)
    const before = c.counters().requests
    const values = await c.read(tags.map((t) => t.id))
    expect(c.counters().requests - before).toBe(2)
    expect(values.every((v) => v.quality.status === 'good')).toBe(true)
  })
})

describe('S7Connector when the device does not speak S7 as expected', () => {
  it('times out an ISO connection request nobody answers and keeps retrying', async () => {
    const silent = createServer(() => undefined)
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
    const port = (silent.address() as AddressInfo).port
    const c = connector({ tags: [tag('DB1.DBD0', 'REAL')], timeoutMs: 200 }, `s7://127.0.0.1:${port}?rack=0&slot=2`)
    await c.connect()
    await vi.waitFor(
      () => expect(c.status().lastError).toMatch(/no answer to the ISO connection request within 200 ms — check rack and slot or the TSAPs — retrying in/),
      { timeout: 5000 },
    )
    expect(c.state()).toBe('reconnecting')
    await c.disconnect()
    silent.close()
  })

  it('says to check rack and slot when the device closes the connection at the connection request', async () => {
    const refusing = createServer((socket) => socket.once('data', () => socket.end()))
    await new Promise<void>((resolve) => refusing.listen(0, '127.0.0.1', resolve))
    const port = (refusing.address() as AddressInfo).port
    const c = connector({ tags: [] }, `s7://127.0.0.1:${port}?rack=0&slot=3`)
    await c.connect()
    await vi.waitFor(
      () => expect(c.status().lastError).toContain('refused the ISO connection (TSAP 01.00→01.03) — check rack and slot (S7-1200/1500: rack 0 slot 1'),
      {
        timeout: 5000,
      },
    )
    await c.disconnect()
    refusing.close()
  })
})
