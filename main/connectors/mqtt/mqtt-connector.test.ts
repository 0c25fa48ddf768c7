import mqtt, { type MqttClient } from 'mqtt'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TagValue } from '../../../preload/contract'
import { MqttConnector } from './mqtt-connector'
import { encodeSparkplugPayload, type SparkplugMetricInput } from './sparkplug/sparkplug-codec'
import { startTestBroker, type TestBroker } from './test-broker.fixture'

let broker: TestBroker
let url: string
let publisher: MqttClient

beforeAll(async () => {
  broker = await startTestBroker('test-publisher')
  ;({ url, publisher } = broker)
})

afterAll(() => broker.close())

/** Collects every value a connector emits, so a test can wait for the one it expects. */
function collect(connector: MqttConnector) {
  const values: TagValue[] = []
  connector.onValues((batch) => values.push(...batch))
  const latest = (tagId: string) => values.filter((v) => v.tagId === tagId).at(-1)
  return { values, latest }
}

describe('MQTT connector: topic + JSON path mapping', () => {
  it('maps a JSON value to a tag, turns bad on a shape change with the reason, and good again', async () => {
    const connector = new MqttConnector({
      id: 'line',
      name: 'Line',
      url,
      mappings: [
        { tag: tagInfo('line:speed', 'Double'), topic: 'plant/filler/telemetry', jsonPath: '$.speed.value', timePath: '$.ts' },
        { tag: tagInfo('line:state', 'String'), topic: 'plant/filler/state' },
      ],
    })
    const { latest } = collect(connector)
    await connector.connect()
    expect(connector.state()).toBe('connected')
    await waitFor(() => connector.state() === 'connected')
    // Subscriptions go out after CONNACK; publish until the first value arrives.
    await until(
      () => publisher.publish('plant/filler/telemetry', JSON.stringify({ speed: { value: 120.5 }, ts: 1_700_000_000_000 })),
      () => latest('line:speed')?.value === 120.5,
    )
    expect(latest('line:speed')).toMatchObject({ quality: { status: 'good' }, sourceTime: 1_700_000_000_000 })

    publisher.publish('plant/filler/telemetry', JSON.stringify({ speed: 99 }))
    await waitFor(() => latest('line:speed')?.quality.status === 'bad')
    expect(latest('line:speed')?.quality.reason).toBe('path not found in payload: $.speed.value')

    publisher.publish('plant/filler/telemetry', JSON.stringify({ speed: { value: 'fast' } }))
    await waitFor(() => latest('line:speed')?.quality.reason?.startsWith('not a number') === true)

    publisher.publish('plant/filler/telemetry', 'garbage')
    await waitFor(() => latest('line:speed')?.quality.reason?.startsWith('payload is not JSON') === true)

    publisher.publish('plant/filler/telemetry', JSON.stringify({ speed: { value: 118 } }))
    await waitFor(() => latest('line:speed')?.value === 118)
    expect(latest('line:speed')?.quality.status).toBe('good')

    publisher.publish('plant/filler/state', 'RUNNING')
    await waitFor(() => latest('line:state')?.value === 'RUNNING')
    await connector.disconnect()
    expect(connector.state()).toBe('disconnected')
  })

  it('says the broker is unreachable when nothing listens', async () => {
    const connector = new MqttConnector({ id: 'x', name: 'X', url: 'mqtt://127.0.0.1:1', mappings: [], reconnectMs: { first: 60_000, max: 60_000 } })
    await expect(connector.connect()).rejects.toThrow(/broker unreachable: connection refused — check the host and port/)
    await connector.disconnect()
  })

  it('refuses a path it cannot parse, naming the tag', () => {
    expect(() => new MqttConnector({ id: 'x', name: 'X', url, mappings: [{ tag: tagInfo('x:t', 'Double'), topic: 't', jsonPath: '$.a[' }] })).toThrow(
      /MQTT tag "t": JSON path "\$\.a\["/,
    )
  })
})

describe('MQTT connector: Sparkplug B host', () => {
  it('births metrics as tags, updates them by alias, checks seq, asks for rebirth on a gap and marks death bad', async () => {
    const notices: string[] = []
    const commands: string[] = []
    const observer = await mqtt.connectAsync(url, { clientId: 'test-observer' })
    observer.on('message', (topic) => commands.push(topic))
    await observer.subscribeAsync('spBv1.0/+/NCMD/#')
    const connector = new MqttConnector({
      id: 'sp',
      name: 'Plant SP',
      url,
      sparkplug: { enabled: true, groupId: 'acme', rebirthOnGap: true },
      mappings: [],
      onNotice: (m) => notices.push(m),
    })
    const { latest } = collect(connector)
    await connector.connect()
    const sp = (type: string, device: string | undefined, seq: number | undefined, metrics: SparkplugMetricInput[]) =>
      publisher.publish(`spBv1.0/acme/${type}/edge1${device ? `/${device}` : ''}`, Buffer.from(encodeSparkplugPayload({ timestamp: Date.now(), seq, metrics })))

    await until(
      () =>
        sp('NBIRTH', undefined, 0, [
          { name: 'bdSeq', datatype: 'UInt64', value: 3 },
          { name: 'Node Info/Uptime', alias: 1, datatype: 'Int64', value: 10 },
        ]),
      () => connector.tags().length === 2,
    )
    sp('DBIRTH', 'filler', 1, [
      { name: 'Speed', alias: 10, datatype: 'Float', value: 100, unit: 'bpm' },
      { name: 'Running', alias: 11, datatype: 'Boolean', value: true },
      { name: 'Count', alias: 12, datatype: 'Int32', value: -1 },
    ])
    await waitFor(() => connector.tags().length === 5)
    const speed = connector.tags().find((t) => t.id === 'sp:acme/edge1/filler/Speed')
    expect(speed).toMatchObject({ name: 'Speed', path: ['Plant SP', 'acme', 'edge1', 'filler'], dataType: 'Float', unit: 'bpm' })
    expect(connector.tags().find((t) => t.id === 'sp:acme/edge1/Node Info/Uptime')?.path).toEqual(['Plant SP', 'acme', 'edge1', 'Node Info'])

    // DDATA carries aliases only.
    sp('DDATA', 'filler', 2, [
      { alias: 10, datatype: 'Float', value: 120.5 },
      { alias: 12, datatype: 'Int32', value: 7 },
    ])
    await waitFor(() => latest('sp:acme/edge1/filler/Speed')?.value === 120.5)
    expect(latest('sp:acme/edge1/filler/Count')).toMatchObject({ value: 7, quality: { status: 'good' } })
    expect(notices).toEqual([])

    // seq 3 and 4 never arrive: a gap, reported, and a rebirth asked for with NCMD.
    sp('DDATA', 'filler', 5, [{ alias: 10, datatype: 'Float', value: 121 }])
    await waitFor(() => latest('sp:acme/edge1/filler/Speed')?.value === 121)
    await waitFor(() => commands.includes('spBv1.0/acme/NCMD/edge1'))
    expect(notices[0]).toMatch(/Sparkplug acme\/edge1\/filler: sequence gap — expected seq 3, got 5 on DDATA/)
    expect(connector.status().lastError).toMatch(/rebirth requested|sequence gap/)

    sp('DDEATH', 'filler', 6, [])
    await waitFor(() => latest('sp:acme/edge1/filler/Speed')?.quality.status === 'bad')
    expect(latest('sp:acme/edge1/filler/Speed')).toMatchObject({ value: 121, stale: true, quality: { reason: 'device offline (DDEATH)' } })
    expect(latest('sp:acme/edge1/Node Info/Uptime')?.quality.status).toBe('good')

    // An NDEATH of an older session (other bdSeq) is ignored; the right one kills the node.
    sp('NDEATH', undefined, undefined, [{ name: 'bdSeq', datatype: 'UInt64', value: 2 }])
    sp('NDEATH', undefined, undefined, [{ name: 'bdSeq', datatype: 'UInt64', value: 3 }])
    await waitFor(() => latest('sp:acme/edge1/Node Info/Uptime')?.quality.status === 'bad')
    expect(latest('sp:acme/edge1/Node Info/Uptime')?.quality.reason).toBe('edge node offline (NDEATH)')
    expect(connector.sparkplugNodes()).toEqual([
      expect.objectContaining({ edgeNodeId: 'edge1', online: false, metrics: 2 }),
      expect.objectContaining({ deviceId: 'filler', online: false, metrics: 3 }),
    ])

    expect(
      connector
        .sparkplugStatus()
        .events.map((e) => e.message)
        .join('\n'),
    ).toMatch(/sequence gap — expected seq 3, got 5/)
    commands.length = 0
    await connector.rebirth('acme', 'edge1')
    await waitFor(() => commands.includes('spBv1.0/acme/NCMD/edge1'))
    expect(connector.sparkplugStatus().events.at(-1)?.message).toBe('Sparkplug acme/edge1: rebirth requested by hand')

    // A new birth brings the node back with new aliases.
    sp('NBIRTH', undefined, 0, [
      { name: 'bdSeq', datatype: 'UInt64', value: 4 },
      { name: 'Node Info/Uptime', alias: 5, datatype: 'Int64', value: 1 },
    ])
    sp('NDATA', undefined, 1, [{ alias: 5, datatype: 'Int64', value: 2 }])
    await waitFor(() => latest('sp:acme/edge1/Node Info/Uptime')?.value === 2)
    expect(latest('sp:acme/edge1/Node Info/Uptime')?.quality.status).toBe('good')

    await connector.disconnect()
    await observer.endAsync(true)
  })
})

function tagInfo(id: string, dataType: string) {
  return { id, name: id.split(':')[1], path: ['Line'], connectionId: id.split(':')[0], address: '', dataType, access: 'read' as const }
}

async function waitFor(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time')
    await new Promise((r) => setTimeout(r, 20))
  }
}

async function until(act: () => unknown, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time')
    act()
    await new Promise((r) => setTimeout(r, 100))
  }
}
