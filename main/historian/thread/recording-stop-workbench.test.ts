import { join } from 'node:path'
import type { MqttClient } from 'mqtt'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { startTestBroker, startTestWorkbench, type TestBroker, type TestWorkbench } from '../../connectors/mqtt/test-broker.fixture'
import { openHistorian } from '..'
import type { Workbench } from '../../workbench'

// The whole path: broker → connection → live bus → historian; removing a connection and stopping the workbench
// leave "no data" marks in the historian file.

let bench: TestWorkbench
let broker: TestBroker
let workbench: Workbench
let dataDir: string
let url: string
let publisher: MqttClient
const call = <T>(channel: string, input: unknown): Promise<T> => bench.call<T>(channel, input)

beforeAll(async () => {
  broker = await startTestBroker('recording-stop-publisher')
  ;({ url, publisher } = broker)
  bench = await startTestWorkbench('otw-recording-stop-')
  ;({ workbench, dataDir } = bench)
}, 60_000)

afterAll(async () => {
  await bench.close()
  await broker.close()
})

type Raw = Array<{ t: number[]; v: Array<number | null>; q: number[] }>

async function addRecorded(name: string, topic: string): Promise<string> {
  const detail = await call<{ id: string }>('connections.add', {
    config: { protocol: 'mqtt', name, url, tags: [{ name: 'state', topic, jsonPath: '$.state', dataType: 'Int32' }] },
    connect: true,
  })
  const tagId = `${detail.id}:state`
  for (let i = 0; i < 100; i++) {
    publisher.publish(topic, JSON.stringify({ state: 1 }))
    await new Promise((r) => setTimeout(r, 100))
    const raw = await call<Raw>('history.raw', { tagIds: [tagId], from: 0, to: Date.now() + 60_000 })
    if ((raw[0]?.v.length ?? 0) >= 1) return detail.id
  }
  throw new Error(`${name}: nothing recorded`)
}

it('a removed connection and a stopped workbench each leave one "no data" mark per recorded tag', async () => {
  const removedId = await addRecorded('Removed', 'line/capper')
  const keptId = await addRecorded('Kept', 'line/filler')
  await call('connections.remove', { id: removedId })
  const [removed] = await call<Raw>('history.raw', { tagIds: [`${removedId}:state`], from: 0, to: Date.now() + 60_000 })
  expect(removed.v.at(-1)).toBeNull()
  expect(removed.q.at(-1)).toBe(2)
  expect(removed.v.slice(0, -1).every((v) => v === 1)).toBe(true)
  const [keptBefore] = await call<Raw>('history.raw', { tagIds: [`${keptId}:state`], from: 0, to: Date.now() + 60_000 })
  expect(keptBefore.v.every((v) => v === 1)).toBe(true)

  await workbench.stop()
  const file = join(dataDir, 'historian', 'default.otwh')
  const h = openHistorian({ file, flushIntervalMs: 0, retentionIntervalMs: 0 })
  try {
    const [r, k] = h.queryRaw([`${removedId}:state`, `${keptId}:state`], 0, 2 ** 45)
    // The removed connection's tag got its mark when it was removed, not a second one at the stop.
    expect(Array.from(r.v).filter((v) => Number.isNaN(v))).toHaveLength(1)
    expect(k.v[k.v.length - 1]).toBeNaN()
    expect(k.qualityChanges.at(-1)?.reason).toBe('recording stopped')
    expect(k.t[k.t.length - 1]).toBeGreaterThan(k.t[k.t.length - 2])
  } finally {
    h.close()
  }
  // afterAll stops it again: a second stop is harmless.
}, 60_000)
