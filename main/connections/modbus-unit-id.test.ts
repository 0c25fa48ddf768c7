import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connectionConfigSchema } from '../../preload/contract'
import { modbusDriverOf } from '../connectors/modbus'
import { REGISTER_MAP, startPymodbusServer, type PymodbusServer } from '../connectors/modbus/fixtures/pymodbus-server'
import { ConnectionManager } from './connection-manager'
import { KeyFileSecretBox } from '../secrets/secret-box'
import { openWorkbenchDb, type Database } from './workbench-db'

let server: PymodbusServer
let dataDir: string
let db: Database
let manager: ConnectionManager
const marker = REGISTER_MAP.unitMarkers
const writable = REGISTER_MAP.writable.offset

beforeAll(async () => {
  server = await startPymodbusServer()
  dataDir = mkdtempSync(join(tmpdir(), 'otw-unit-id-'))
  db = openWorkbenchDb(dataDir)
  manager = new ConnectionManager({ db, box: KeyFileSecretBox.inDataDir(dataDir), dataDir, register: () => undefined, unregister: () => undefined })
}, 30_000)

afterAll(async () => {
  await manager?.close()
  db?.close()
  await server?.stop()
  rmSync(dataDir, { recursive: true, force: true })
})

describe('Modbus tags carry their own unit id (pymodbus with a different value on each unit)', () => {
  it('tags added from a scan of unit 2 read and write unit 2 on a unit-1 connection; the tag edit moves a tag to another unit', async () => {
    const { id } = await manager.add(
      connectionConfigSchema.parse({
        protocol: 'modbus-tcp',
        name: 'Gateway',
        host: '127.0.0.1',
        port: server.tcpPort,
        unitId: 1,
        tags: [{ name: 'MarkerDefault', address: `hr:${marker.offset}`, dataType: 'uint16' }],
      }),
    )
    // What "Add as tags" sends after a register scan of unit 2.
    const detail = await manager.addTags(id, [
      { name: 'MarkerUnit2', address: `hr:${marker.offset}`, unitId: 2, dataType: 'uint16', byteOrder: 'ABCD', access: 'read' },
      { name: 'SetpointUnit2', address: `hr:${writable}`, unitId: 2, dataType: 'uint16', byteOrder: 'ABCD', access: 'read-write' },
      { name: 'SetpointUnit1', address: `hr:${writable}`, dataType: 'uint16', byteOrder: 'ABCD', access: 'read' },
    ])
    expect(detail.tags.map((t) => [t.name, t.unitId])).toEqual([
      ['MarkerDefault', 1],
      ['MarkerUnit2', 2],
      ['SetpointUnit2', 2],
      ['SetpointUnit1', 1],
    ])
    await manager.connect(id)
    // Editing tags swaps the driver, so each read asks for the current one.
    const read = async (...names: string[]) => (await modbusDriverOf(manager.driver(id)).read(names.map((n) => `${id}:${n}`))).map((v) => v.value)
    expect(await read('MarkerDefault', 'MarkerUnit2')).toEqual([marker.values['1'], marker.values['2']])

    await modbusDriverOf(manager.driver(id)).write(`${id}:SetpointUnit2`, 4321)
    expect(await read('SetpointUnit2', 'SetpointUnit1')).toEqual([4321, 0])

    const moved = await manager.updateTag(id, 'MarkerUnit2', {
      name: 'MarkerUnit7',
      address: `hr:${marker.offset}`,
      unitId: 7,
      dataType: 'uint16',
      byteOrder: 'ABCD',
      access: 'read',
    })
    expect(moved.tags.find((t) => t.name === 'MarkerUnit7')?.unitId).toBe(7)
    expect(await read('MarkerUnit7')).toEqual([marker.values['7']])
    expect(manager.config(id).tags.find((t) => t.name === 'MarkerUnit7')).toMatchObject({ unitId: 7 })
  }, 30_000)

  it("refuses a tag edit that names a missing tag, takes another tag's name, or does not fit the protocol", async () => {
    const { id } = await manager.add(
      connectionConfigSchema.parse({
        protocol: 'modbus-tcp',
        name: 'Edit checks',
        host: '127.0.0.1',
        port: server.tcpPort,
        tags: [
          { name: 'A', address: 'hr:0', dataType: 'uint16' },
          { name: 'B', address: 'hr:1', dataType: 'uint16' },
        ],
      }),
    )
    const tag = { name: 'A', address: 'hr:0', dataType: 'uint16', byteOrder: 'ABCD', access: 'read' } as const
    await expect(manager.updateTag(id, 'Nope', tag)).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('no tag "Nope"') })
    await expect(manager.updateTag(id, 'A', { ...tag, name: 'B' })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining('already has a tag named "B"'),
    })
    await expect(manager.updateTag(id, 'A', { name: 'A', nodeId: 'ns=1;s=X' })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining('a modbus-tcp connection needs a modbus-tcp tag'),
    })
  })
})
