import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connectionConfigSchema, type ConnectionState, type TagValue } from '../../preload/contract'
import type { Connector } from '../connectors/connector'
import { modbusDriverOf } from '../connectors/modbus'
import { REGISTER_MAP, startPymodbusServer, type PymodbusServer } from '../connectors/modbus/fixtures/pymodbus-server'
import { ConnectionManager } from './connection-manager'
import { KeyFileSecretBox } from '../secrets/secret-box'
import { openWorkbenchDb, type Database } from './workbench-db'

let server: PymodbusServer
let dataDir: string
let db: Database
let manager: ConnectionManager
const registered: Connector[] = []
const marker = REGISTER_MAP.unitMarkers

beforeAll(async () => {
  server = await startPymodbusServer()
  dataDir = mkdtempSync(join(tmpdir(), 'otw-add-tag-live-'))
  db = openWorkbenchDb(dataDir)
  manager = new ConnectionManager({
    db,
    box: KeyFileSecretBox.inDataDir(dataDir),
    dataDir,
    register: (c) => registered.push(c),
    unregister: () => undefined,
  })
}, 30_000)

afterAll(async () => {
  await manager?.close()
  db?.close()
  await server?.stop()
  rmSync(dataDir, { recursive: true, force: true })
})

async function until(what: string, check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

describe('adding a tag to a running Modbus connection (pymodbus)', () => {
  it('keeps the link: no reconnect, counters and the traffic log keep counting, the new tag updates', async () => {
    const { id } = await manager.add(
      connectionConfigSchema.parse({
        protocol: 'modbus-tcp',
        name: 'Live add',
        host: '127.0.0.1',
        port: server.tcpPort,
        unitId: 1,
        scanRateMs: 100,
        tags: [{ name: 'First', address: `hr:${marker.offset}`, dataType: 'uint16' }],
      }),
    )
    const connector = registered.find((c) => c.id === id)!
    const states: ConnectionState[] = []
    connector.onStatus((s) => states.push(s.state))
    const values: TagValue[] = []
    connector.onValues((batch) => values.push(...batch))
    await manager.connect(id)
    const driver = modbusDriverOf(manager.driver(id))
    await until('a few polls', () => driver.counters().responses >= 3)
    const before = driver.counters()
    const framesBefore = driver.trafficLog().entries().length
    states.length = 0

    const detail = await manager.addTags(id, [
      { name: 'Second', address: `hr:${marker.offset}`, unitId: 2, dataType: 'uint16', byteOrder: 'ABCD', access: 'read' },
    ])
    expect(detail.tags.map((t) => t.name)).toEqual(['First', 'Second'])
    expect(detail.status.state).toBe('connected')
    // The same driver runs on: nothing was swapped, so nothing was reset.
    expect(manager.driver(id)).toBe(driver)

    await until('the new tag to update', () => values.some((v) => v.tagId === `${id}:Second` && v.value === marker.values['2']))
    await until('more replies', () => driver.counters().responses >= before.responses + 3)
    expect(driver.counters().requests).toBeGreaterThan(before.requests)
    expect(driver.trafficLog().entries().length).toBeGreaterThan(framesBefore)
    expect(states.filter((s) => s !== 'connected')).toEqual([])

    // Removing a tag stops its polls, again without a reconnect.
    await manager.removeTags(id, ['First'])
    expect(manager.driver(id)).toBe(driver)
    const afterRemove = driver.counters().responses
    values.length = 0
    await until('polls after the removal', () => driver.counters().responses >= afterRemove + 3)
    expect(values.every((v) => v.tagId === `${id}:Second`)).toBe(true)
    expect(states.filter((s) => s !== 'connected')).toEqual([])
  }, 60_000)

  it('an edit of the endpoint still rebuilds the driver (and keeps its counters)', async () => {
    const { id } = await manager.add(
      connectionConfigSchema.parse({
        protocol: 'modbus-tcp',
        name: 'Live edit',
        host: '127.0.0.1',
        port: server.tcpPort,
        scanRateMs: 100,
        tags: [{ name: 'First', address: `hr:${marker.offset}`, dataType: 'uint16' }],
      }),
    )
    await manager.connect(id)
    const driver = modbusDriverOf(manager.driver(id))
    await until('a poll', () => driver.counters().responses >= 1)
    const config = manager.config(id)
    await manager.update(id, { ...config, timeoutMs: 1500 } as typeof config)
    const next = modbusDriverOf(manager.driver(id))
    expect(next).not.toBe(driver)
    expect(next.counters().responses).toBeGreaterThanOrEqual(1)
  }, 60_000)
})
