import mqtt from 'mqtt'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startMosquitto, type MosquittoPeer } from '../mosquitto-peer.fixture'
import { applyBrokerSecurity, cloudBridgeConf, diffBrokerSecurity, gatewaySecurity, readBrokerSecurity } from './broker-security'
import { DynsecClient } from './dynsec-client'

// Real parts: Debian's Mosquitto 2 with the Dynamic Security plugin, initialised by `mosquitto_ctrl dynsec init`.
let broker: MosquittoPeer
const admin = { username: 'dynsec-admin', password: 'admin-pass-4' }
const TOPICS = ['umh.v1.Acme.Plant1.Packaging.Line1.Line1._raw.Speed', 'umh.v1.Acme.Plant1.Packaging.Line1.Line1._raw.State']

beforeAll(async () => {
  broker = await startMosquitto({ dynsec: { adminUser: admin.username, adminPassword: admin.password } })
}, 30_000)
afterAll(async () => {
  await broker?.stop()
})

async function receivedBy(
  reader: { username: string; password: string },
  publisher: { username: string; password: string },
  topics: string[],
): Promise<string[]> {
  const sub = await mqtt.connectAsync(broker.url, { ...reader, reconnectPeriod: 0 })
  const got: string[] = []
  sub.on('message', (topic) => got.push(topic))
  await sub.subscribeAsync(TOPICS, { qos: 1 })
  const pub = await mqtt.connectAsync(broker.url, { ...publisher, reconnectPeriod: 0 })
  for (const topic of topics) await pub.publishAsync(topic, 'x', { qos: 1 })
  await new Promise((r) => setTimeout(r, 500))
  await Promise.all([sub.endAsync(), pub.endAsync()])
  return got.sort()
}

describe('gateway security on Mosquitto Dynamic Security', () => {
  it('plans the gateway and reader clients and roles, applies them with generated passwords, reads them back equal', async () => {
    const dynsec = await DynsecClient.connect({ url: broker.url, ...admin })
    try {
      const desired = gatewaySecurity({ gatewayId: 'gw1', topics: TOPICS })
      const plan = diffBrokerSecurity(await readBrokerSecurity(dynsec), desired)
      expect(plan.map((c) => `${c.change} ${c.kind} ${c.name}`)).toEqual([
        'added role otw-gateway-gw1',
        'added role otw-reader-gw1',
        'added client otw-gateway-gw1',
        'added client otw-reader-gw1',
      ])
      const applied = await applyBrokerSecurity(dynsec, desired, plan)
      expect(Object.keys(applied.passwords).sort()).toEqual(['otw-gateway-gw1', 'otw-reader-gw1'])
      expect(applied.passwords['otw-gateway-gw1']).toMatch(/^[A-Za-z0-9_-]{32}$/)
      expect(diffBrokerSecurity(await readBrokerSecurity(dynsec), desired)).toEqual([])

      const gateway = { username: 'otw-gateway-gw1', password: applied.passwords['otw-gateway-gw1']! }
      const reader = { username: 'otw-reader-gw1', password: applied.passwords['otw-reader-gw1']! }
      // The gateway publishes its own topics only; the reader gets them, and nothing the gateway was not allowed to send.
      expect(await receivedBy(reader, gateway, [...TOPICS, 'umh.v1.Acme.Plant1.Packaging.Line1.Line1._raw.Other'])).toEqual([...TOPICS].sort())
      expect(await receivedBy(reader, reader, TOPICS)).toEqual([])

      // One topic less: the roles change, the clients keep theirs.
      const fewer = gatewaySecurity({ gatewayId: 'gw1', topics: TOPICS.slice(0, 1) })
      const change = diffBrokerSecurity(await readBrokerSecurity(dynsec), fewer)
      expect(change.map((c) => `${c.change} ${c.kind} ${c.name} -${c.removed.length}`)).toEqual([
        'changed role otw-gateway-gw1 -1',
        'changed role otw-reader-gw1 -2',
      ])
      await applyBrokerSecurity(dynsec, fewer, change)
      expect(diffBrokerSecurity(await readBrokerSecurity(dynsec), fewer)).toEqual([])
    } finally {
      await dynsec.close()
    }
  }, 30_000)

  it('adds a cloud-bridge client that only pulls the gateway topics; a tenant Mosquitto bridged with it receives what the gateway publishes', async () => {
    const dynsec = await DynsecClient.connect({ url: broker.url, ...admin })
    let tenant: MosquittoPeer | undefined
    try {
      const desired = gatewaySecurity({ gatewayId: 'gw2', topics: TOPICS, bridge: true })
      const plan = diffBrokerSecurity(await readBrokerSecurity(dynsec), desired, (name) => name.endsWith('-gw2'))
      expect(plan.map((c) => `${c.change} ${c.kind} ${c.name}`)).toEqual([
        'added role otw-gateway-gw2',
        'added role otw-reader-gw2',
        'added role otw-bridge-gw2',
        'added client otw-gateway-gw2',
        'added client otw-reader-gw2',
        'added client otw-bridge-gw2',
      ])
      const applied = await applyBrokerSecurity(dynsec, desired, plan)
      const bridge = { username: 'otw-bridge-gw2', password: applied.passwords['otw-bridge-gw2']! }
      const gateway = { username: 'otw-gateway-gw2', password: applied.passwords['otw-gateway-gw2']! }
      // The bridge login subscribes to the gateway's topics and may not publish anything.
      expect(await receivedBy(bridge, gateway, TOPICS)).toEqual([...TOPICS].sort())
      expect(await receivedBy(bridge, bridge, TOPICS)).toEqual([])

      const conf = cloudBridgeConf({ gatewayId: 'gw2', topics: TOPICS, edgeAddress: `127.0.0.1:${broker.port}` })
      expect(conf).toContain(`topic ${TOPICS[0]} in 1`)
      expect(conf).toContain('remote_username otw-bridge-gw2')
      tenant = await startMosquitto({ extraConfig: conf.replace('<the bridge password shown once>', bridge.password) })
      const cloud = await mqtt.connectAsync(tenant.url, { reconnectPeriod: 0 })
      const got: string[] = []
      cloud.on('message', (topic) => got.push(topic))
      await cloud.subscribeAsync('#', { qos: 1 })
      const pub = await mqtt.connectAsync(broker.url, { ...gateway, reconnectPeriod: 0 })
      // The bridge connects on its own schedule: publish until the tenant broker has the topic.
      await expect
        .poll(
          async () => {
            await pub.publishAsync(TOPICS[0]!, 'from the edge', { qos: 1 })
            return got.includes(TOPICS[0]!)
          },
          { timeout: 30_000, interval: 500 },
        )
        .toBe(true)
      await Promise.all([cloud.endAsync(), pub.endAsync()])
    } finally {
      await dynsec.close()
      await tenant?.stop()
    }
  }, 60_000)

  it('says the admin login was refused and what to check', async () => {
    await expect(DynsecClient.connect({ url: broker.url, username: admin.username, password: 'wrong' })).rejects.toMatchObject({
      code: 'AUTH_FAILED',
      message: expect.stringContaining(`Mosquitto ${broker.url} (broker): the admin login was refused`),
    })
  })
})
