import { afterEach, describe, expect, it } from 'vitest'
import type { TagValue } from '../../preload/contract'
import { MqttConnector } from '../connectors/mqtt/mqtt-connector'
import { startMqttBroker, type DemoMqttBroker } from './mqtt-broker'
import { createPlantModel } from './plant-model'

let broker: DemoMqttBroker | undefined
const connectors: MqttConnector[] = []
afterEach(async () => {
  await Promise.all(connectors.splice(0).map((c) => c.disconnect()))
  await broker?.close()
  broker = undefined
})

async function waitFor(check: () => boolean, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time')
    await new Promise((r) => setTimeout(r, 25))
  }
}

describe('demo plant: Sparkplug B edge node', () => {
  it('a host that connects after the birth asks for a rebirth and then gets the Labeler metrics live, by alias', async () => {
    const model = createPlantModel({ seed: 7, startTimeMs: 1_700_000_000_000 })
    broker = await startMqttBroker({ host: '127.0.0.1', port: 0, telemetryIntervalMs: 100 })
    broker.update(model.snapshot()) // NBIRTH + DBIRTH go out now, before anyone listens.

    const values: TagValue[] = []
    const connector = new MqttConnector({ id: 'sp', name: 'Demo SP', url: broker.url, sparkplug: { enabled: true }, mappings: [] })
    connectors.push(connector)
    connector.onValues((v) => values.push(...v))
    await connector.connect()

    const tick = setInterval(() => {
      model.step(200)
      broker?.update(model.snapshot())
    }, 50)
    try {
      await waitFor(() => connector.tags().length >= 10)
      const speed = connector.tags().find((t) => t.id === 'sp:acme-plant1/line1-edge/labeler/Speed')
      expect(speed).toMatchObject({ dataType: 'Float', unit: 'bpm', path: ['Demo SP', 'acme-plant1', 'line1-edge', 'labeler'] })
      expect(
        connector
          .tags()
          .find((t) => t.id === 'sp:acme-plant1/line1-edge/labeler/Motor/Temperature')
          ?.path.at(-1),
      ).toBe('Motor')
      const birthCount = values.filter((v) => v.tagId === speed!.id).length
      // DDATA carries aliases only; values keep arriving after the birth.
      await waitFor(
        () =>
          values.filter((v) => v.tagId === 'sp:acme-plant1/line1-edge/labeler/Counts/Good').length > 1 ||
          values.filter((v) => v.tagId === speed!.id).length > birthCount,
      )
      expect(values.filter((v) => v.tagId.startsWith('sp:')).every((v) => v.quality.status === 'good')).toBe(true)
      expect(connector.status().lastError).toMatch(/before the edge node's birth certificate/)
    } finally {
      clearInterval(tick)
    }
    // Closing the plant sends NDEATH: everything of the node goes bad and stale.
    await broker.close()
    broker = undefined
    await waitFor(() => values.some((v) => v.tagId.endsWith('labeler/Speed') && v.quality.status !== 'good'))
  })
})
