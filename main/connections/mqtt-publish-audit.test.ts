import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import mqtt, { type MqttClient } from 'mqtt'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connectionConfigSchema, type AuditEntry } from '../../preload/contract'
import { startMosquitto, type MosquittoPeer } from '../deploy/mosquitto-peer.fixture'
import { createWorkbench, type Workbench } from '../workbench'

// Publishing by hand on a saved MQTT connection: refused until armed, every attempt audited, against Debian's Mosquitto
// with an ACL that lets the workbench's user write plant/# only (MQTT 5, so the broker's refusal comes back in PUBACK).

let broker: MosquittoPeer
let workbench: Workbench
let watcher: MqttClient
let id: string
const dir = mkdtempSync(join(tmpdir(), 'otw-mqtt-publish-'))
const call = async <T>(channel: string, input?: unknown): Promise<T> => {
  const reply = await workbench.router.call(channel, input)
  if (!reply.ok) throw Object.assign(new Error(reply.error.message), reply.error)
  return reply.output as T
}
const lastAudit = async () => (await call<AuditEntry[]>('audit.list', { limit: 1 }))[0]!

beforeAll(async () => {
  broker = await startMosquitto({
    users: { engineer: 'secret-1', watcher: 'secret-2' },
    acl: ['user engineer', 'topic readwrite plant/#', 'topic read other/#', 'user watcher', 'topic read #'],
  })
  workbench = createWorkbench({ dataDir: dir, host: 'browser', demoPlant: false, user: 'tester' })
  const config = connectionConfigSchema.parse({
    protocol: 'mqtt',
    name: 'Site broker',
    url: broker.url,
    protocolVersion: 5,
    username: 'engineer',
    password: 'secret-1',
  })
  id = (await call<{ id: string }>('connections.add', { config, connect: true })).id
  watcher = await mqtt.connectAsync(broker.url, { username: 'watcher', password: 'secret-2', protocolVersion: 5 })
}, 30_000)

afterAll(async () => {
  await watcher?.endAsync(true)
  await workbench?.stop()
  await broker?.stop()
  rmSync(dir, { recursive: true, force: true })
})

/** The retained message a fresh subscriber gets for `topic`, or undefined when there is none. */
async function retainedOf(topic: string): Promise<string | undefined> {
  const client = await mqtt.connectAsync(broker.url, { username: 'watcher', password: 'secret-2' })
  try {
    return await new Promise<string | undefined>((resolve) => {
      const timer = setTimeout(() => resolve(undefined), 1500)
      client.on('message', (t, payload, packet) => {
        if (t === topic && packet.retain) {
          clearTimeout(timer)
          resolve(payload.toString())
        }
      })
      void client.subscribeAsync(topic)
    })
  } finally {
    await client.endAsync(true)
  }
}

describe('MQTT publish behind arming and the audit log (Mosquitto)', () => {
  it('is refused and audited until the connection is armed', async () => {
    await expect(call('mqtt.publish', { id, topic: 'plant/line1/cmd', payload: '{"start":true}', qos: 1, retain: false })).rejects.toMatchObject({
      code: 'WRITE_REFUSED',
      message: expect.stringContaining('not armed'),
    })
    expect(await lastAudit()).toMatchObject({
      user: 'tester',
      connectionName: 'Site broker',
      tagId: 'publish plant/line1/cmd',
      newValue: '{"start":true}',
      result: 'refused',
    })
  })

  it('armed, it publishes exactly what was asked and audits it; a wildcard topic is refused by the contract', async () => {
    await call('connections.arm', { id, minutes: 1 })
    const got = new Promise<{ payload: string; qos: number; retain: boolean }>((resolve) => {
      watcher.on('message', (topic, payload, packet) => {
        if (topic === 'plant/line1/cmd') resolve({ payload: payload.toString(), qos: packet.qos, retain: packet.retain })
      })
    })
    await watcher.subscribeAsync('plant/line1/cmd', { qos: 1 })
    const result = await call<{ auditId: number; message: string }>('mqtt.publish', {
      id,
      topic: 'plant/line1/cmd',
      payload: '{"start":true}',
      qos: 1,
      retain: false,
    })
    expect(await got).toEqual({ payload: '{"start":true}', qos: 1, retain: false })
    expect(await lastAudit()).toMatchObject({ id: result.auditId, tagId: 'publish plant/line1/cmd', newValue: '{"start":true}', result: 'ok', user: 'tester' })
    expect(result.message).toContain('QoS 1')
    await expect(call('mqtt.publish', { id, topic: 'plant/#', payload: 'x' })).rejects.toMatchObject({ code: 'INVALID_INPUT' })
  })

  it("the broker's refusal (ACL, PUBACK 0x87) is a failed attempt in the audit log", async () => {
    await expect(call('mqtt.publish', { id, topic: 'other/setpoint', payload: '5', qos: 1, retain: false })).rejects.toMatchObject({
      message: expect.stringMatching(/not authori[sz]ed/i),
    })
    expect(await lastAudit()).toMatchObject({ tagId: 'publish other/setpoint', newValue: '5', result: 'failed' })
  })

  it('a retained publish is kept by the broker, and clearing it removes it (audited)', async () => {
    await call('mqtt.publish', { id, topic: 'plant/line1/recipe', payload: 'R-17', qos: 1, retain: true })
    expect(await retainedOf('plant/line1/recipe')).toBe('R-17')
    const cleared = await call<{ auditId: number }>('mqtt.clearRetained', { id, topic: 'plant/line1/recipe' })
    expect(await retainedOf('plant/line1/recipe')).toBeUndefined()
    expect(await lastAudit()).toMatchObject({ id: cleared.auditId, tagId: 'clear retained plant/line1/recipe', result: 'ok' })
    await call('connections.disarm', { id })
    await expect(call('mqtt.clearRetained', { id, topic: 'plant/line1/recipe' })).rejects.toMatchObject({ code: 'WRITE_REFUSED' })
  })
})
