import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ConnectionDetail, ConnectionTraffic, TagValue } from '../../preload/contract'
import { startSnap7Peer, type Snap7Peer } from '../connectors/s7/snap7-peer.fixture'
import { createWorkbench, type Workbench } from '../workbench'

// An S7 connection's counters and traffic log (the shared ring of main/connectors/traffic-diagnostics.ts, through the
// registry's tools) and its Edit dialog's save (connections.update), through the router against two Snap7 servers.

let first: Snap7Peer
let second: Snap7Peer
let workbench: Workbench
let id: string
const dataDir = mkdtempSync(join(tmpdir(), 'otw-s7-edit-'))

const call = async <T>(channel: string, input?: unknown): Promise<T> => {
  const reply = await workbench.router.call(channel, input)
  if (!reply.ok) throw Object.assign(new Error(reply.error.message), reply.error)
  return reply.output as T
}
const traffic = (limit?: number) => call<ConnectionTraffic>('connections.traffic', { id, limit })
const count = (t: ConnectionTraffic, key: string) => t.counters.find((c) => c.key === key)!.value
const value = async () => (await call<TagValue[]>('tags.read', { tagIds: [`${id}:Speed`] }))[0]?.value

beforeAll(async () => {
  const a = Buffer.alloc(8)
  a.writeInt16BE(111, 0)
  const b = Buffer.alloc(8)
  b.writeInt16BE(222, 0)
  ;[first, second] = await Promise.all([startSnap7Peer({ dbs: { 3: a } }), startSnap7Peer({ dbs: { 3: b } })])
  workbench = createWorkbench({ dataDir, host: 'browser', demoPlant: false, user: 'tester' })
  const added = await call<ConnectionDetail>('connections.add', {
    connect: true,
    config: {
      protocol: 's7',
      name: 'Edit me',
      host: '127.0.0.1',
      port: first.port,
      rack: 0,
      slot: 1,
      scanRateMs: 100,
      tags: [
        { name: 'Speed', address: 'DB3.DBW0', dataType: 'INT' },
        { name: 'Missing', address: 'DB9.DBW0', dataType: 'INT' },
      ],
    },
  })
  id = added.id
}, 30_000)

afterAll(async () => {
  await workbench?.stop()
  await Promise.all([first?.stop(), second?.stop()])
  rmSync(dataDir, { recursive: true, force: true })
})

describe('S7 counters and traffic log through the router (Snap7 server)', () => {
  it('counts the polls and logs their frames in hex with PDU reference and service', async () => {
    await expect.poll(value, { timeout: 15_000 }).toBe(111)
    await expect.poll(async () => count(await traffic(), 'responses'), { timeout: 15_000 }).toBeGreaterThan(2)
    const t = await traffic(2000)
    expect(t.columns).toEqual([
      { key: 'pduRef', label: 'PDU ref' },
      { key: 'service', label: 'Service' },
    ])
    expect(t.counters.map((c) => c.label)).toEqual(['Requests', 'Responses', 'Timeouts', 'Item errors', 'Refused requests'])
    // DB9 does not exist on the server: each poll's item for it comes back as an item error.
    expect(count(t, 'itemErrors')).toBeGreaterThan(0)
    expect(t.rtt.last).not.toBeNull()
    const read = t.frames.find((f) => f.direction === 'tx' && f.fields.service === 'read var')!
    expect(read.hex).toMatch(/^03 00 /)
    expect(t.frames.some((f) => f.direction === 'rx' && f.fields.pduRef === read.fields.pduRef)).toBe(true)
    expect(t.frames.some((f) => f.fields.service === 'connect')).toBe(true)
    expect((await traffic(3)).frames).toHaveLength(3)
  })

  it('exports the log as text and CSV, clears it and resets the counters', async () => {
    const text = await call<{ fileName: string; content: string; frames: number }>('connections.trafficExport', { id, format: 'text' })
    expect(text.fileName).toMatch(/^s7-traffic-.+\.txt$/)
    expect(text.frames).toBeGreaterThan(0)
    expect(text.content).toMatch(/^\d{4}-\d\d-\d\dT\S+ TX #\d+ read var 03 00 [0-9A-F ]+ sent$/m)
    const csv = await call<{ fileName: string; content: string }>('connections.trafficExport', { id, format: 'csv' })
    expect(csv.fileName).toMatch(/\.csv$/)
    expect(csv.content.split('\n')[0]).toBe('seq,time,direction,pduRef,service,hex,result,rttMs')

    const before = count(await traffic(), 'requests')
    await call('connections.countersReset', { id })
    await call('connections.trafficClear', { id })
    const after = await traffic(2000)
    // The polls go on, so a few may already have counted again; far fewer than before.
    expect(count(after, 'requests')).toBeLessThan(before)
    expect(after.frames.length).toBeLessThan(text.frames)
  })

  it('refuses the traffic of a protocol that keeps none, naming the connection', async () => {
    const mqtt = await call<ConnectionDetail>('connections.add', { config: { protocol: 'mqtt', name: 'Broker here', url: 'mqtt://127.0.0.1:1', tags: [] } })
    await expect(call('connections.traffic', { id: mqtt.id })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: 'Connection "Broker here" is mqtt: it keeps no traffic log or counters',
    })
    await call('connections.remove', { id: mqtt.id })
  })
})

describe('editing an S7 connection (the Edit dialog’s save) through the router', () => {
  it('moves the connection to another CPU, rack/slot and PDU size, reconnects, keeps its tags and its diagnostics', async () => {
    const detail = await call<ConnectionDetail>('connections.get', { id })
    const requestsBefore = count(await traffic(), 'requests')
    const updated = await call<ConnectionDetail>('connections.update', {
      id,
      config: { ...detail.config, name: 'Edited', port: second.port, rack: 0, slot: 2, pduSize: 480, connectionType: 'op' },
    })
    expect(updated.config).toMatchObject({ name: 'Edited', port: second.port, slot: 2, pduSize: 480, connectionType: 'op' })
    expect(updated.tags.map((t) => t.name)).toEqual(['Speed', 'Missing'])
    await expect.poll(value, { timeout: 15_000 }).toBe(222)
    await expect.poll(async () => (await call<ConnectionDetail>('connections.get', { id })).status.state, { timeout: 15_000 }).toMatch(/connected|degraded/)
    expect((await call<ConnectionDetail>('connections.get', { id })).status.endpoint).toContain(String(second.port))
    // The counters and log survive the rebuild (the registry's carry-over), as for a tag edit.
    expect(count(await traffic(), 'requests')).toBeGreaterThanOrEqual(requestsBefore)
    const frames = (await traffic(2000)).frames
    expect(frames.filter((f) => f.fields.service === 'connect').length).toBeGreaterThanOrEqual(1)
  })

  it('switches to TSAPs, and refuses bad input with a clear error while keeping what was saved', async () => {
    const detail = await call<ConnectionDetail>('connections.get', { id })
    const { rack: _rack, slot: _slot, ...rest } = detail.config
    await expect(call('connections.update', { id, config: { ...rest, localTsap: '01.00' } })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining('give both the local and the remote TSAP, or neither'),
    })
    await expect(call('connections.update', { id, config: { ...detail.config, pduSize: 100 } })).rejects.toMatchObject({ code: 'INVALID_INPUT' })
    await expect(call('connections.update', { id, config: { ...detail.config, host: '' } })).rejects.toMatchObject({ code: 'INVALID_INPUT' })
    const kept = await call<ConnectionDetail>('connections.get', { id })
    expect(kept.config).toMatchObject({ name: 'Edited', port: second.port, slot: 2, pduSize: 480 })
    expect(kept.tags).toHaveLength(2)
    await expect.poll(value, { timeout: 15_000 }).toBe(222)

    // Snap7 accepts any TSAP pair (a LOGO! would need the ones set in LOGO!Soft Comfort).
    const tsap = await call<ConnectionDetail>('connections.update', { id, config: { ...rest, localTsap: '01.00', remoteTsap: '02.00' } })
    expect(tsap.config).toMatchObject({ localTsap: '01.00', remoteTsap: '02.00' })
    await expect.poll(async () => (await call<ConnectionDetail>('connections.get', { id })).status.state, { timeout: 15_000 }).toMatch(/connected|degraded/)
    expect((await call<ConnectionDetail>('connections.get', { id })).hasSecrets).toBe(false)
  })
})
