import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AuditEntry, ConnectionDetail, PreparedWrite, S7Device, S7TagSourcePreview, TagValue, WriteResult } from '../../preload/contract'
import { startSnap7Peer, type Snap7Peer } from '../connectors/s7/snap7-peer.fixture'
import { createWorkbench, type Workbench } from '../workbench'

// An S7 connection added, read, written and described through the router, the path the UI takes, against Snap7's server.

const FIXTURES = join(import.meta.dirname, '../connectors/s7/fixtures')
let peer: Snap7Peer
let workbench: Workbench
let id: string
const dataDir = mkdtempSync(join(tmpdir(), 'otw-s7-connection-'))

const call = async <T>(channel: string, input?: unknown): Promise<T> => {
  const reply = await workbench.router.call(channel, input)
  if (!reply.ok) throw Object.assign(new Error(reply.error.message), reply.error)
  return reply.output as T
}
const prepare = (tag: string, value: unknown) => call<PreparedWrite>('writes.prepare', { tagId: `${id}:${tag}`, value })
const commit = (prepared: PreparedWrite) => call<WriteResult>('writes.commit', { id: prepared.id })
const lastAudit = async () => (await call<AuditEntry[]>('audit.list', { connectionId: id, limit: 1 }))[0]!
/** The last value the scan delivered (tags.read answers from the live values). */
const polled = (tag: string) => expect.poll(async () => (await call<TagValue[]>('tags.read', { tagIds: [`${id}:${tag}`] }))[0])

beforeAll(async () => {
  const db1 = Buffer.alloc(32)
  db1.writeFloatBE(21.5, 0)
  db1[4] = 0b1010_0101
  db1.writeInt16BE(7, 6)
  peer = await startSnap7Peer({ dbs: { 1: db1 } })
  workbench = createWorkbench({ dataDir, host: 'browser', demoPlant: false, user: 'tester' })
  const added = await call<ConnectionDetail>('connections.add', {
    connect: true,
    config: {
      protocol: 's7',
      name: 'Press 4',
      host: '127.0.0.1',
      port: peer.port,
      rack: 0,
      slot: 1,
      scanRateMs: 200,
      tags: [
        { name: 'Temperature', address: 'DB1.DBD0', dataType: 'REAL', access: 'read-write', unit: '°C', range: { low: 0, high: 100 } },
        { name: 'Lamp', address: 'DB1.DBX4.1', dataType: 'BOOL', access: 'read-write' },
        { name: 'Count', address: 'DB1,INT6' },
      ],
    },
  })
  id = added.id
}, 30_000)

afterAll(async () => {
  await workbench?.stop()
  await peer?.stop()
  rmSync(dataDir, { recursive: true, force: true })
})

describe('an S7 connection through the workbench (Snap7 server)', () => {
  it('is added and connected as kind s7, with its tags and live values from the CPU', async () => {
    const detail = await call<ConnectionDetail>('connections.get', { id })
    expect(detail).toMatchObject({ kind: 's7', hasSecrets: false, status: { protocol: 's7', state: 'connected' } })
    expect(detail.tags.map((t) => [t.name, t.address, t.dataType, t.access])).toEqual([
      ['Temperature', 'DB1.DBD0', 'REAL', 'read-write'],
      ['Lamp', 'DB1.DBX4.1', 'BOOL', 'read-write'],
      ['Count', 'DB1,INT6', 'INT', 'read'],
    ])
    await polled('Temperature').toMatchObject({ value: 21.5, quality: { status: 'good' } })
    await polled('Lamp').toMatchObject({ value: false })
    await polled('Count').toMatchObject({ value: 7 })
  })

  it('records its values in the historian, as every protocol does, for the trends', async () => {
    const since = Date.now() - 60_000
    await expect
      .poll(
        async () => {
          const [raw] = await call<{ v: number[] }[]>('history.raw', { tagIds: [`${id}:Temperature`], from: since, to: Date.now() + 1000 })
          return raw?.v.includes(21.5)
        },
        { timeout: 10_000 },
      )
      .toBe(true)
  })

  it('refuses a TSAP that is not one, and one TSAP without the other, saying how to write them', async () => {
    const base = { protocol: 's7', name: 'LOGO', host: '127.0.0.1', tags: [] }
    await expect(call('connections.add', { config: { ...base, localTsap: '01.00', remoteTsap: '2.000' } })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining('a TSAP looks like 01.00 or 0x0100'),
    })
    await expect(call('connections.add', { config: { ...base, localTsap: '01.00' } })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining('give both the local and the remote TSAP, or neither'),
    })
  })

  it('refuses a stored address that does not parse, naming the connection and the tag', async () => {
    await expect(call('connections.addTags', { id, tags: [{ name: 'Bad', address: 'DB1.DBW0', dataType: 'REAL' }] })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining('tag "Bad": DB1.DBW0: REAL takes 4 bytes, this address covers 2 — use DB1.DBD0'),
    })
  })

  it('writes only while armed, bound to the address shown, with the read-back and an audit row', async () => {
    await expect(prepare('Temperature', 30)).rejects.toMatchObject({ code: 'WRITE_REFUSED' })
    expect(await lastAudit()).toMatchObject({ result: 'refused', address: 'DB1.DBD0 (REAL)' })
    await call('connections.arm', { id, minutes: 1 })
    // 0.1 is not a float32: the CPU holds 0.10000000149…, which the connector predicts, so this is no mismatch.
    const prepared = await prepare('Temperature', 0.1)
    expect(prepared).toMatchObject({ ok: true, address: 'DB1.DBD0 (REAL)', oldValue: 21.5, newValue: 0.1 })
    const result = await commit(prepared)
    expect(result).toMatchObject({ result: 'ok', oldValue: 21.5 })
    expect(result.readBack).toBeCloseTo(0.1, 6)
    expect(peer.db(1).readFloatBE(0)).toBeCloseTo(0.1, 6)
    expect(await lastAudit()).toMatchObject({ result: 'ok', user: 'tester', address: 'DB1.DBD0 (REAL)', connectionName: 'Press 4', oldValue: '21.5' })
  })

  it('writes a bit without touching the other seven of its byte', async () => {
    const result = await commit(await prepare('Lamp', true))
    expect(result).toMatchObject({ result: 'ok', readBack: true })
    expect(peer.db(1)[4]).toBe(0b1010_0111)
    expect(await lastAudit()).toMatchObject({ result: 'ok', address: 'DB1.DBX4.1 (BOOL)' })
  })

  it('cancels a prepared write when the tag is moved to another address before the confirmation', async () => {
    const prepared = await prepare('Lamp', false)
    await call('connections.updateTag', { id, name: 'Lamp', tag: { name: 'Lamp', address: 'DB1.DBX4.3', dataType: 'BOOL', access: 'read-write' } })
    await expect(commit(prepared)).rejects.toMatchObject({ code: 'WRITE_REFUSED' })
    expect(peer.db(1)[4]).toBe(0b1010_0111)
    const [refusal, cancellation] = await call<AuditEntry[]>('audit.list', { connectionId: id, limit: 2 })
    expect(cancellation).toMatchObject({ result: 'cancelled', address: 'DB1.DBX4.1 (BOOL)' })
    expect(refusal).toMatchObject({ result: 'refused', message: expect.stringContaining('edited') })
  })

  it('says what the CPU is (order number, module, serial, firmware) and lists its DBs', async () => {
    await expect.poll(async () => (await call<ConnectionDetail>('connections.get', { id })).status.state).toBe('connected')
    const device = await call<S7Device>('s7.device', { id })
    expect(device.identity).toMatchObject({
      orderNumber: '6ES7 315-2EH14-0AB0',
      moduleName: 'CPU 315-2 PN/DP',
      firmware: 'V3.2.6',
      serialNumber: expect.stringMatching(/\S/),
      pduSize: 960,
    })
    expect(device.dbs).toEqual([{ db: 1, size: 32 }])
    expect(await call('connections.browse', { id })).toEqual([
      { nodeId: 'DB1', browseName: 'DB1', displayName: 'DB1 (32 bytes)', nodeClass: 'DataBlock', hasChildren: false },
    ])
  })

  it('checks an address as it is typed', async () => {
    expect(await call('s7.checkTag', { address: 'db1.dbd0', dataType: 'real' })).toEqual({
      ok: true,
      address: 'DB1.DBD0',
      dataType: 'REAL',
      bytes: 4,
      description: 'DB1.DBD0 (REAL)',
    })
    expect(await call('s7.checkTag', { address: 'DB1.DBX6.9' })).toEqual({ ok: false, message: 'DB1.DBX6.9: bit must be 0–7' })
  })

  it('previews a DB source with its offsets, then imports the tags the connection does not have yet', async () => {
    const source = { kind: 'text', fileName: 'Line_Data.db', text: readFileSync(join(FIXTURES, 'Line_Data.db'), 'utf8') }
    await expect(call('s7.tagSourcePreview', { id, source })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining('names DB "Line_Data" but not its number'),
    })
    const preview = await call<S7TagSourcePreview>('s7.tagSourcePreview', { id, source, dbNumbers: { Line_Data: 7 } })
    expect(preview).toMatchObject({ fileName: 'Line_Data.db', format: 'db-source', blocks: [{ name: 'Line_Data', dbNumber: 7, size: 84 }] })
    expect(preview.tags.find((t) => t.tag.name === 'Line_Data.Speed')).toEqual({
      tag: { name: 'Line_Data.Speed', path: ['Line_Data'], address: 'DB7.DBD2', dataType: 'REAL', access: 'read' },
      taken: false,
    })
    expect(preview.skipped).toEqual([{ name: 'Line_Data.Big', reason: 'LINT at byte 68: LINT has no decoder in the S7 connector yet' }])
    const before = (await call<ConnectionDetail>('connections.get', { id })).tags.length
    const imported = await call<{ imported: number }>('s7.tagSourceImport', { id, source, dbNumbers: { Line_Data: 7 } })
    expect(imported.imported).toBe(preview.tags.length)
    const detail = await call<ConnectionDetail>('connections.get', { id })
    expect(detail.tags).toHaveLength(before + preview.tags.length)
    expect(detail.tags.find((t) => t.name === 'Line_Data.Axis[2].Pos')?.path).toEqual(['Press 4', 'Line_Data', 'Axis[2]'])
    await expect(call('s7.tagSourceImport', { id, source, dbNumbers: { Line_Data: 7 } })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining('every tag of the file is already on the connection'),
    })
  })

  it('reads a PLC tag table from a path, and refuses a folder or a file too large to be one', async () => {
    const preview = await call<S7TagSourcePreview>('s7.tagSourcePreview', { id, source: { kind: 'path', path: join(FIXTURES, 'PLC_Tags.csv') } })
    expect(preview).toMatchObject({ fileName: 'PLC_Tags.csv', format: 'tag-table', blocks: [] })
    expect(preview.tags[0]).toEqual({
      tag: { name: 'Start_PB', path: ['Default tag table'], address: 'I0.0', dataType: 'BOOL', access: 'read', description: 'Start push button' },
      taken: false,
    })
    const folder = join(dataDir, 'a-folder.csv')
    mkdirSync(folder)
    await expect(call('s7.tagSourcePreview', { id, source: { kind: 'path', path: folder } })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining('not a regular file'),
    })
    const huge = join(dataDir, 'huge.csv')
    writeFileSync(huge, Buffer.alloc(5_000_001, 0x41))
    await expect(call('s7.tagSourcePreview', { id, source: { kind: 'path', path: huge } })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining('more than a DB source or tag table can be'),
    })
    await expect(call('s7.tagSourcePreview', { id, source: { kind: 'path', path: join(dataDir, 'missing.db') } })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    })
  })

  it('points a tag CSV meant for this S7 connection to the TIA Portal import instead of calling it MQTT', async () => {
    const csv = 'name,address,dataType\nSpeed,40001,uint16\n'
    const preview = await call<{ errors: { line: number; message: string }[] }>('tags.csvPreview', {
      source: { kind: 'text', fileName: 'tags.csv', text: csv },
      connectionId: id,
    })
    expect(preview.errors).toEqual([
      {
        line: 2,
        message: expect.stringContaining(
          'connection "Press 4" is S7: import a TIA Portal PLC tag table or DB source in its detail (Connections); CSV import fills Modbus and OPC UA connections',
        ),
      },
    ])
  })
})
