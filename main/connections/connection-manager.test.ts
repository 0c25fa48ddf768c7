import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { connectionConfigSchema, type ConnectionConfigInput } from '../../preload/contract'
import type { Connector } from '../connectors/connector'
import { ConnectionManager } from './connection-manager'
import { KeyFileSecretBox } from '../secrets/secret-box'
import { migrateWorkbenchDb, openWorkbenchDb, workbenchDbVersion, type Database } from './workbench-db'

const dirs: string[] = []
const dbs: Database[] = []
afterEach(() => {
  for (const db of dbs.splice(0)) if (db.open) db.close()
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

function open(dataDir: string) {
  const db = openWorkbenchDb(dataDir)
  dbs.push(db)
  const registered = new Map<string, Connector>()
  const manager = new ConnectionManager({
    db,
    box: KeyFileSecretBox.inDataDir(dataDir),
    dataDir,
    register: (c) => registered.set(c.id, c),
    unregister: (id) => registered.delete(id),
  })
  manager.load()
  return { db, manager, registered }
}

const config = (input: ConnectionConfigInput) => connectionConfigSchema.parse(input)
const PASSWORD = 'hunter2-very-secret-Pa55'

describe('ConnectionManager', () => {
  it('persists connections of every protocol and reloads them, with tags', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'otw-conn-'))
    dirs.push(dataDir)
    const first = open(dataDir)
    const plc = await first.manager.add(
      config({ protocol: 'modbus-tcp', name: 'Filler PLC', host: '127.0.0.1', port: 1502, tags: [{ name: 'Speed', address: '40005', dataType: 'uint16' }] }),
    )
    expect(plc.id).toBe('filler-plc')
    expect(plc.tags.map((t) => [t.id, t.address])).toEqual([['filler-plc:Speed', 'hr:4']])
    await first.manager.add(config({ protocol: 'modbus-rtu', name: 'Drive', serialPath: '/dev/ttyUSB0', baudRate: 19200, parity: 'even' }))
    await first.manager.add(config({ protocol: 'opcua', name: 'Line server', endpointUrl: 'opc.tcp://127.0.0.1:4841' }))
    await first.manager.add(config({ protocol: 'mqtt', name: 'Broker', url: 'mqtt://127.0.0.1:1884', tags: [{ name: 'T', topic: 'a/b', jsonPath: 'temp' }] }))
    const again = await first.manager.add(config({ protocol: 'opcua', name: 'Line server', endpointUrl: 'opc.tcp://127.0.0.1:4842' }))
    expect(again.id).toBe('line-server-2')
    await first.manager.removeTags('filler-plc', ['Speed'])
    await first.manager.addTags('filler-plc', [{ name: 'Setpoint', address: 'hr:4', dataType: 'uint16', byteOrder: 'ABCD', access: 'read-write' }])
    await first.manager.remove('line-server-2')
    expect([...first.registered.keys()]).toEqual(['filler-plc', 'drive', 'line-server', 'broker'])
    first.db.close()

    const second = open(dataDir)
    expect(second.manager.ids()).toEqual(['filler-plc', 'drive', 'line-server', 'broker'])
    expect(second.manager.config('drive')).toMatchObject({ protocol: 'modbus-rtu', baudRate: 19200, parity: 'even' })
    expect(second.manager.detail('filler-plc').tags.map((t) => [t.name, t.access])).toEqual([['Setpoint', 'read-write']])
    expect(second.registered.get('broker')?.tags()[0]?.address).toBe('a/b#temp')
  })

  it('keeps passwords sealed: not in the db file, back after reload, kept when an update leaves them out', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'otw-conn-'))
    dirs.push(dataDir)
    const first = open(dataDir)
    await first.manager.add(
      config({
        protocol: 'opcua',
        name: 'Secure',
        endpointUrl: 'opc.tcp://127.0.0.1:4841',
        identity: { kind: 'username', username: 'operator', password: PASSWORD },
      }),
    )
    const mqtt = await first.manager.add(config({ protocol: 'mqtt', name: 'Broker', url: 'mqtt://127.0.0.1:1884', username: 'u', password: PASSWORD }))
    expect(JSON.stringify(mqtt)).not.toContain(PASSWORD)
    expect(mqtt.hasSecrets).toBe(true)
    await first.manager.update('broker', config({ protocol: 'mqtt', name: 'Broker', url: 'mqtt://127.0.0.1:1885', username: 'u' }))
    first.db.pragma('wal_checkpoint(TRUNCATE)')
    first.db.close()

    for (const file of ['workbench.db', 'workbench.db-wal']) {
      let bytes: Buffer
      try {
        bytes = readFileSync(join(dataDir, file))
      } catch {
        continue
      }
      expect(bytes.includes(Buffer.from(PASSWORD))).toBe(false)
      expect(bytes.includes(Buffer.from('operator'))).toBe(true)
    }
    expect(statSync(join(dataDir, 'secret.key')).mode & 0o777).toBe(0o600)

    const second = open(dataDir)
    expect(second.manager.config('secure')).toMatchObject({ identity: { kind: 'username', username: 'operator', password: PASSWORD } })
    expect(second.manager.config('broker')).toMatchObject({ url: 'mqtt://127.0.0.1:1885', password: PASSWORD })
  })

  it('rejects a bad Modbus address before saving anything, and migrates down and up', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'otw-conn-'))
    dirs.push(dataDir)
    const { manager, db } = open(dataDir)
    await expect(
      manager.add(config({ protocol: 'modbus-tcp', name: 'Bad', host: 'h', tags: [{ name: 'X', address: '99', dataType: 'uint16' }] })),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT' })
    expect(manager.ids()).toEqual([])
    expect(migrateWorkbenchDb(db, 0)).toBe(0)
    expect(migrateWorkbenchDb(db)).toBe(workbenchDbVersion(db))
    expect(workbenchDbVersion(db)).toBe(4)
  })
})
