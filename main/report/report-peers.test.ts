import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import mqtt from 'mqtt'
import { OPCUAServer, SecurityPolicy, MessageSecurityMode, OPCUACertificateManager } from 'node-opcua'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ModbusTagConfig, PreparedWrite, ReportPreview } from '../../preload/contract'
import { connectionConfigSchema } from '../../preload/contract'
import { REGISTER_MAP, startPymodbusServer, type PymodbusServer } from '../connectors/modbus/fixtures/pymodbus-server'
import { freePort } from '../connectors/opcua/secure-test-server'
import { startMosquitto, type MosquittoPeer } from '../deploy/mosquitto-peer.fixture'
import { createPlantModel } from '../simulator/plant-model'
import { startSparkplugEdgeNode, SPARKPLUG_DEVICE, SPARKPLUG_EDGE_NODE, SPARKPLUG_GROUP } from '../simulator/sparkplug-edge-node'
import { createWorkbench, type Workbench } from '../workbench'
import { exportSession, importSession } from './session-bundle'

// The inventory and the security observations from real peers on 127.0.0.1: a node-opcua server offering
// SecurityPolicy None and anonymous login (BuildInfo set), pymodbus answering function 43/14 and accepting a write,
// Debian's Mosquitto letting anonymous clients in over plain TCP with a Sparkplug edge node publishing. Then the
// session travels as a bundle and is opened read-only on "another machine" (another data folder).

const dirs: string[] = []
const tempDir = (name: string) => {
  const dir = mkdtempSync(join(tmpdir(), name))
  dirs.push(dir)
  return dir
}

let opcua: OPCUAServer
let opcuaUrl: string
let modbus: PymodbusServer
let broker: MosquittoPeer
let edgeClient: mqtt.MqttClient
let edgeTimer: NodeJS.Timeout

beforeAll(async () => {
  const port = await freePort()
  opcua = new OPCUAServer({
    port,
    hostname: 'localhost',
    serverCertificateManager: new OPCUACertificateManager({
      rootFolder: join(tempDir('otw-report-peer-pki-'), 'pki'),
      automaticallyAcceptUnknownCertificate: true,
    }),
    securityPolicies: [SecurityPolicy.None, SecurityPolicy.Basic256Sha256],
    securityModes: [MessageSecurityMode.None, MessageSecurityMode.SignAndEncrypt],
    allowAnonymous: true,
    buildInfo: { productName: 'Filler controller', manufacturerName: 'Krones-like GmbH', softwareVersion: '4.7.2', buildNumber: '1234' },
  })
  await opcua.initialize()
  const ns = opcua.engine.addressSpace!.getOwnNamespace()
  ns.addVariable({
    organizedBy: opcua.engine.addressSpace!.rootFolder.objects,
    browseName: 'Speed',
    nodeId: 's=Speed',
    dataType: 'Double',
    value: { dataType: 'Double', value: 42 },
  })
  await opcua.start()
  opcuaUrl = `opc.tcp://localhost:${port}`
  modbus = await startPymodbusServer()
  broker = await startMosquitto()
  edgeClient = await mqtt.connectAsync(broker.url)
  const model = createPlantModel({ seed: 3, startTimeMs: Date.now() })
  const edge = startSparkplugEdgeNode({
    publish: (topic, payload) => edgeClient.publish(topic, Buffer.from(payload)),
    intervalMs: 200,
    initial: model.snapshot(),
  })
  // Births again every few seconds too, so a host that subscribed late still learns the metrics.
  let n = 0
  edgeTimer = setInterval(() => (++n % 10 === 0 ? edge.rebirth() : edge.update(model.snapshot())), 300)
}, 60_000)

afterAll(async () => {
  clearInterval(edgeTimer)
  await edgeClient?.endAsync()
  await broker?.stop()
  await modbus?.stop()
  await opcua?.shutdown(0)
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

const caller =
  (workbench: Workbench) =>
  async <T>(channel: string, input?: unknown): Promise<T> => {
    const reply = await workbench.router.call(channel, input)
    if (!reply.ok) throw Object.assign(new Error(reply.error.message), reply.error)
    return reply.output as T
  }

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 200))
  }
}

describe('device inventory and security observations from real peers', () => {
  let workbench: Workbench
  let dataDir: string
  let call: ReturnType<typeof caller>
  const request = { site: 'Plant Nord', customer: 'ACME Foods', consultant: 'R. Consultant', from: Date.now() - 3_600_000, to: Date.now() + 3_600_000 }
  let html: string

  beforeAll(async () => {
    dataDir = tempDir('otw-report-peers-')
    workbench = createWorkbench({ dataDir, host: 'browser', demoPlant: false, user: 'consultant', renderPdf: async () => new Uint8Array() })
    await workbench.start()
    call = caller(workbench)
    const tag: ModbusTagConfig = {
      name: 'Setpoint',
      address: `hr:${REGISTER_MAP.writable.offset}`,
      dataType: 'uint16',
      byteOrder: 'ABCD',
      access: 'read-write',
    }
    await call('connections.add', {
      config: connectionConfigSchema.parse({ protocol: 'opcua', name: 'Filler OPC', endpointUrl: opcuaUrl, tags: [{ name: 'Speed', nodeId: 'ns=1;s=Speed' }] }),
      connect: true,
    })
    const plc = await call<{ id: string }>('connections.add', {
      config: connectionConfigSchema.parse({ protocol: 'modbus-tcp', name: 'Capper PLC', host: '127.0.0.1', port: modbus.tcpPort, tags: [tag] }),
      connect: true,
    })
    await call('connections.add', {
      config: connectionConfigSchema.parse({ protocol: 'mqtt', name: 'Edge broker', url: broker.url, sparkplug: { enabled: true }, tags: [] }),
      connect: true,
    })
    // One write the device accepted: the evidence that it takes writes without authentication.
    await call('connections.arm', { id: plc.id })
    const prepared = await call<PreparedWrite>('writes.prepare', { tagId: `${plc.id}:Setpoint`, value: 7 })
    await call('writes.commit', { id: prepared.id })
    let last = ''
    html = await until('every device identified', async () => {
      const preview = await call<ReportPreview>('report.preview', request)
      last = preview.html
      return preview.html.includes('Sparkplug device') && preview.html.includes('Acme Automation') && preview.html.includes('Krones-like')
        ? preview.html
        : undefined
    }).catch((error: Error) => {
      throw new Error(`${error.message}; the inventory said: ${/<h3>Devices.*?<\/table>|<h3>Devices.*?<\/p>/s.exec(last)?.[0] ?? last.slice(0, 2000)}`)
    })
  }, 90_000)
  afterAll(async () => {
    await workbench?.stop()
  })

  it('lists what each device says about itself: BuildInfo, 43/14, $SYS and the Sparkplug ids, with first and last seen', () => {
    const row = (key: string) => {
      const match = new RegExp(`<tr data-device="[^"]*/${key.replace(/[/.]/g, '\\$&')}">(.*?)</tr>`).exec(html)
      expect(match, key).not.toBeNull()
      return match![1]
    }
    const server = row('server')
    expect(server).toContain('<b>Manufacturer:</b> Krones-like GmbH')
    expect(server).toContain('<b>Product:</b> Filler controller')
    expect(server).toContain('<b>Software version:</b> 4.7.2')
    expect(server).toContain('None/None')
    const unit = row('unit 1')
    expect(unit).toContain('<b>Vendor:</b> Acme Automation')
    expect(unit).toContain('<b>Product code:</b> AC-PLC-100')
    expect(unit).toContain('<b>Revision:</b> 3.2.1')
    expect(unit).toContain('<b>Model:</b> PLC-100')
    expect(row('broker')).toMatch(/<b>Broker version:<\/b> mosquitto version \d+\.\d+/)
    const device = row(`spBv1.0/${SPARKPLUG_GROUP}/${SPARKPLUG_EDGE_NODE}/${SPARKPLUG_DEVICE}`)
    expect(device).toContain(`<b>Group id:</b> ${SPARKPLUG_GROUP}`)
    expect(device).toContain(`<b>Device id:</b> ${SPARKPLUG_DEVICE}`)
    // First and last seen: two times to the minute in the plant's zone.
    expect(device.match(/<td>\d{4}-\d\d-\d\d \d\d:\d\d<\/td>/g)).toHaveLength(2)
  })

  it('observes SecurityPolicy None and anonymous login on the OPC UA server, anonymous plain MQTT and Modbus accepting writes', () => {
    const observation = (title: string) => {
      const match = new RegExp(`<tr><td>${title}</td><td>([^<]*)</td><td>([^<]*)</td><td class="sev-(\\w+)">\\w+</td><td>([^<]*)</td></tr>`).exec(html)
      expect(match, title).not.toBeNull()
      return { where: match![1], evidence: match![2], severity: match![3], requirements: match![4] }
    }
    const none = observation('OPC UA endpoint offers SecurityPolicy None')
    expect(none).toMatchObject({ where: 'Filler OPC', severity: 'high', requirements: 'SR 3.1, SR 4.1' })
    expect(none.evidence).toContain('GetEndpoints lists None/None among')
    expect(none.evidence).toContain('Basic256Sha256/SignAndEncrypt')
    expect(observation('OPC UA server accepts anonymous login').evidence).toContain('the endpoints offer the anonymous user token')
    const anonymous = observation('MQTT broker accepts anonymous clients')
    expect(anonymous).toMatchObject({ where: 'Edge broker', severity: 'high', requirements: 'SR 1.1, SR 1.2' })
    expect(anonymous.evidence).toMatch(/the broker accepted the connection, broker says &quot;mosquitto version/)
    expect(observation('MQTT broker over plain TCP').severity).toBe('high')
    const writes = observation('Modbus device reachable and accepted writes without authentication')
    expect(writes).toMatchObject({ where: 'Capper PLC', severity: 'high' })
    expect(writes.evidence).toContain('1 write(s) accepted per the audit log')
  })

  describe('the session exported and imported elsewhere is read-only', () => {
    let other: Workbench
    let otherCall: ReturnType<typeof caller>
    beforeAll(async () => {
      await workbench.stop()
      const bundle = join(tempDir('otw-report-bundle-'), 'session.otws')
      exportSession(dataDir, bundle)
      const target = join(tempDir('otw-report-import-'), 'data')
      importSession(bundle, target)
      other = createWorkbench({ dataDir: target, host: 'browser', demoPlant: false, user: 'analyst', renderPdf: async () => new Uint8Array() })
      await other.start()
      otherCall = caller(other)
    }, 60_000)
    afterAll(async () => {
      await other?.stop()
    })

    it('keeps the inventory and the observations without reaching any device', async () => {
      const info = await otherCall<{ readOnly?: { importedFrom: string } }>('app.info')
      expect(info.readOnly?.importedFrom).toMatch(/session\.otws$/)
      const statuses = await otherCall<{ state: string }[]>('connections.list')
      expect(statuses.map((s) => s.state)).toEqual(['disconnected', 'disconnected', 'disconnected'])
      const preview = await otherCall<ReportPreview>('report.preview', request)
      expect(preview.html).toContain('<b>Vendor:</b> Acme Automation')
      expect(preview.html).toContain('OPC UA endpoint offers SecurityPolicy None')
      expect(preview.html).toContain('MQTT broker accepts anonymous clients')
    })

    it('refuses writes, connecting, new connections and stop edits with a message that says why', async () => {
      const list = await otherCall<{ id: string; kind: string }[]>('connections.managed')
      const plc = list.find((c) => c.kind === 'modbus-tcp')!
      for (const [channel, input] of [
        ['writes.prepare', { tagId: `${plc.id}:Setpoint`, value: 9 }],
        ['connections.connect', { id: plc.id }],
        ['connections.add', { config: { protocol: 'modbus-tcp', name: 'New', host: '127.0.0.1', port: modbus.tcpPort, tags: [] }, connect: false }],
        ['oee.code', { eventIds: ['e1'], reason: { categoryId: 'c', reasonId: 'r' }, who: 'analyst' }],
        ['oee.comment', { eventId: 'e1', text: 'edited', who: 'analyst' }],
      ] as const) {
        const reply = await other.router.call(channel, input)
        expect(reply.ok, channel).toBe(false)
        if (!reply.ok) {
          expect(reply.error.code, channel).toBe('READ_ONLY')
          expect(reply.error.message).toMatch(/^This is an imported session \(from .*session\.otws\), analysed read-only/)
        }
      }
      const refused = await other.router.call('writes.prepare', { tagId: `${plc.id}:Setpoint`, value: 9 })
      expect(!refused.ok && refused.error.message).toContain('no value is written to a device')
    })
  })
})
