import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import mqtt from 'mqtt'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connectionConfigSchema, type AddedConnection, type ConnectionDetail, type ConnectionStatus } from '../../preload/contract'
import { runMqttBrowse } from '../connectors/mqtt/cli-mqtt'
import { startTestBroker, type TestBroker } from '../connectors/mqtt/test-broker.fixture'
import { OpcUaCertificateStore } from '../connectors/opcua/certificate-store'
import { runOpcUaRead } from '../connectors/opcua/cli-opcua'
import { freePort, startSecureTestServer } from '../connectors/opcua/secure-test-server'
import { EXIT, main } from '../cli'
import { createWorkbench, type Workbench } from '../workbench'
import { ConnectionManager } from './connection-manager'
import { KeyFileSecretBox } from '../secrets/secret-box'
import { openWorkbenchDb } from './workbench-db'

// Credentials typed into an endpoint URL (mqtt://user:pass@host) are moved out of it on save: the user name to its
// field, the password into the sealed secrets. A real broker that checks passwords proves the connection still logs in.

const PASSWORD = 'p@ss:w/rd-Url-9%'
const ENCODED = encodeURIComponent(PASSWORD)
const USER = 'plant'
const dirs: string[] = []
let broker: TestBroker

beforeAll(async () => {
  broker = await startTestBroker('url-credentials-publisher', { username: USER, password: PASSWORD })
}, 60_000)

afterAll(async () => {
  await broker?.close()
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'otw-url-credentials-'))
  dirs.push(dir)
  return dir
}

async function call<T>(workbench: Workbench, channel: string, input: unknown): Promise<T> {
  const result = (await workbench.router.call(channel, input)) as { ok: boolean; output?: T; error?: { code: string; message: string } }
  if (!result.ok) throw Object.assign(new Error(result.error?.message), { code: result.error?.code })
  return result.output as T
}

/** The password neither as typed nor as it sits percent-encoded in the URL. */
function expectNoPassword(text: string | Buffer, where: string): void {
  const bytes = typeof text === 'string' ? Buffer.from(text) : text
  expect(bytes.includes(Buffer.from(PASSWORD)), `${where} holds the password`).toBe(false)
  expect(bytes.includes(Buffer.from(ENCODED)), `${where} holds the encoded password`).toBe(false)
}

function rawDatabaseFiles(dataDir: string): Array<[string, Buffer]> {
  return ['workbench.db', 'workbench.db-wal'].flatMap((file): Array<[string, Buffer]> => {
    try {
      return [[file, readFileSync(join(dataDir, file))]]
    } catch {
      return []
    }
  })
}

describe('credentials in an endpoint URL', () => {
  it('MQTT: saved without them in the URL, the password sealed (db and -wal), not in connections.list, and it still logs in after a restart', async () => {
    const refused = await mqtt.connectAsync(broker.url, { username: USER, password: 'wrong', reconnectPeriod: 0 }).catch((error: unknown) => error)
    expect(refused, 'the broker really checks passwords').toBeInstanceOf(Error)

    const dataDir = tempDir()
    const url = broker.url.replace('mqtt://', `mqtt://${USER}:${ENCODED}@`)
    const first = createWorkbench({ dataDir, host: 'browser', demoPlant: false })
    await first.start()
    let id: string
    try {
      const added = await call<ConnectionDetail>(first, 'connections.add', {
        config: { protocol: 'mqtt', name: 'Broker with password in URL', url, tags: [{ name: 'speed', topic: 'line/speed' }] },
        connect: true,
      })
      id = added.id
      expect(added.status.state).toBe('connected')
      expect(added.config).toMatchObject({ url: broker.url, username: USER })
      expect(added.hasSecrets).toBe(true)
      expectNoPassword(JSON.stringify(added), 'the connections.add reply')

      const list = await call<ConnectionStatus[]>(first, 'connections.list', undefined)
      expect(list.find((status) => status.id === id)?.endpoint).toBe(broker.url)
      expectNoPassword(JSON.stringify(list), 'connections.list')
      expectNoPassword(JSON.stringify(await call(first, 'connections.managed', {})), 'connections.managed')
      expectNoPassword(JSON.stringify(await call(first, 'tags.list', {})), 'tags.list')

      // A wrong password in the URL: the refusal is reported without the password, in the reply, status and notices.
      const wrong = `WRONG-${PASSWORD}`
      const failed = await call<AddedConnection>(first, 'connections.add', {
        config: { protocol: 'mqtt', name: 'Wrong password', url: broker.url.replace('mqtt://', `mqtt://${USER}:${encodeURIComponent(wrong)}@`) },
        connect: true,
      })
      const failure = JSON.stringify(failed)
      expect(failed.connectError?.message).toMatch(/bad user name or password|not authori[sz]ed/)
      const afterFailure = JSON.stringify(await call(first, 'connections.list', undefined))
      for (const [where, text] of [
        ['the failed add', failure],
        ['connections.list after it', afterFailure],
        ['notices', JSON.stringify(first.notices.list())],
      ])
        expect(text.includes(wrong) || text.includes(encodeURIComponent(wrong)), `${where} holds the wrong password`).toBe(false)

      // Before any checkpoint, so the WAL still holds every page that was written.
      for (const [file, bytes] of rawDatabaseFiles(dataDir)) expectNoPassword(bytes, file)
    } finally {
      await first.stop()
    }
    for (const [file, bytes] of rawDatabaseFiles(dataDir)) expectNoPassword(bytes, `${file} after stop`)

    const second = createWorkbench({ dataDir, host: 'browser', demoPlant: false })
    await second.start()
    try {
      const deadline = Date.now() + 20_000
      let detail = await call<ConnectionDetail>(second, 'connections.get', { id })
      while (detail.status.state !== 'connected' && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50))
        detail = await call<ConnectionDetail>(second, 'connections.get', { id })
      }
      expect(detail.status.state, detail.status.lastError).toBe('connected')
      expect(detail.status.endpoint).toBe(broker.url)
    } finally {
      await second.stop()
    }
  }, 60_000)

  it('OPC UA: a user in the endpoint URL becomes the username identity, its password sealed', async () => {
    const dataDir = tempDir()
    const db = openWorkbenchDb(dataDir)
    const manager = new ConnectionManager({ db, box: KeyFileSecretBox.inDataDir(dataDir), dataDir, register: () => undefined, unregister: () => undefined })
    try {
      const added = await manager.add(
        connectionConfigSchema.parse({ protocol: 'opcua', name: 'Line server', endpointUrl: `opc.tcp://operator:${ENCODED}@127.0.0.1:4841/UA/Line` }),
      )
      expect(added.config).toMatchObject({ endpointUrl: 'opc.tcp://127.0.0.1:4841/UA/Line', identity: { kind: 'username', username: 'operator' } })
      expect(added.status.endpoint).toBe('opc.tcp://127.0.0.1:4841/UA/Line')
      expectNoPassword(JSON.stringify(added), 'the add reply')
      expect(manager.config(added.id)).toMatchObject({ identity: { kind: 'username', username: 'operator', password: PASSWORD } })
      for (const [file, bytes] of rawDatabaseFiles(dataDir)) expectNoPassword(bytes, file)

      // Discover (the Add connection dialog's button) with the credentials still in the typed URL: not in its failure.
      const closed = await freePort()
      const failure = await manager.tools.opcua.discover(`opc.tcp://operator:${ENCODED}@127.0.0.1:${closed}`).catch((error: unknown) => error as Error)
      expect(failure).toBeInstanceOf(Error)
      expect((failure as Error).message).toContain(`opc.tcp://127.0.0.1:${closed}`)
      expectNoPassword((failure as Error).message, 'the discovery failure')
    } finally {
      await manager.close()
      db.close()
    }
  })

  it('a user name in the URL that contradicts the user name field is refused before anything is saved', async () => {
    const dataDir = tempDir()
    const db = openWorkbenchDb(dataDir)
    const manager = new ConnectionManager({ db, box: KeyFileSecretBox.inDataDir(dataDir), dataDir, register: () => undefined, unregister: () => undefined })
    try {
      const config = connectionConfigSchema.parse({ protocol: 'mqtt', name: 'Two users', url: `mqtt://alice:${ENCODED}@127.0.0.1:1883`, username: 'bob' })
      await expect(manager.add(config)).rejects.toMatchObject({
        code: 'INVALID_INPUT',
        message: expect.stringMatching(/user name "alice" in the URL .* "bob"/),
      })
      expect(manager.ids()).toEqual([])
    } finally {
      await manager.close()
      db.close()
    }
  })

  it('a connection saved with a password in its URL before this fix is rewritten sealed when the workbench opens it', async () => {
    const dataDir = tempDir()
    const legacy = openWorkbenchDb(dataDir)
    const insert = legacy.prepare(
      'INSERT INTO connections (id, name, kind, config_json, sealed_secrets, created_at, updated_at) VALUES (?, ?, ?, ?, NULL, 1, 1)',
    )
    const config = { protocol: 'mqtt', name: 'Old broker', url: `mqtt://${USER}:${ENCODED}@127.0.0.1:1883`, tags: [{ name: 'speed', topic: 'line/speed' }] }
    insert.run('old-broker', config.name, 'mqtt', JSON.stringify(connectionConfigSchema.parse(config)))
    // A row stored after it: the rewritten, longer row cannot take the old one's place, which then must be zeroed.
    insert.run('plc', 'PLC', 'modbus-tcp', JSON.stringify(connectionConfigSchema.parse({ protocol: 'modbus-tcp', name: 'PLC', host: '127.0.0.1' })))
    legacy.close()
    expect(readFileSync(join(dataDir, 'workbench.db')).includes(Buffer.from(ENCODED)), 'the legacy row holds the password').toBe(true)

    const db = openWorkbenchDb(dataDir)
    const manager = new ConnectionManager({ db, box: KeyFileSecretBox.inDataDir(dataDir), dataDir, register: () => undefined, unregister: () => undefined })
    try {
      manager.load()
      expect(manager.detail('old-broker').config).toMatchObject({ url: 'mqtt://127.0.0.1:1883', username: USER })
      expect(manager.config('old-broker')).toMatchObject({ password: PASSWORD })
      for (const [file, bytes] of rawDatabaseFiles(dataDir)) expectNoPassword(bytes, file)
    } finally {
      await manager.close()
      db.close()
    }
  })

  it('otw browse mqtt:// logs in with the user in the URL; otw commands never print its password', async () => {
    const io = () => {
      const out = { stdout: '', stderr: '' }
      const write = (stream: 'stdout' | 'stderr') => (text: string) => void (out[stream] += text)
      return { out, io: { stdout: write('stdout'), stderr: write('stderr'), untilInterrupted: () => Promise.resolve() } }
    }
    const withUser = (url: string, password: string) => url.replace('://', `://${USER}:${encodeURIComponent(password)}@`)
    const topic = 'cli/url-credentials'
    await broker.publisher.publishAsync(topic, 'retained', { retain: true })

    const good = io()
    expect(await runMqttBrowse(withUser(broker.url, PASSWORD), ['--topic', topic, '--seconds', '0.5'], good.io), good.out.stderr).toBe(0)
    expect(good.out.stdout).toContain(topic)

    const wrong = io()
    expect(await runMqttBrowse(withUser(broker.url, `WRONG-${PASSWORD}`), ['--seconds', '0.5'], wrong.io)).toBe(1)
    expect(wrong.out.stderr).toContain(`MQTT ${broker.url}:`)
    expectNoPassword(wrong.out.stderr.replaceAll('WRONG-', ''), 'otw browse mqtt:// output')

    const closed = await freePort()
    const opcua = io()
    expect(await runOpcUaRead(withUser(`opc.tcp://127.0.0.1:${closed}`, PASSWORD), ['ns=1;s=X', '--data-dir', tempDir()], opcua.io)).toBe(1)
    expect(opcua.out.stderr).toContain(`OPC UA opc.tcp://127.0.0.1:${closed}`)
    expectNoPassword(opcua.out.stderr, 'otw read opc.tcp:// output')

    // A read that reaches the server but comes back bad names the server too.
    const dataDir = tempDir()
    const server = await startSecureTestServer({ dataDir: join(dataDir, 'server'), variableCount: 1 })
    try {
      const secure = ['--policy', 'Basic256Sha256', '--mode', 'SignAndEncrypt', '--data-dir', dataDir]
      const untrusted = io()
      await runOpcUaRead(server.endpointUrl, ['ns=1;s=Bulk.V0', ...secure], untrusted.io)
      const thumbprint = /thumbprint ([0-9a-f]{40})/.exec(untrusted.out.stderr)?.[1]
      const store = new OpcUaCertificateStore(dataDir)
      await store.trust(thumbprint ?? `no thumbprint in: ${untrusted.out.stderr}`).finally(() => store.close())
      const bad = io()
      expect(await runOpcUaRead(withUser(server.endpointUrl, PASSWORD), ['ns=1;s=NoSuchNode', ...secure], bad.io)).toBe(1)
      expect(bad.out.stderr).toContain(`OPC UA ${server.endpointUrl}: 1 value(s) read with bad quality`)
      expectNoPassword(bad.out.stderr, 'otw read opc.tcp:// bad-quality output')
    } finally {
      await server.close()
    }

    const usage = io()
    expect(await main(['read', withUser('ftp://127.0.0.1/x', PASSWORD)], usage.io)).toBe(EXIT.usage)
    expect(usage.out.stderr).toContain('"ftp://127.0.0.1/x" is not a device URL')
    expectNoPassword(usage.out.stderr, 'otw usage error')
  }, 60_000)
})
