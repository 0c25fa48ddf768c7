import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { connectionConfigSchema, type ConnectionDetail, type WorkbenchErrorShape } from '../../preload/contract'
import { startTestBroker, type TestBroker } from '../connectors/mqtt/test-broker.fixture'
import { freePort } from '../connectors/opcua/secure-test-server'
import { createWorkbench, type Workbench } from '../workbench'
import { openWorkbenchDb } from './workbench-db'

// connections.add as the Add connection dialog sends it: endpoint URLs are checked before anything is saved, and with
// `connect: true` a connection that cannot connect is still saved, the reply saying so and why.

type Added = ConnectionDetail & { connectError?: WorkbenchErrorShape }

let broker: TestBroker
const workbenches: Workbench[] = []
const dirs: string[] = []

beforeAll(async () => {
  broker = await startTestBroker('connection-add-publisher')
}, 60_000)

afterEach(async () => {
  for (const workbench of workbenches.splice(0)) await workbench.stop()
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

afterAll(async () => {
  await broker?.close()
})

function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'otw-connection-add-'))
  dirs.push(dir)
  return dir
}

async function started(dir = dataDir()): Promise<Workbench> {
  const workbench = createWorkbench({ dataDir: dir, host: 'browser', demoPlant: false })
  workbenches.push(workbench)
  await workbench.start()
  return workbench
}

async function call<T>(workbench: Workbench, channel: string, input: unknown): Promise<T> {
  const result = (await workbench.router.call(channel, input)) as { ok: boolean; output?: T; error?: WorkbenchErrorShape }
  if (!result.ok) throw Object.assign(new Error(result.error?.message), { code: result.error?.code })
  return result.output as T
}

describe('connections.add: endpoint URLs', () => {
  it.each([
    ['mqtt', { protocol: 'mqtt', name: 'Broker', url: 'mqtt://[' }, /"mqtt:\/\/\[" is not a valid URL — write it like mqtt:\/\/host:1883/],
    ['mqtt', { protocol: 'mqtt', name: 'Broker', url: 'mqtt://:1883' }, /"mqtt:\/\/:1883" is not a valid URL — write it like mqtt:\/\/host:1883/],
    ['opcua', { protocol: 'opcua', name: 'Server', endpointUrl: 'opc.tcp://[' }, /"opc\.tcp:\/\/\[" is not a valid URL — write it like opc\.tcp:\/\/host:4840/],
    ['mqtt', { protocol: 'mqtt', name: 'Broker', url: 'mqtt://broker:99999' }, /"mqtt:\/\/broker:99999" is not a valid URL/],
    [
      'opcua',
      { protocol: 'opcua', name: 'Server', endpointUrl: 'opc.tcp:///UA/Server' },
      /"opc\.tcp:\/\/\/UA\/Server" names no host — write it like opc\.tcp:\/\/host:4840/,
    ],
  ])('%s %j is refused at save with what to write instead, and nothing is saved', async (_kind, config, message) => {
    const workbench = await started()
    await expect(call(workbench, 'connections.add', { config, connect: true })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringMatching(message),
    })
    expect(await call(workbench, 'connections.managed', {})).toEqual([])
  })

  it('a broken MQTT URL saved by an older version fails to connect with INVALID_INPUT (not INTERNAL) and the workbench keeps running', async () => {
    const dir = dataDir()
    const db = openWorkbenchDb(dir)
    db.prepare('INSERT INTO connections (id, name, kind, config_json, sealed_secrets, created_at, updated_at) VALUES (?, ?, ?, ?, NULL, 1, 1)').run(
      'old',
      'Old broker',
      'mqtt',
      JSON.stringify(connectionConfigSchema.parse({ protocol: 'mqtt', name: 'Old broker', url: 'mqtt://[' })),
    )
    db.close()
    const workbench = await started(dir)
    await expect(call(workbench, 'connections.connect', { id: 'old' })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringMatching(/"mqtt:\/\/\[" is not a valid URL — write it like mqtt:\/\/host:1883/),
    })
    expect((await call<ConnectionDetail>(workbench, 'connections.get', { id: 'old' })).status.state).toBe('disconnected')
  })

  it('mqtt.explore refuses a broken URL up front', async () => {
    const workbench = await started()
    expect(() => workbench.router.open('mqtt.explore', { url: 'mqtt://[' }, { emit: () => undefined, end: () => undefined, congested: () => false })).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT', message: expect.stringMatching(/"mqtt:\/\/\[" is not a valid URL/) }),
    )
  })
})

describe('connections.add with connect: true', () => {
  it('connects: the reply is the connected connection, without connectError', async () => {
    const workbench = await started()
    const added = await call<Added>(workbench, 'connections.add', { config: { protocol: 'mqtt', name: 'Up', url: broker.url }, connect: true })
    expect(added.status.state).toBe('connected')
    expect(added.connectError).toBeUndefined()
  })

  it('cannot connect: it is saved all the same, and the reply says so with the reason', async () => {
    const dir = dataDir()
    const workbench = await started(dir)
    const closedPort = await freePort()
    const added = await call<Added>(workbench, 'connections.add', {
      config: { protocol: 'opcua', name: 'Down', endpointUrl: `opc.tcp://127.0.0.1:${closedPort}` },
      connect: true,
    })
    expect(added.connectError).toMatchObject({ code: 'CONNECTION_FAILED', message: expect.stringMatching(/nothing answers there/) })
    expect(added.status).toMatchObject({ state: 'disconnected', lastError: added.connectError?.message })
    expect((await call<ConnectionDetail[]>(workbench, 'connections.managed', {})).map((c) => c.id)).toEqual([added.id])

    const mqttDown = await call<Added>(workbench, 'connections.add', {
      config: { protocol: 'mqtt', name: 'Broker down', url: `mqtt://127.0.0.1:${closedPort}` },
      connect: true,
    })
    expect(mqttDown.connectError).toMatchObject({ code: 'CONNECTION_FAILED', message: expect.stringMatching(/connection refused/) })

    await workbench.stop()
    workbenches.splice(0)
    const again = await started(dir)
    expect((await call<ConnectionDetail[]>(again, 'connections.managed', {})).map((c) => c.config.name)).toEqual(['Down', 'Broker down'])
  })
})
