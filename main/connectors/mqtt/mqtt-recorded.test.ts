import type { MqttClient } from 'mqtt'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { startTestBroker, startTestWorkbench, type TestBroker, type TestWorkbench } from './test-broker.fixture'

// The whole path a mapped MQTT value takes: broker → connection → live bus → historian, through the contract.

let bench: TestWorkbench
let broker: TestBroker
let url: string
let publisher: MqttClient
const call = <T>(channel: string, input: unknown): Promise<T> => bench.call<T>(channel, input)

beforeAll(async () => {
  broker = await startTestBroker('recorded-publisher')
  ;({ url, publisher } = broker)
  bench = await startTestWorkbench('otw-mqtt-recorded-')
}, 60_000)

afterAll(async () => {
  await bench.close()
  await broker.close()
})

it('a topic + JSON path mapped on a connection is listed as a tag, gets live values and is recorded by the historian', async () => {
  const detail = await call<{ id: string }>('connections.add', {
    config: {
      protocol: 'mqtt',
      name: 'Recorded',
      url,
      tags: [{ name: 'speed', topic: 'line/filler', jsonPath: '$.speed.value', dataType: 'Double', unit: 'bpm' }],
    },
    connect: true,
  })
  const tagId = `${detail.id}:speed`
  const tags = await call<Array<{ id: string; unit?: string }>>('tags.list', { connectionId: detail.id })
  expect(tags).toEqual([expect.objectContaining({ id: tagId, unit: 'bpm' })])
  const from = Date.now() - 1000
  let n = 0
  let raw: Array<{ v: Array<number | null> }> = []
  for (let i = 0; i < 100; i++) {
    publisher.publish('line/filler', JSON.stringify({ speed: { value: 100 + n++ } }))
    await new Promise((r) => setTimeout(r, 100))
    raw = await call('history.raw', { tagIds: [tagId], from, to: Date.now() + 1000 })
    if ((raw[0]?.v.length ?? 0) >= 3) break
  }
  expect(raw[0].v.length).toBeGreaterThanOrEqual(3)
  expect(raw[0].v.every((v) => v !== null && v >= 100)).toBe(true)
  const last = await call<Array<{ value: unknown; quality: { status: string } }>>('tags.read', { tagIds: [tagId] })
  expect(last[0].quality.status).toBe('good')
}, 60_000)
