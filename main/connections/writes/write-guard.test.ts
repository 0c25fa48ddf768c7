import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connectionConfigSchema } from '../../../preload/contract'
import { ConnectionManager } from '../connection-manager'
import { KeyFileSecretBox } from '../../secrets/secret-box'
import { openWorkbenchDb, type Database } from '../workbench-db'
import type { Connector } from '../../connectors/connector'
import { startDemoPlant, type DemoPlant } from '../../simulator'
import { WriteAuditLog } from './audit-log'
import { WriteGuard } from './write-guard'

let dataDir: string
let plant: DemoPlant
let db: Database
let manager: ConnectionManager
let guard: WriteGuard
let audit: WriteAuditLog
let clock = 1_700_000_000_000
const connectors = new Map<string, Connector>()

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'otw-writes-'))
  plant = await startDemoPlant({ dataDir, opcuaPort: 0, modbusPort: 0, mqttPort: 0 })
  db = openWorkbenchDb(dataDir)
  audit = new WriteAuditLog(db)
  manager = new ConnectionManager({
    db,
    box: KeyFileSecretBox.inDataDir(dataDir),
    dataDir,
    register: (c) => connectors.set(c.id, c),
    unregister: (id) => connectors.delete(id),
  })
  guard = new WriteGuard({ audit, connector: (id) => connectors.get(id), user: 'tester', now: () => clock })
}, 60_000)

afterAll(async () => {
  guard?.close()
  await manager?.close()
  db?.close()
  await plant?.stop()
  rmSync(dataDir, { recursive: true, force: true })
})

describe('WriteGuard against the demo plant', () => {
  it('Modbus: refuses while disarmed, checks type and range, writes when armed, disarms when the time runs out, audits all', async () => {
    const { host, port, unitId } = plant.endpoints.modbus
    await manager.add(
      connectionConfigSchema.parse({
        protocol: 'modbus-tcp',
        name: 'Filler',
        host,
        port,
        unitId,
        tags: [
          { name: 'SpeedSetpoint', address: '40005', dataType: 'uint16', access: 'read-write', range: { low: 60, high: 400 }, unit: 'bpm' },
          { name: 'Speed', address: 'hr:0', dataType: 'uint16' },
        ],
      }),
      true,
    )
    const tagId = 'filler:SpeedSetpoint'

    await expect(guard.prepare(tagId, 200)).rejects.toMatchObject({ code: 'WRITE_REFUSED', message: expect.stringContaining('Arm writes') })

    expect(guard.arm('filler').armedUntil).toBe(clock + 5 * 60_000)
    const outOfRange = await guard.prepare(tagId, 1000)
    expect(outOfRange.ok).toBe(false)
    expect(outOfRange.checks.find((c) => c.name === 'range')).toMatchObject({ ok: false })
    expect((await guard.prepare(tagId, 12.5)).checks.find((c) => c.name === 'type')).toMatchObject({ ok: false })
    expect((await guard.prepare('filler:Speed', 100)).checks.find((c) => c.name === 'access')).toMatchObject({ ok: false })
    await expect(guard.commit(outOfRange.id)).rejects.toMatchObject({ code: 'NOT_FOUND' })

    const prepared = await guard.prepare(tagId, 222)
    expect(prepared).toMatchObject({ ok: true, newValue: 222, tag: { id: tagId } })
    expect(typeof prepared.oldValue).toBe('number')
    const result = await guard.commit(prepared.id)
    expect(result).toMatchObject({ newValue: 222, readBack: 222, oldValue: prepared.oldValue })

    const late = await guard.prepare(tagId, 230)
    clock += 5 * 60_000 + 1
    expect(guard.armedUntil('filler')).toBeNull()
    await expect(guard.commit(late.id)).rejects.toMatchObject({ code: 'WRITE_REFUSED' })
    await expect(guard.prepare(tagId, 230)).rejects.toMatchObject({ code: 'WRITE_REFUSED' })

    const rows = audit.list({ connectionId: 'filler' })
    expect(rows.map((r) => r.result)).toEqual(['refused', 'refused', 'cancelled', 'ok', 'refused', 'refused', 'refused', 'refused'])
    expect(rows[2]).toMatchObject({ newValue: '230', message: expect.stringContaining('arming ran out') })
    expect(rows.find((r) => r.result === 'ok')).toMatchObject({
      user: 'tester',
      tagId,
      newValue: '222',
      oldValue: String(prepared.oldValue),
      connectionName: 'Filler',
    })
  }, 30_000)

  it('OPC UA: browse to SpeedSetpoint, add it as a tag (range and access read from the server), write it', async () => {
    const detail = await manager.add(connectionConfigSchema.parse({ protocol: 'opcua', name: 'Line OPC', endpointUrl: plant.endpoints.opcua }))
    const top = await manager.browse(detail.id)
    expect(top.map((n) => n.displayName)).toContain('Acme')
    const filler = await manager.browse(detail.id, 'ns=1;s=Line1.Filler')
    const node = filler.find((n) => n.browseName.endsWith('SpeedSetpoint'))!
    expect(node.nodeClass).toBe('Variable')
    const withTag = await manager.addTags(detail.id, [{ name: 'SpeedSetpoint', nodeId: node.nodeId }])
    expect(withTag.tags[0]).toMatchObject({ access: 'read-write', dataType: 'Double', range: { low: expect.any(Number), high: expect.any(Number) } })
    await manager.connect(detail.id)
    guard.arm(detail.id, 1)
    const prepared = await guard.prepare('line-opc:SpeedSetpoint', 250)
    expect(prepared.ok).toBe(true)
    const result = await guard.commit(prepared.id)
    expect(result.readBack).toBe(250)
    expect(audit.list({ connectionId: 'line-opc', limit: 1 })[0]).toMatchObject({ result: 'ok', newValue: '250' })
  }, 60_000)
})
