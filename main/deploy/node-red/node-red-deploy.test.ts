import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ConnectionConfig } from '../../../preload/contract'
import { modbus } from '../../connectors/modbus'
import { opcua } from '../../connectors/opcua'
import type { Connector } from '../../connectors/connector'
import { startDemoPlant, type DemoPlant } from '../../simulator'
import { agrees, checkPublishedData, openDataCheck, type DirectSamples } from '../data-check'
import { directSamplesOf } from '../direct-samples.fixture'
import { demoLineModbusConnection, demoLineOpcUaConnection } from '../demo-line'
import { startMosquitto, type MosquittoPeer } from '../mosquitto-peer.fixture'
import { nodesOfTab } from './flow-diff'
import { generateGatewayFlow, type GatewaySettings } from './gateway-flow'
import { NodeRedClient } from './node-red-client'
import { applyNodeRedPlan, planNodeRedDeploy, readBackNodeRed } from './node-red-deploy'
import { watchNodeRedHealth } from './node-red-health'
import { freePort, startNodeRed, type NodeRedPeer } from './node-red-peer.fixture'

// Real parts: Node-RED 5 with node-red-contrib-modbus and an admin login, Debian's Mosquitto, the demo plant's Modbus server.
let dir: string
let plant: DemoPlant
let nodeRed: NodeRedPeer
let broker: MosquittoPeer
let connector: Connector
let line: ConnectionConfig
let direct: DirectSamples
const login = { username: 'admin', password: 'gateway-pass-1' }
const FEW = ['Line1.Filler.State', 'Line1.Filler.Speed', 'Line1.Filler.ProductTemperature', 'Line1.Filler.GoodCount', 'Line1.Capper.Vibration']

const settings = (): GatewaySettings => ({
  deviceId: 'gw-line1',
  topicStyle: 'uns',
  namespace: { enterprise: 'Acme', site: 'Plant1', area: 'Packaging', line: 'Line1' },
  broker: { host: '127.0.0.1', port: broker.port },
})

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'otw-deploy-test-'))
  plant = await startDemoPlant({ dataDir: dir, opcuaPort: 0, modbusPort: 0, mqttPort: 0 })
  ;[nodeRed, broker] = await Promise.all([startNodeRed({ login }), startMosquitto()])
  line = demoLineModbusConnection(plant.endpoints.modbus, { scanRateMs: 500 })
  line = { ...line, tags: line.tags.filter((t) => FEW.includes(t.name)) } as ConnectionConfig
  connector = modbus.build('line1', line as Extract<ConnectionConfig, { protocol: 'modbus-tcp' }>)
  direct = directSamplesOf(connector)
  await connector.connect()
}, 120_000)

afterAll(async () => {
  await connector?.disconnect()
  await Promise.allSettled([nodeRed?.stop(), broker?.stop(), plant?.stop()])
  rmSync(dir, { recursive: true, force: true })
})

describe('Node-RED deploy, end to end on real Node-RED, Mosquitto and the demo plant', () => {
  it('deploys the generated tab next to a foreign tab, reads it back, is healthy and publishes values that agree with direct reads', async () => {
    const client = new NodeRedClient({ url: nodeRed.url, auth: { kind: 'password', ...login } })
    const before = await client.getFlows()
    const foreign = [
      { id: 'f00dtab', type: 'tab', label: 'Theirs' },
      { id: 'f00dinject', type: 'inject', z: 'f00dtab', name: 'their inject', repeat: '', once: false, wires: [[]] },
    ]
    await client.setFlows(before.rev, foreign)
    const flow = generateGatewayFlow({ targetId: 'gw1', targetName: 'Line 1 gateway', settings: settings(), connections: [{ id: 'line1', config: line }] })
    const plan = await planNodeRedDeploy(client, flow.nodes, { tabId: flow.tabId, modules: flow.modules })
    expect(plan.missingModules).toEqual([])
    expect(plan.drift).toBeNull()
    expect(plan.diff.added).toBe(flow.nodes.length)
    const applied = await applyNodeRedPlan(client, plan)
    const readBack = await readBackNodeRed(client, plan, applied.deployed)
    expect(readBack.differences.nodes).toEqual([])
    expect(readBack.othersTouched).toEqual([])
    const after = await client.getFlows()
    expect(after.flows.filter((n) => n.z === 'f00dtab' || n.id === 'f00dtab')).toEqual(foreign)

    const health = await watchNodeRedHealth({
      url: nodeRed.url,
      token: await client.accessToken(),
      nodeIds: new Set(flow.nodes.map((n) => n.id)),
      windowMs: 1500,
      label: client.label,
    })
    expect(health.problems).toEqual([])

    const data = await checkPublishedData({
      broker: { url: broker.url },
      tags: flow.tags.map((t) => ({ tagId: t.tagId, topic: t.topic, tolerance: 0.5 })),
      direct,
      windowMs: 15_000,
      // Wide enough for a loaded 2-core CI box: the gateway and the workbench poll on their own clocks.
      skewMs: 5000,
    })
    expect(data.tags.filter((t) => !t.agreed)).toEqual([])
    expect(flow.tags.map((t) => t.topic)).toContain('umh.v1.Acme.Plant1.Packaging.Line1.Line1._raw.Line1.Filler.Speed')
  }, 90_000)

  it('re-plans to an empty diff, shows a device edit as drift, and answers a change between plan and apply with CONFLICT', async () => {
    const client = new NodeRedClient({ url: nodeRed.url, auth: { kind: 'password', ...login } })
    const flow = generateGatewayFlow({ targetId: 'gw1', targetName: 'Line 1 gateway', settings: settings(), connections: [{ id: 'line1', config: line }] })
    const deployed = nodesOfTab((await client.getFlows()).flows, flow.tabId)
    const again = await planNodeRedDeploy(client, flow.nodes, { tabId: flow.tabId, lastDeployed: deployed })
    expect(again.diff.nodes).toEqual([])
    expect(again.drift).toBeNull()

    // Someone edits one of our nodes in the Node-RED editor.
    const running = await client.getFlows()
    const edited = running.flows.map((n) => (n.type === 'modbus-read' && n.name === 'Line1.Filler.Speed' ? { ...n, rate: '5000' } : n))
    await client.setFlows(running.rev, edited)
    const drifted = await planNodeRedDeploy(client, flow.nodes, { tabId: flow.tabId, lastDeployed: deployed })
    expect(drifted.drift?.changed).toBe(1)
    expect(drifted.drift?.nodes[0]?.properties).toEqual([{ property: 'rate', before: '500', after: '5000' }])
    await expect(applyNodeRedPlan(client, drifted)).rejects.toMatchObject({ code: 'INVALID_INPUT' })

    // And then changes it again before our apply: the planned rev is stale.
    const now = await client.getFlows()
    await client.setFlows(
      now.rev,
      now.flows.map((n) => (n.type === 'modbus-read' && n.name === 'Line1.Filler.Speed' ? { ...n, rate: '6000' } : n)),
    )
    await expect(applyNodeRedPlan(client, drifted, { driftChoice: 'overwrite' })).rejects.toMatchObject({ code: 'CONFLICT' })
    const fresh = await planNodeRedDeploy(client, flow.nodes, { tabId: flow.tabId, lastDeployed: deployed })
    await applyNodeRedPlan(client, fresh, { driftChoice: 'overwrite' })
    const settled = await planNodeRedDeploy(client, flow.nodes, { tabId: flow.tabId, lastDeployed: deployed })
    expect(settled.drift).toBeNull()
    expect(settled.diff.nodes).toEqual([])
  }, 60_000)

  it('names the step and what to do for a wrong password, a wrong URL and a stopped gateway', async () => {
    const wrongPassword = new NodeRedClient({ url: nodeRed.url, auth: { kind: 'password', username: 'admin', password: 'not-it' } })
    await expect(wrongPassword.getFlows()).rejects.toMatchObject({
      code: 'AUTH_FAILED',
      message: expect.stringContaining('(sign in): wrong username or password'),
    })
    const wrongUrl = new NodeRedClient({ url: `${nodeRed.url}/not-node-red`, auth: { kind: 'none' } })
    await expect(wrongUrl.getFlows()).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('check the URL') })
    const stopped = new NodeRedClient({ url: `http://127.0.0.1:${await freePort()}`, auth: { kind: 'none' } })
    await expect(stopped.getFlows()).rejects.toMatchObject({ code: 'CONNECTION_FAILED', message: expect.stringContaining('connection refused') })
  })
})

describe('the data check compares values, not only arrival', () => {
  it('fails a tag whose gateway decodes the registers in the wrong byte order, naming both values', async () => {
    const client = new NodeRedClient({ url: nodeRed.url, auth: { kind: 'password', ...login } })
    const flow = generateGatewayFlow({
      targetId: 'gw-wrong-order',
      targetName: 'wrong order',
      // Its own namespace: the first test's tab still publishes the right value of the same tag.
      settings: { ...settings(), namespace: { ...settings().namespace, area: 'WrongOrder' } },
      connections: [{ id: 'line1', config: line }],
      tagIds: new Set(['line1:Line1.Filler.Speed']),
    })
    const tampered = flow.nodes.map((n) => (n.type === 'function' ? { ...n, func: String(n.func).replace('"byteOrder":"ABCD"', '"byteOrder":"CDAB"') } : n))
    expect(tampered).not.toEqual(flow.nodes)
    const plan = await planNodeRedDeploy(client, tampered, { tabId: flow.tabId })
    await applyNodeRedPlan(client, plan)
    const data = await checkPublishedData({
      broker: { url: broker.url },
      tags: flow.tags.map((t) => ({ tagId: t.tagId, topic: t.topic, tolerance: 2.5 })),
      direct,
      windowMs: 4000,
      skewMs: 1500,
    })
    expect(data.ok).toBe(false)
    expect(data.tags[0]!.messages).toBeGreaterThan(0)
    expect(data.tags[0]!.problem).toMatch(/^gateway sent .*, the device read directly gave .* \(tolerance 2\.5\)$/)
    const cleanup = await planNodeRedDeploy(client, [], { tabId: flow.tabId })
    await applyNodeRedPlan(client, cleanup)
  }, 30_000)
})

describe('agrees', () => {
  const samples = [
    { tagId: 't', value: 10, time: 1000 },
    { tagId: 't', value: 12, time: 2000 },
  ]
  it('accepts a value between the direct reads around it, widened by the tolerance', () => {
    expect(agrees(11, 1500, samples, 0, 600)).toBe(true)
    expect(agrees(12.4, 1900, samples, 0.5, 200)).toBe(true)
  })
  it('refuses a value outside them, or without a direct read within the skew', () => {
    expect(agrees(13, 1500, samples, 0.5, 600)).toBe(false)
    expect(agrees(11, 500, samples, 5, 200)).toBe(false)
    expect(agrees('on', 1000, [{ tagId: 't', value: 'on', time: 1100 }], 0, 200)).toBe(true)
  })
  it('counts the value a tag holds since its last read before the skew window (an OPC UA value sent once)', () => {
    expect(agrees(12, 60_000, samples, 0, 600)).toBe(true)
    expect(agrees(10, 60_000, samples, 0, 600)).toBe(false)
  })
})

describe('OPC UA through node-red-contrib-opcua', () => {
  it('subscribes the demo plant OPC UA server from the generated tab and publishes values that agree with the workbench OPC UA reads', async () => {
    const uaLine = demoLineOpcUaConnection(plant.endpoints.opcua, { samplingIntervalMs: 500 }) as Extract<ConnectionConfig, { protocol: 'opcua' }>
    const config = { ...uaLine, tags: uaLine.tags.filter((t) => ['Line1.Filler.State', 'Line1.Capper.Speed', 'Line1.Labeler.GoodCount'].includes(t.name)) }
    const ua = opcua.build('line-ua', config, { dataDir: dir })
    const uaDirect = directSamplesOf(ua)
    await ua.connect()
    try {
      const client = new NodeRedClient({ url: nodeRed.url, auth: { kind: 'password', ...login } })
      const flow = generateGatewayFlow({ targetId: 'gw-ua', targetName: 'OPC UA gateway', settings: settings(), connections: [{ id: 'line-ua', config }] })
      expect(flow.modules).toEqual(['node-red-contrib-opcua'])
      const plan = await planNodeRedDeploy(client, flow.nodes, { tabId: flow.tabId, modules: flow.modules })
      expect(plan.missingModules).toEqual([])
      // Subscribed before the deploy: the gateway sends a value that does not change (State) once, right after it.
      const check = await openDataCheck({
        broker: { url: broker.url },
        tags: flow.tags.map((t) => ({ tagId: t.tagId, topic: t.topic, tolerance: 2.5 })),
        direct: uaDirect,
        windowMs: 20_000,
        skewMs: 5000,
      })
      await applyNodeRedPlan(client, plan)
      const data = await check.finish()
      expect(data.tags.filter((t) => !t.agreed)).toEqual([])
      await applyNodeRedPlan(client, await planNodeRedDeploy(client, [], { tabId: flow.tabId }))
    } finally {
      await ua.disconnect()
    }
  }, 60_000)
})
