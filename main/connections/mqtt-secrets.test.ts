import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { mqttConfigSchema } from '../../preload/contract'
import { ConnectionManager } from './connection-manager'
import { KeyFileSecretBox } from '../secrets/secret-box'
import { openWorkbenchDb, type Database } from './workbench-db'

const dirs: string[] = []
const dbs: Database[] = []
afterEach(() => {
  for (const db of dbs.splice(0)) if (db.open) db.close()
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

const PASSWORD = 'broker-Pa55-word'
const KEY = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj\n-----END PRIVATE KEY-----\n'

describe('MQTT connection settings', () => {
  it('persist TLS, version and mapped tags; the password and the client private key are sealed, kept on edit, never returned', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'otw-mqtt-secrets-'))
    dirs.push(dataDir)
    const open = () => {
      const db = openWorkbenchDb(dataDir)
      dbs.push(db)
      const manager = new ConnectionManager({ db, box: KeyFileSecretBox.inDataDir(dataDir), dataDir, register: () => undefined, unregister: () => undefined })
      manager.load()
      return { db, manager }
    }
    const first = open()
    const config = mqttConfigSchema.parse({
      protocol: 'mqtt',
      name: 'Edge broker',
      url: 'mqtts://edge.local:8883',
      protocolVersion: 5,
      username: 'plant',
      password: PASSWORD,
      cleanStart: false,
      keepaliveSeconds: 30,
      tls: { ca: '/etc/ssl/edge-ca.pem', cert: '/etc/ssl/ws.crt', key: KEY, rejectUnauthorized: true },
      sparkplug: { enabled: true, groupId: 'acme' },
      tags: [{ name: 'speed', topic: 'line1/filler/telemetry', jsonPath: '$.speed.value', dataType: 'Double', unit: 'bpm', range: { low: 0, high: 200 } }],
    })
    const added = await first.manager.add(config)
    expect(added.hasSecrets).toBe(true)
    expect(JSON.stringify(added)).not.toContain(PASSWORD)
    expect(JSON.stringify(added)).not.toContain('BEGIN PRIVATE KEY')
    expect(added.tags[0]).toMatchObject({ id: `${added.id}:speed`, unit: 'bpm', dataType: 'Double', address: 'line1/filler/telemetry#$.speed.value' })

    // Edit without re-typing the secrets: they are kept.
    const { password: _p, ...rest } = config
    await first.manager.update(added.id, { ...rest, keepaliveSeconds: 45, tls: { ...config.tls!, key: undefined } })
    first.db.close()

    const raw = readFileSync(join(dataDir, 'workbench.db'))
    expect(raw.includes(Buffer.from(PASSWORD))).toBe(false)
    expect(raw.includes(Buffer.from('BEGIN PRIVATE KEY'))).toBe(false)

    const second = open()
    const reloaded = second.manager.config(added.id)
    expect(reloaded).toMatchObject({
      protocolVersion: 5,
      cleanStart: false,
      keepaliveSeconds: 45,
      password: PASSWORD,
      tls: { key: KEY, ca: '/etc/ssl/edge-ca.pem' },
    })
    expect(reloaded.tags).toHaveLength(1)
  })
})
