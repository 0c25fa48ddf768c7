import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connectionConfigSchema, type ConnectionConfig, type ModbusTagConfig } from '../../../preload/contract'
import { openConnectivity, type Connectivity } from '..'
import { ConnectionManager } from '../connection-manager'
import { KeyFileSecretBox } from '../../secrets/secret-box'
import { openWorkbenchDb, type Database } from '../workbench-db'
import { modbusDriverOf } from '../../connectors/modbus'
import type { Connector } from '../../connectors/connector'
import { REGISTER_MAP, startPymodbusServer, type PymodbusServer } from '../../connectors/modbus/fixtures/pymodbus-server'
import { WriteAuditLog } from './audit-log'
import { WriteGuard } from './write-guard'

// A confirmed write binds to the addressing the person was shown (pymodbus, writable hr 1000..1019 on units 1, 2, 7).
const FIRST = REGISTER_MAP.writable.offset
const MOVED = FIRST + 10

let server: PymodbusServer
const dirs: string[] = []
beforeAll(async () => {
  server = await startPymodbusServer()
}, 30_000)
afterAll(async () => {
  await server?.stop()
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

const setpoint = (changes: Partial<ModbusTagConfig> = {}): ModbusTagConfig => ({
  name: 'Setpoint',
  address: `hr:${FIRST}`,
  dataType: 'uint16',
  byteOrder: 'ABCD',
  access: 'read-write',
  ...changes,
})

async function addPlc(manager: ConnectionManager, name: string): Promise<string> {
  const detail = await manager.add(
    connectionConfigSchema.parse({
      protocol: 'modbus-tcp',
      name,
      host: '127.0.0.1',
      port: server.tcpPort,
      tags: [setpoint(), { name: 'Moved', address: `hr:${MOVED}`, dataType: 'uint16' }],
    }),
    true,
  )
  return detail.id
}

const readRegister = async (manager: ConnectionManager, id: string, name: string) =>
  (await modbusDriverOf(manager.driver(id)).read([`${id}:${name}`]))[0]!.value

describe('a confirmation binds to what was shown', () => {
  let app: Connectivity
  const connectors = new Map<string, Connector>()
  beforeAll(() => {
    const dataDir = mkdtempSync(join(tmpdir(), 'otw-write-binding-'))
    dirs.push(dataDir)
    app = openConnectivity({
      dataDir,
      user: 'tester',
      register: (c) => connectors.set(c.id, c),
      unregister: (id) => connectors.delete(id),
      connector: (id) => connectors.get(id),
    })
  })
  afterAll(async () => {
    await app?.close()
  })

  it('moving the tag to another register after prepare cancels the write: the new register keeps its value, the audit says why', async () => {
    const { manager, guard, audit } = app
    const id = await addPlc(manager, 'Moved PLC')
    const tagId = `${id}:Setpoint`
    guard.arm(id)
    await guard.commit((await guard.prepare(tagId, 300)).id)

    const prepared = await guard.prepare(tagId, 305)
    expect(prepared).toMatchObject({ ok: true, oldValue: 300, address: `unit 1 hr:${FIRST} (4${FIRST + 1})` })
    await manager.updateTag(id, 'Setpoint', setpoint({ address: `hr:${MOVED}` }))
    await expect(guard.commit(prepared.id)).rejects.toMatchObject({
      code: 'WRITE_REFUSED',
      message: expect.stringContaining(`was cancelled before it was confirmed (tag "Setpoint" of connection "Moved PLC" was edited) — nothing was sent`),
    })
    expect(await readRegister(manager, id, 'Moved')).toBe(0)
    expect(await readRegister(manager, id, 'Setpoint')).toBe(0)

    const [refusedCommit, cancellation] = audit.list({ connectionId: id, limit: 2 })
    expect(cancellation).toMatchObject({
      result: 'cancelled',
      tagId,
      address: `unit 1 hr:${FIRST} (4${FIRST + 1})`,
      oldValue: '300',
      newValue: '305',
      message: 'cancelled before it was confirmed: tag "Setpoint" of connection "Moved PLC" was edited',
    })
    expect(refusedCommit).toMatchObject({ result: 'refused', tagId, newValue: '305' })
  }, 30_000)

  it('connections.update, a tag removal, disconnect and removal each cancel the pending writes of that connection, audited', async () => {
    const { manager, guard, audit } = app
    const id = await addPlc(manager, 'Changing PLC')
    const tagId = `${id}:Setpoint`
    const prepareArmed = async (value: number) => {
      if (guard.armedUntil(id) === null) guard.arm(id)
      return guard.prepare(tagId, value)
    }
    const expectCancelled = async (preparedId: string, reason: string) => {
      await expect(guard.commit(preparedId)).rejects.toMatchObject({ code: 'WRITE_REFUSED', message: expect.stringContaining(reason) })
      expect(audit.list({ connectionId: id, limit: 2 })[1]).toMatchObject({ result: 'cancelled', message: expect.stringContaining(reason) })
    }

    let prepared = await prepareArmed(11)
    await manager.update(id, { ...manager.config(id), name: 'Changing PLC', scanRateMs: 500 } as ConnectionConfig)
    await expectCancelled(prepared.id, 'connection "Changing PLC" was edited')

    prepared = await prepareArmed(12)
    await manager.removeTags(id, ['Moved'])
    await expectCancelled(prepared.id, 'tag "Moved" was removed from connection "Changing PLC"')

    prepared = await prepareArmed(13)
    await manager.disconnect(id)
    await expectCancelled(prepared.id, 'connection "Changing PLC" was disconnected')

    await manager.connect(id)
    prepared = await prepareArmed(14)
    await manager.remove(id)
    await expect(guard.commit(prepared.id)).rejects.toMatchObject({ code: 'WRITE_REFUSED', message: expect.stringContaining('was removed') })
    expect(audit.list({ connectionId: id }).filter((r) => r.result === 'ok')).toHaveLength(0)
  }, 30_000)
})

describe('commit compares the addressing even when nobody said the tag changed', () => {
  let db: Database
  let manager: ConnectionManager
  let guard: WriteGuard
  let clock = 1_700_000_000_000
  const connectors = new Map<string, Connector>()
  beforeAll(() => {
    const dataDir = mkdtempSync(join(tmpdir(), 'otw-write-fingerprint-'))
    dirs.push(dataDir)
    db = openWorkbenchDb(dataDir)
    // No onChanged: the manager does not tell the guard, so only the commit-time comparison stands between.
    manager = new ConnectionManager({
      db,
      box: KeyFileSecretBox.inDataDir(dataDir),
      dataDir,
      register: (c) => connectors.set(c.id, c),
      unregister: () => undefined,
    })
    guard = new WriteGuard({ audit: new WriteAuditLog(db), connector: (id) => connectors.get(id), user: 'tester', now: () => clock })
  })
  afterAll(async () => {
    guard?.close()
    await manager?.close()
    db?.close()
  })

  it.each([
    ['another register', setpoint({ address: `hr:${MOVED}` }), `now unit 1 hr:${MOVED} (4${MOVED + 1})`],
    ['another unit id', setpoint({ unitId: 2 }), `now unit 2 hr:${FIRST}`],
    ['another byte order', setpoint({ dataType: 'int32', byteOrder: 'CDAB' }), 'with another type, byte order or scaling'],
    ['a scaling', setpoint({ scaling: { rawLow: 0, rawHigh: 1000, engLow: 0, engHigh: 100 } }), 'with another type, byte order or scaling'],
  ])(
    'refuses when the tag moved to %s and sends nothing',
    async (_what, changed, says) => {
      const id = await addPlc(manager, `Fingerprint ${_what}`)
      guard.arm(id)
      const prepared = await guard.prepare(`${id}:Setpoint`, 77)
      expect(prepared.ok).toBe(true)
      await manager.updateTag(id, 'Setpoint', changed)
      await expect(guard.commit(prepared.id)).rejects.toMatchObject({
        code: 'WRITE_REFUSED',
        message: expect.stringMatching(
          new RegExp(
            `Setpoint changed after the write was prepared \\(confirmed for unit 1 hr:${FIRST} \\(4${FIRST + 1}\\), .*${says.replace(/[()]/g, '\\$&')}`,
          ),
        ),
      })
      const after = (await modbusDriverOf(manager.driver(id)).read([`${id}:Setpoint`]))[0]!.value
      expect(after).not.toBe(77)
    },
    30_000,
  )

  it('prepared writes dropped because arming ran out are audited as cancelled', async () => {
    const id = await addPlc(manager, 'Expiring PLC')
    guard.arm(id, 1)
    const prepared = await guard.prepare(`${id}:Setpoint`, 42)
    clock += 60_001
    expect(guard.armedList().find((s) => s.connectionId === id)).toBeUndefined()
    const audit = new WriteAuditLog(db)
    expect(audit.list({ connectionId: id, limit: 1 })[0]).toMatchObject({
      result: 'cancelled',
      newValue: '42',
      address: `unit 1 hr:${FIRST} (4${FIRST + 1})`,
      message: 'cancelled before it was confirmed: arming ran out',
    })
    await expect(guard.commit(prepared.id)).rejects.toMatchObject({ code: 'WRITE_REFUSED', message: expect.stringContaining('arming ran out') })
  }, 30_000)
})
