import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Aedes } from 'aedes'
import mqtt, { type MqttClient } from 'mqtt'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { createWorkbench, type Workbench } from '../../workbench'

// The whole path a mapped MQTT value takes: broker → connection → live bus → historian, through the contract.

let broker: Aedes
let server: Server
let url: string
let publisher: MqttClient
let workbench: Workbench
let dataDir: string

beforeAll(async () => {
  broker = await Aedes.createBroker()
  server = createServer((socket) => broker.handle(socket))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  url = `mqtt://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`
  publisher = await mqtt.connectAsync(url, { clientId: 'recorded-publisher' })
  dataDir = mkdtempSync(join(tmpdir(), 'otw-mqtt-recorded-'))
  workbench = createWorkbench({ dataDir, host: 'browser', demoPlant: false })
  await workbench.start()
}, 60_000)

afterAll(async () => {
  await workbench.stop()
  await publisher.endAsync(true)
  await new Promise<void>((resolve) => broker.close(() => resolve()))
  await new Promise<void>((resolve) => server.close(() => resolve()))
  rmSync(dataDir, { recursive: true, force: true })
})

async function call<T>(channel: string, input: unknown): Promise<T> {
  const result = (await workbench.router.call(channel, input)) as { ok: boolean; output?: T; error?: { message: string } }
  if (!result.ok) throw new Error(result.error?.message)
  return result.output as T
}

it('a topic + JSON path mapped on a connection is listed as a tag, gets live values and is recorded by the historian', async () => {
  const detail = await call<{ id: string }>('connections.add', {
    config: { protocol: 'mqtt', name: 'Recorded', url, tags: [{ name: 'speed', topic: 'line/filler', jsonPath: '$.speed.value', dataType: 'Double', unit: 'bpm' }] },
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
