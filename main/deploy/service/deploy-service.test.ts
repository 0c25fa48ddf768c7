import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ConnectionConfig } from '../../../preload/contract'
import { modbus } from '../../connectors/modbus'
import type { Connector } from '../../connectors/connector'
import { openWorkbenchDb, type Database } from '../../connections/workbench-db'
import { WriteAuditLog } from '../../connections/writes/audit-log'
import { KeyFileSecretBox } from '../../secrets/secret-box'
import { startDemoPlant, type DemoPlant } from '../../simulator'
import { demoLineModbusConnection } from '../demo-line'
import { directSamplesOf } from '../direct-samples.fixture'
import { startMosquitto, type MosquittoPeer } from '../mosquitto-peer.fixture'
import { nodesOfTab } from '../node-red/flow-diff'
import { workbenchTabId } from '../node-red/gateway-flow'
import { DynsecClient } from '../mosquitto/dynsec-client'
import { NodeRedClient } from '../node-red/node-red-client'
import { startNodeRed, type NodeRedPeer } from '../node-red/node-red-peer.fixture'
import { DeployService } from './deploy-service'
import { DeployVersionsStore, migrateDeployTables } from './deploy-versions-store'

// Real parts: Node-RED 5 (admin login) with node-red-contrib-modbus, Debian's Mosquitto (one open, one whose ACL
// denies the gateway), the demo plant's Modbus server, the workbench's Modbus driver for the direct reads, SQLite.
let dir: string
let plant: DemoPlant
let nodeRed: NodeRedPeer
let broker: MosquittoPeer
let lockedBroker: MosquittoPeer
let connector: Connector
let line: ConnectionConfig
let db: Database
let service: DeployService
let audit: WriteAuditLog
const login = { username: 'admin', password: 'gateway-pass-2' }
const FEW = ['Line1.Filler.State', 'Line1.Filler.Speed', 'Line1.Capper.HeadTemperature', 'Line1.Labeler.GoodCount']
// Windows wide enough for a loaded 2-core CI box (the gateway and the workbench poll on their own clocks); a tag that never comes still fails.
const fast = { healthWindowMs: 1000, dataWindowMs: 15_000, skewMs: 5000 }

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'otw-deploy-service-'))
  plant = await startDemoPlant({ dataDir: dir, opcuaPort: 0, modbusPort: 0, mqttPort: 0 })
  ;[nodeRed, broker, lockedBroker] = await Promise.all([
    startNodeRed({ login }),
    startMosquitto(),
    startMosquitto({ users: { gateway: 'gw-pass', reader: 'rd-pass' }, acl: ['user gateway', 'topic write nothing/#', 'user reader', 'topic read #'] }),
  ])
  const full = demoLineModbusConnection(plant.endpoints.modbus, { scanRateMs: 500 })
  line = { ...full, tags: full.tags.filter((t) => FEW.includes(t.name)) } as ConnectionConfig
  connector = modbus.build('line1', line as Extract<ConnectionConfig, { protocol: 'modbus-tcp' }>)
  const direct = directSamplesOf(connector)
  await connector.connect()
  db = openWorkbenchDb(dir)
  audit = new WriteAuditLog(db)
  service = new DeployService({
    db,
    box: KeyFileSecretBox.inDataDir(dir),
    user: 'test-engineer',
    connection: (id) => (id === 'line1' ? { id, config: line } : undefined),
    isConnected: (id) => id === 'line1',
    direct,
    audit,
  })
}, 120_000)

afterAll(async () => {
  await connector?.disconnect()
  db?.close()
  await Promise.allSettled([nodeRed?.stop(), broker?.stop(), lockedBroker?.stop(), plant?.stop()])
  rmSync(dir, { recursive: true, force: true })
})

const targetInput = (brokerUrl: string, extra: Record<string, unknown> = {}) => ({
  name: 'Line 1 gateway',
  url: nodeRed.url,
  auth: { kind: 'password' as const, ...login },
  deviceId: 'gw-line1',
  topicStyle: 'uns' as const,
  namespace: { enterprise: 'Acme', site: 'Plant1', area: 'Packaging', line: 'Line1' },
  broker: { url: brokerUrl, ...extra },
})

describe('DeployService on real Node-RED, Mosquitto and the demo plant', () => {
  it('saves a target with sealed secrets that never come back', () => {
    const saved = service.saveTarget(targetInput(broker.url))
    expect(saved.auth).toEqual({ kind: 'password', username: 'admin', hasSecret: true })
    const stored = db.prepare<{ config_json: string; sealed_secrets: string }>('SELECT config_json, sealed_secrets FROM deploy_targets').get()!
    expect(stored.config_json).not.toContain(login.password)
    expect(stored.sealed_secrets).not.toContain(login.password)
    service.removeTarget(saved.id)
  })

  it('applies, verifies, records the version; a wrong address fails verification and rolls back by itself; rollback to v1 restores its flows', async () => {
    const target = service.saveTarget(targetInput(broker.url))
    const plan = await service.plan(target.id, { kind: 'connections', connectionIds: ['line1'] })
    expect(plan.diff.added).toBeGreaterThan(FEW.length * 2)
    expect(plan.warnings).toEqual([])
    const v1 = await service.apply(plan.planId, fast)
    expect(v1.verify?.message).toMatch(/^Verified/)
    expect(v1).toMatchObject({ version: 1, status: 'verified', user: 'test-engineer', kind: 'apply' })
    const client = new NodeRedClient({ url: nodeRed.url, auth: { kind: 'password', ...login } })
    const tabV1 = nodesOfTab((await client.getFlows()).flows, workbenchTabId(target.id))

    // One tag now points at a register the demo plant does not map: the gateway's read fails, the data never comes.
    const original = line
    line = { ...line, tags: line.tags.map((t) => (t.name === 'Line1.Filler.Speed' ? { ...t, address: 'ir:50' } : t)) } as ConnectionConfig
    try {
      const broken = await service.plan(target.id, { kind: 'connections', connectionIds: ['line1'] })
      expect(broken.diff.changed).toBe(1)
      expect(broken.diff.nodes[0]!.properties.map((p) => p.property)).toEqual(['adr'])
      const v2 = await service.apply(broken.planId, fast)
      expect(v2.status).toBe('rolled-back')
      expect(v2.rolledBackTo).toBe(3)
      expect(v2.verify?.ok).toBe(false)
      expect(v2.verify?.message).toMatch(/Line1\.Filler\.Speed/)
    } finally {
      line = original
    }
    expect(nodesOfTab((await client.getFlows()).flows, workbenchTabId(target.id))).toEqual(tabV1)
    const history = service.history(target.id)
    expect(
      history.map((v) => [v.version, v.kind, v.status]),
      JSON.stringify(history.map((v) => v.verify?.message)),
    ).toEqual([
      [3, 'rollback', 'verified'],
      [2, 'apply', 'rolled-back'],
      [1, 'apply', 'verified'],
    ])

    // Roll back to before the first deploy: our tab is gone, nothing else touched.
    const v4 = await service.rollback(target.id, 0)
    expect(v4.status).toBe('applied')
    expect(nodesOfTab((await client.getFlows()).flows, workbenchTabId(target.id))).toEqual([])
    const v5 = await service.rollback(target.id, 1, fast)
    expect(v5.status).toBe('verified')
    expect(nodesOfTab((await client.getFlows()).flows, workbenchTabId(target.id))).toEqual(tabV1)
    service.removeTarget(target.id)
  }, 120_000)

  it('a broker ACL that denies the gateway: the verification names the topics that never came', async () => {
    const target = service.saveTarget(
      targetInput(lockedBroker.url, { gatewayUsername: 'gateway', gatewayPassword: 'gw-pass', readerUsername: 'reader', readerPassword: 'rd-pass' }),
    )
    const plan = await service.plan(target.id, { kind: 'connections', connectionIds: ['line1'], tagIds: ['line1:Line1.Filler.State'] })
    const version = await service.apply(plan.planId, { ...fast, autoRollback: false })
    expect(version.status).toBe('failed')
    expect(version.verify?.failedStep).toBe('data check')
    expect(version.verify?.message).toContain('never came: umh.v1.Acme.Plant1.Packaging.Line1.Line1._raw.Line1.Filler.State')
    await service.rollback(target.id, 0)
    service.removeTarget(target.id)
  }, 60_000)

  it('broker step: plans the gateway security for the plan topics, refuses a broker changed since, applies exactly the plan, seals the logins the deploy then uses', async () => {
    const secured = await startMosquitto({ dynsec: { adminUser: 'dyn-admin', adminPassword: 'dyn-pass-1' } })
    try {
      const admin = { url: secured.url, adminUsername: 'dyn-admin', adminPassword: 'dyn-pass-1' }
      const target = service.saveTarget(targetInput(secured.url))
      const plan = await service.plan(target.id, {
        kind: 'connections',
        connectionIds: ['line1'],
        tagIds: ['line1:Line1.Filler.Speed', 'line1:Line1.Filler.State'],
      })
      await expect(service.brokerPlan(target.id, { ...admin, adminPassword: 'wrong' }, { planId: plan.planId })).rejects.toMatchObject({
        code: 'AUTH_FAILED',
        message: expect.stringContaining('the admin login was refused'),
      })
      const first = await service.brokerPlan(target.id, admin, { planId: plan.planId, bridge: true })
      expect(first.topics).toEqual(plan.tags.map((t) => t.topic).sort())
      expect(first.changes.map((c) => `${c.change} ${c.kind} ${c.name}`).sort()).toEqual([
        'added client otw-bridge-gw-line1',
        'added client otw-gateway-gw-line1',
        'added client otw-reader-gw-line1',
        'added role otw-bridge-gw-line1',
        'added role otw-gateway-gw-line1',
        'added role otw-reader-gw-line1',
      ])
      // Someone adds one of our roles between plan and apply: the apply refuses and changes nothing.
      const dynsec = await DynsecClient.connect({ url: secured.url, username: 'dyn-admin', password: 'dyn-pass-1' })
      await dynsec.run([{ command: 'createRole', rolename: 'otw-reader-gw-line1' }])
      await dynsec.close()
      await expect(service.brokerApply(first.brokerPlanId)).rejects.toMatchObject({
        code: 'CONFLICT',
        message: expect.stringContaining('changed since the plan'),
      })
      const second = await service.brokerPlan(target.id, admin, { planId: plan.planId, bridge: true })
      expect(second.changes.find((c) => c.name === 'otw-reader-gw-line1' && c.kind === 'role')?.change).toBe('changed')
      const applied = await service.brokerApply(second.brokerPlanId)
      expect(applied.readBack).toEqual([])
      expect(applied.passwords.map((p) => [p.username, p.sealed]).sort()).toEqual([
        ['otw-bridge-gw-line1', false],
        ['otw-gateway-gw-line1', true],
        ['otw-reader-gw-line1', true],
      ])
      expect(applied.bridgeConf).toContain('remote_username otw-bridge-gw-line1')
      await expect(service.brokerApply(second.brokerPlanId)).rejects.toMatchObject({ code: 'NOT_FOUND' })
      // Both attempts are in the audit log: who, the broker, what changed and the outcome; never a password.
      const entries = audit.list({ connectionId: `deploy:${target.id}` })
      expect(entries.map((e) => [e.user, e.tagId, e.address, e.result])).toEqual([
        ['test-engineer', 'broker security', secured.url, 'ok'],
        ['test-engineer', 'broker security', secured.url, 'refused'],
      ])
      expect(entries[0]!.newValue).toContain('added client otw-gateway-gw-line1')
      expect(entries[1]!.message).toContain('changed since the plan')
      for (const p of applied.passwords) expect(JSON.stringify(entries)).not.toContain(p.password)
      const saved = service.targets().find((t) => t.id === target.id)!
      expect(saved.broker).toMatchObject({
        gatewayUsername: 'otw-gateway-gw-line1',
        hasGatewayPassword: true,
        readerUsername: 'otw-reader-gw-line1',
        hasReaderPassword: true,
      })
      expect((await service.brokerPlan(target.id, admin, { planId: plan.planId, bridge: true })).changes).toEqual([])
      // The deploy logs in as the sealed gateway client; the data check reads as the sealed reader.
      const version = await service.apply(plan.planId, fast)
      expect(version.status).toBe('verified')
      await service.rollback(target.id, 0)
      service.removeTarget(target.id)
    } finally {
      await secured.stop()
    }
  }, 90_000)

  it('refuses a flow file that reuses node ids of other flows on the gateway', async () => {
    const target = service.saveTarget(targetInput(broker.url))
    const admin = new NodeRedClient({ url: nodeRed.url, auth: { kind: 'password', ...login } })
    const { rev, flows } = await admin.getFlows()
    await admin.setFlows(rev, [
      ...flows,
      { id: 'their-tab', type: 'tab', label: 'Their flow' },
      { id: 'their-inject', type: 'inject', z: 'their-tab', wires: [] },
    ])
    try {
      const file = JSON.stringify([{ id: 'their-inject', type: 'inject', wires: [] }])
      await expect(service.plan(target.id, { kind: 'flow', json: file })).rejects.toMatchObject({
        code: 'INVALID_INPUT',
        message: expect.stringContaining('the flow file reuses 1 node id(s) of other flows on the gateway (inject their-inject on "Their flow")'),
      })
    } finally {
      const now = await admin.getFlows()
      await admin.setFlows(
        now.rev,
        now.flows.filter((n) => n.id !== 'their-tab' && n.z !== 'their-tab'),
      )
      service.removeTarget(target.id)
    }
  })

  it('refuses a broken flow file with what is wrong and what to do, and deploys a good one', async () => {
    const target = service.saveTarget(targetInput(broker.url))
    await expect(service.plan(target.id, { kind: 'flow', json: '[{"id":"a","type":"inject","wires":[["b"]]}]' })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining('node a is wired to b, which is not in the file — export the flow again'),
    })
    await expect(service.plan(target.id, { kind: 'flow', json: '{not json' })).rejects.toMatchObject({ message: expect.stringContaining('not JSON') })
    const file = JSON.stringify([
      { id: 'ft', type: 'tab', label: 'mine' },
      { id: 'fi', type: 'inject', z: 'ft', name: 'tick', repeat: '', once: false, wires: [['fd']] },
      { id: 'fd', type: 'debug', z: 'ft', name: 'out', active: false, wires: [] },
    ])
    const plan = await service.plan(target.id, { kind: 'flow', json: file })
    expect(plan.diff.added).toBe(3)
    const version = await service.apply(plan.planId, fast)
    expect(version.status).toBe('verified')
    await service.rollback(target.id, 0)
    service.removeTarget(target.id)
  }, 60_000)

  it('a gateway whose admin API needs no login: the plan warns, and the deploy works without credentials', async () => {
    const open = await startNodeRed()
    try {
      const target = service.saveTarget({ ...targetInput(broker.url), url: open.url, auth: { kind: 'none' } })
      const plan = await service.plan(target.id, { kind: 'connections', connectionIds: ['line1'], tagIds: ['line1:Line1.Filler.State'] })
      expect(plan.warnings[0]).toContain(`The admin API of ${open.url} needs no login: anyone who reaches it can change the gateway's flows`)
      expect((await service.apply(plan.planId, fast)).status).toBe('verified')
      service.removeTarget(target.id)
    } finally {
      await open.stop()
    }
  }, 60_000)

  it('a gateway stopped between plan and apply: the apply says it is unreachable and records no version', async () => {
    const doomed = await startNodeRed({ login })
    const target = service.saveTarget({ ...targetInput(broker.url), url: doomed.url })
    const plan = await service.plan(target.id, { kind: 'connections', connectionIds: ['line1'] })
    await doomed.stop()
    await expect(service.apply(plan.planId, fast)).rejects.toMatchObject({
      code: 'CONNECTION_FAILED',
      message: expect.stringMatching(/unreachable \(connection refused\) — check that Node-RED is running/),
    })
    expect(service.history(target.id)).toEqual([])
    service.removeTarget(target.id)
  }, 60_000)

  it('a stopped gateway: the plan says it is unreachable and what to check', async () => {
    const target = service.saveTarget({ ...targetInput(broker.url), url: 'http://127.0.0.1:1' })
    await expect(service.plan(target.id, { kind: 'connections', connectionIds: ['line1'] })).rejects.toMatchObject({
      code: 'CONNECTION_FAILED',
      message: expect.stringMatching(/Node-RED http:\/\/127\.0\.0\.1:1 \(sign in\): unreachable .* check that Node-RED is running/),
    })
    service.removeTarget(target.id)
  })
})

describe('deploy tables migration', () => {
  it('goes up and down on workbench.db beside the connection tables', () => {
    const local = mkdtempSync(join(tmpdir(), 'otw-deploy-migrate-'))
    const wb = openWorkbenchDb(local)
    try {
      new DeployVersionsStore(wb, KeyFileSecretBox.inDataDir(local))
      expect(migrateDeployTables(wb, 0)).toBe(0)
      expect(wb.prepare("SELECT name FROM sqlite_master WHERE name LIKE 'deploy_%' AND type = 'table' AND name != 'deploy_schema_version'").all()).toEqual([])
      expect(migrateDeployTables(wb)).toBe(1)
      expect(wb.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name IN ('deploy_targets', 'deploy_versions')").get()).toEqual({ n: 2 })
    } finally {
      wb.close()
      rmSync(local, { recursive: true, force: true })
    }
  })
})
