import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import mqttClient from 'mqtt'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connectionConfigSchema, type ConnectionConfig } from '../../../preload/contract'
import type { Connector } from '../../connectors/connector'
import { mqtt } from '../../connectors/mqtt'
import { s7 } from '../../connectors/s7'
import { startSnap7Peer, type Snap7Peer } from '../../connectors/s7/snap7-peer.fixture'
import { openWorkbenchDb, type Database } from '../../connections/workbench-db'
import { KeyFileSecretBox } from '../../secrets/secret-box'
import type { DirectSamples } from '../data-check'
import { directSamplesOf } from '../direct-samples.fixture'
import { startMosquitto, type MosquittoPeer } from '../mosquitto-peer.fixture'
import { nodesOfTab } from '../node-red/flow-diff'
import { S7_MODULE, workbenchTabId } from '../node-red/gateway-flow'
import { NodeRedClient } from '../node-red/node-red-client'
import { startNodeRed, type NodeRedPeer } from '../node-red/node-red-peer.fixture'
import { DeployService } from './deploy-service'

// Real parts: Snap7's S7 server (node-snap7, `npm run peer:s7`), Node-RED 5 started WITHOUT node-red-contrib-s7 (the
// deploy installs it through Node-RED's own POST /nodes, which runs npm against the registry or the npm cache),
// Debian's Mosquitto (the gateway's broker, and the source broker of the MQTT-sourced tags), the workbench's S7 and MQTT
// drivers for the direct reads, SQLite.
let dir: string
let peer: Snap7Peer
let nodeRed: NodeRedPeer
let broker: MosquittoPeer
let db: Database
let service: DeployService
const connectors = new Map<string, Connector>()
const configs = new Map<string, ConnectionConfig>()
const login = { username: 'admin', password: 'gateway-pass-7' }
// Windows wide enough for a loaded 2-core CI box; a tag that never comes or disagrees still fails.
const windows = { healthWindowMs: 1000, dataWindowMs: 20_000, skewMs: 5000 }
let publisher: mqttClient.MqttClient | undefined
let ticker: NodeJS.Timeout | undefined

/** The direct reads of every connector, as the app's live bus gives them to the deploy service. */
const samples = new Map<string, DirectSamples>()
const direct: DirectSamples = {
  watch: (tagIds, onSample) => {
    const stops = [...samples.values()].map((d) => d.watch(tagIds, onSample))
    return () => stops.forEach((stop) => stop())
  },
  last: (tagIds) => [...samples.values()].flatMap((d) => d.last(tagIds)),
}

async function addConnection(id: string, input: unknown): Promise<void> {
  const config = connectionConfigSchema.parse(input)
  configs.set(id, config)
  const connector = config.protocol === 's7' ? s7.build(id, config) : config.protocol === 'mqtt' ? mqtt.build(id, config) : undefined
  if (!connector) throw new Error(`no driver for ${config.protocol}`)
  samples.set(id, directSamplesOf(connector))
  connectors.set(id, connector)
  await connector.connect()
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'otw-deploy-s7-'))
  const db1 = Buffer.alloc(64)
  db1.writeFloatBE(21.5, 0)
  db1.writeInt16BE(-7, 4)
  db1[6] = 0b0000_0100
  db1.writeInt32BE(123_456, 8)
  db1[12] = 20
  db1[13] = 5
  db1.write('Press', 14, 'latin1')
  const merkers = Buffer.alloc(256)
  merkers.writeUInt16BE(4242, 20)
  ;[peer, nodeRed, broker] = await Promise.all([startSnap7Peer({ dbs: { 1: db1 }, merkers }), startNodeRed({ login, modules: [] }), startMosquitto()])
  await addConnection('press4', {
    protocol: 's7',
    name: 'Press4',
    host: '127.0.0.1',
    port: peer.port,
    rack: 0,
    slot: 1,
    scanRateMs: 500,
    tags: [
      { name: 'Temperature', address: 'DB1.DBD0', dataType: 'REAL', unit: '°C', range: { low: 0, high: 100 } },
      { name: 'Offset', address: 'DB1.DBW4', dataType: 'INT' },
      { name: 'Running', address: 'DB1.DBX6.2', dataType: 'BOOL' },
      { name: 'Strokes', address: 'DB1,DINT8' },
      { name: 'Recipe', address: 'DB1.DBB12', dataType: 'STRING[20]' },
      { name: 'Setpoint', address: 'MW20' },
      { name: 'Precise', address: 'DB1.DBB40', dataType: 'LREAL' },
    ],
  })
  // A device that publishes JSON to the broker; the gateway forwards two fields of it and a plain-number topic.
  publisher = await mqttClient.connectAsync(broker.url, { reconnectPeriod: 0 })
  let n = 0
  const publish = (): void => {
    n += 1
    void publisher?.publishAsync('plant/press4/drive', JSON.stringify({ speed: { value: 100 + (n % 5) }, state: n % 2 === 0 ? 'run' : 'idle' }))
    void publisher?.publishAsync('plant/press4/pressure', String(3.5 + (n % 3) / 10))
  }
  publish()
  ticker = setInterval(publish, 700)
  await addConnection('drive', {
    protocol: 'mqtt',
    name: 'Drive',
    url: broker.url,
    tags: [
      { name: 'Speed', topic: 'plant/press4/drive', jsonPath: '$.speed.value', dataType: 'Double' },
      { name: 'State', topic: 'plant/press4/drive', jsonPath: '$.state', dataType: 'String' },
      { name: 'Pressure', topic: 'plant/press4/pressure', dataType: 'Double', unit: 'bar' },
      { name: 'Everything', topic: 'plant/#' },
    ],
  })
  db = openWorkbenchDb(dir)
  service = new DeployService({
    db,
    box: KeyFileSecretBox.inDataDir(dir),
    user: 'test-engineer',
    connection: (id) => (configs.has(id) ? { id, config: configs.get(id)! } : undefined),
    isConnected: (id) => connectors.has(id),
    direct,
  })
}, 300_000)

afterAll(async () => {
  if (ticker) clearInterval(ticker)
  await publisher?.endAsync()
  await Promise.allSettled([...connectors.values()].map((c) => c.disconnect()))
  db?.close()
  await Promise.allSettled([nodeRed?.stop(), broker?.stop(), peer?.stop()])
  rmSync(dir, { recursive: true, force: true })
})

let targetId: string | undefined
/** One saved target for both tests: the second plan diffs against what the first deployed. */
const target = () => ({
  id: (targetId ??= service.saveTarget({
    name: 'Press 4 gateway',
    url: nodeRed.url,
    auth: { kind: 'password', ...login },
    deviceId: 'gw-press4',
    topicStyle: 'uns',
    namespace: { enterprise: 'Acme', site: 'Plant1', area: 'Pressing', line: 'Line4' },
    broker: { url: broker.url },
  }).id),
})

describe('S7 and MQTT-sourced tags deployed to a real Node-RED', () => {
  it('names node-red-contrib-s7 as missing, installs it through Node-RED, deploys s7 nodes in nodes7 syntax that read the Snap7 server, verified by the data', async () => {
    const { id } = target()
    const admin = new NodeRedClient({ url: nodeRed.url, auth: { kind: 'password', ...login } })
    expect((await admin.getModules()).map((m) => m.module)).not.toContain(S7_MODULE)

    const plan = await service.plan(id, { kind: 'connections', connectionIds: ['press4'] })
    expect(plan.missingModules).toEqual([S7_MODULE])
    expect(plan.tags.map((t) => t.name).sort()).toEqual(['Offset', 'Recipe', 'Running', 'Setpoint', 'Strokes', 'Temperature'])
    expect(plan.warnings).toEqual(['press4:Precise is left out: DB1.DBB40: node-red-contrib-s7 (nodes7) has no LREAL'])

    const version = await service.apply(plan.planId, windows)
    expect(version.verify?.message, JSON.stringify(version.verify?.data ?? version.verify, null, 1)).toMatch(/^Verified/)
    expect(version.status).toBe('verified')
    expect(version.verify?.data?.tags.map((t) => [t.tagId, t.gatewayValue]).sort()).toEqual([
      ['press4:Offset', -7],
      ['press4:Recipe', 'Press'],
      ['press4:Running', true],
      ['press4:Setpoint', 4242],
      ['press4:Strokes', 123_456],
      ['press4:Temperature', 21.5],
    ])

    // Node-RED installed the module itself (npm in its userDir), and the endpoint holds the addresses in nodes7 syntax.
    expect((await admin.getModules()).find((m) => m.module === S7_MODULE)?.types).toEqual(expect.arrayContaining(['s7 endpoint', 's7 in']))
    const tab = nodesOfTab((await admin.getFlows()).flows, workbenchTabId(id))
    const endpoint = tab.find((n) => n.type === 's7 endpoint')!
    expect(endpoint).toMatchObject({ address: '127.0.0.1', port: String(peer.port), rack: '0', slot: '1', cycletime: '500', connmode: 'rack-slot' })
    expect(endpoint.vartable).toEqual([
      { name: 'Offset', addr: 'DB1,INT4' },
      { name: 'Recipe', addr: 'DB1,S12.20' },
      { name: 'Running', addr: 'DB1,X6.2' },
      { name: 'Setpoint', addr: 'MW20' },
      { name: 'Strokes', addr: 'DB1,DINT8' },
      { name: 'Temperature', addr: 'DB1,REAL0' },
    ])
    expect(tab.filter((n) => n.type === 's7 in')).toHaveLength(6)
  }, 420_000)

  it('forwards MQTT-sourced tags (JSON fields and a plain value) to the gateway namespace, verified against the workbench reads', async () => {
    const { id } = target()
    const plan = await service.plan(id, { kind: 'connections', connectionIds: ['press4', 'drive'] })
    expect(plan.missingModules).toEqual([])
    expect(plan.warnings).toContain('drive:Everything is left out: plant/# has a wildcard: a forwarded tag needs its exact topic')
    expect(plan.tags.filter((t) => t.connectionId === 'drive').map((t) => t.topic)).toEqual([
      'umh.v1.Acme.Plant1.Pressing.Line4.Drive._raw.Pressure',
      'umh.v1.Acme.Plant1.Pressing.Line4.Drive._raw.Speed',
      'umh.v1.Acme.Plant1.Pressing.Line4.Drive._raw.State',
    ])
    // Only what the MQTT connection adds: a source broker, one mqtt in per topic, its envelope function.
    expect(
      plan.diff.nodes
        .filter((n) => n.change === 'added')
        .map((n) => n.type)
        .sort(),
    ).toEqual(['function', 'mqtt in', 'mqtt in', 'mqtt-broker'])
    expect(plan.diff.changed).toBe(0)

    const version = await service.apply(plan.planId, windows)
    expect(version.verify?.message, JSON.stringify(version.verify?.data ?? version.verify, null, 1)).toMatch(/^Verified/)
    const drive = version.verify?.data?.tags.filter((t) => t.tagId.startsWith('drive:')) ?? []
    expect(drive.map((t) => t.tagId).sort()).toEqual(['drive:Pressure', 'drive:Speed', 'drive:State'])
    expect(drive.every((t) => t.agreed && t.messages > 0)).toBe(true)
    expect(drive.find((t) => t.tagId === 'drive:State')?.gatewayValue).toMatch(/^(run|idle)$/)
  }, 300_000)

  it('cancels: before the deploy nothing changes; during the data check the previous flows go back and the version says so', async () => {
    const { id } = target()
    const admin = new NodeRedClient({ url: nodeRed.url, auth: { kind: 'password', ...login } })
    const tabBefore = nodesOfTab((await admin.getFlows()).flows, workbenchTabId(id))
    const original = configs.get('press4')!
    configs.set('press4', { ...original, tags: original.tags.filter((t) => t.name !== 'Setpoint') } as ConnectionConfig)
    try {
      const early = await service.plan(id, { kind: 'connections', connectionIds: ['press4', 'drive'] })
      expect(early.diff.removed).toBe(1)
      const stopEarly = new AbortController()
      await expect(
        service.apply(early.planId, { ...windows, signal: stopEarly.signal, onStep: (step) => step === 'deploy' && stopEarly.abort() }),
      ).rejects.toMatchObject({ code: 'CANCELLED', message: expect.stringContaining('nothing was changed on the gateway') })
      expect(nodesOfTab((await admin.getFlows()).flows, workbenchTabId(id))).toEqual(tabBefore)

      const late = await service.plan(id, { kind: 'connections', connectionIds: ['press4', 'drive'] })
      const stopLate = new AbortController()
      const steps: string[] = []
      await expect(
        service.apply(late.planId, {
          ...windows,
          signal: stopLate.signal,
          onStep: (step) => {
            steps.push(step)
            if (step === 'data check') stopLate.abort()
          },
        }),
      ).rejects.toMatchObject({ code: 'CANCELLED', message: expect.stringContaining('the gateway runs what it ran before') })
      expect(steps).toEqual(['deploy', 'read back', 'health', 'data check', 'restore previous version'])
      // The next plan compares with what runs: no drift, the same change as before.
      const again = await service.plan(id, { kind: 'connections', connectionIds: ['press4', 'drive'] })
      expect(again.drift).toBeNull()
      expect(again.diff.removed).toBe(1)
      // What runs is what ran before the cancelled apply (the Setpoint node is back), and the history says what happened.
      const tabAfter = nodesOfTab((await admin.getFlows()).flows, workbenchTabId(id))
      expect(tabAfter.map((n) => n.id).sort()).toEqual(tabBefore.map((n) => n.id).sort())
      const [restored, cancelled] = service.history(id, 2)
      expect(restored).toMatchObject({ version: 4, kind: 'rollback', summary: 'cancelled v3 during data check: v2 deployed again' })
      expect(cancelled).toMatchObject({ version: 3, status: 'rolled-back', rolledBackTo: 4 })
      expect(cancelled!.verify?.message).toBe('Cancelled during data check: the previous flows were deployed again')
    } finally {
      configs.set('press4', original)
    }
  }, 300_000)
})
