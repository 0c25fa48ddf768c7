import { spawn, execFileSync, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, connect as tcpConnect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { MqttClient } from 'mqtt'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TagValue } from '../../../preload/contract'
import { MqttConnector, type MqttConnectorOptions } from './mqtt-connector'

// A real Mosquitto (Debian) on 127.0.0.1 with three listeners: password auth in plain TCP, password auth over TLS,
// and TLS that requires a client certificate. The CA, server and client certificates are made with openssl here.

const MOSQUITTO = '/usr/sbin/mosquitto'
let dir: string
let mosquitto: ChildProcess
let plainPort: number
let tlsPort: number
let mtlsPort: number

function openssl(...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' })
}

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return typeof address === 'object' && address ? address.port : 0
}

async function waitForPort(port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = tcpConnect(port, '127.0.0.1', () => {
        socket.destroy()
        resolve(true)
      })
      socket.on('error', () => resolve(false))
    })
    if (open) return
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error(`mosquitto did not listen on ${port}`)
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'otw-mosquitto-'))
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=OTW Test CA')
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'other-ca.key', '-out', 'other-ca.crt', '-days', '2', '-subj', '/CN=Someone Else CA')
  writeFileSync(join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n')
  openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost')
  openssl(
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'server.crt',
    '-days',
    '2',
    '-extfile',
    'server.ext',
  )
  openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'client.key', '-out', 'client.csr', '-subj', '/CN=workstation')
  openssl('x509', '-req', '-in', 'client.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'client.crt', '-days', '2')
  execFileSync('mosquitto_passwd', ['-b', '-c', join(dir, 'passwd'), 'plant', 's3cret'])
  ;[plainPort, tlsPort, mtlsPort] = [await freePort(), await freePort(), await freePort()]
  const tls = [`cafile ${dir}/ca.crt`, `certfile ${dir}/server.crt`, `keyfile ${dir}/server.key`]
  const config = [
    'per_listener_settings true',
    // Running as root, mosquitto would switch to the mosquitto user, which cannot read this temp folder.
    ...(process.getuid?.() === 0 ? ['user root'] : []),
    `listener ${plainPort} 127.0.0.1`,
    'allow_anonymous false',
    `password_file ${dir}/passwd`,
    `listener ${tlsPort} 127.0.0.1`,
    'allow_anonymous false',
    `password_file ${dir}/passwd`,
    ...tls,
    `listener ${mtlsPort} 127.0.0.1`,
    ...tls,
    'require_certificate true',
    'use_identity_as_username true',
    'allow_anonymous false',
  ]
  writeFileSync(join(dir, 'mosquitto.conf'), config.join('\n') + '\n')
  mosquitto = spawn(MOSQUITTO, ['-c', join(dir, 'mosquitto.conf')], { stdio: 'ignore' })
  await Promise.all([waitForPort(plainPort), waitForPort(tlsPort), waitForPort(mtlsPort)])
}, 60_000)

afterAll(async () => {
  if (mosquitto && mosquitto.exitCode === null) {
    const exited = new Promise((resolve) => mosquitto.once('exit', resolve))
    mosquitto.kill('SIGTERM')
    await exited
  }
  rmSync(dir, { recursive: true, force: true })
})

const connectors: MqttConnector[] = []
function make(options: Partial<MqttConnectorOptions> & { url: string }): MqttConnector {
  // Long reconnect waits: each test looks at the first attempt only.
  const connector = new MqttConnector({ id: 'sec', name: 'Secure', mappings: [], reconnectMs: { first: 60_000, max: 60_000 }, ...options })
  connectors.push(connector)
  return connector
}
afterAll(async () => {
  await Promise.all(connectors.map((c) => c.disconnect()))
})

describe('MQTT against Mosquitto: credentials', () => {
  it('MQTT 5: a wrong password says not authorised with the reason code and what to do', async () => {
    const connector = make({ url: `mqtt://127.0.0.1:${plainPort}`, protocolVersion: 5, username: 'plant', password: 'wrong' })
    await expect(connector.connect()).rejects.toThrow(
      `MQTT mqtt://127.0.0.1:${plainPort}: not authorised (reason 0x87) — check the user name and password, and the broker’s access rules for this client`,
    )
    expect(connector.status().lastError).toContain('not authorised (reason 0x87)')
  })

  it('MQTT 3.1.1: a wrong password says not authorised with the return code', async () => {
    const connector = make({ url: `mqtt://127.0.0.1:${plainPort}`, protocolVersion: 4, username: 'plant', password: 'wrong' })
    await expect(connector.connect()).rejects.toThrow(/not authorised \(return code 5\) — check the user name and password/)
  })

  it('MQTT 3.1.1 and 5 with the right password connect, subscribe and map values', async () => {
    for (const protocolVersion of [4, 5] as const) {
      const values: TagValue[] = []
      const reader = make({
        url: `mqtt://127.0.0.1:${plainPort}`,
        protocolVersion,
        username: 'plant',
        password: 's3cret',
        mappings: [
          {
            tag: { id: 'sec:t', name: 't', path: [], connectionId: 'sec', address: '', dataType: 'Double', access: 'read' },
            topic: `v${protocolVersion}/t`,
            jsonPath: '$.v',
          },
        ],
      })
      reader.onValues((v) => values.push(...v))
      await reader.connect()
      const writer = make({
        url: `mqtt://127.0.0.1:${plainPort}`,
        protocolVersion,
        username: 'plant',
        password: 's3cret',
        clientId: `writer-${protocolVersion}`,
      })
      await writer.connect()
      const client = (writer as unknown as { client: MqttClient }).client
      for (let i = 0; i < 50 && values.length === 0; i++) {
        client.publish(`v${protocolVersion}/t`, JSON.stringify({ v: protocolVersion * 10 }))
        await new Promise((r) => setTimeout(r, 100))
      }
      expect(values.at(-1)).toMatchObject({ value: protocolVersion * 10, quality: { status: 'good' } })
      await reader.disconnect()
      await writer.disconnect()
    }
  })
})

describe('MQTT against Mosquitto: TLS', () => {
  it('connects over mqtts:// with the CA given as a path, and as pasted PEM', async () => {
    const byPath = make({ url: `mqtts://127.0.0.1:${tlsPort}`, protocolVersion: 5, username: 'plant', password: 's3cret', tls: { ca: join(dir, 'ca.crt') } })
    await byPath.connect()
    expect(byPath.state()).toBe('connected')
    const byPem = make({ url: `mqtts://localhost:${tlsPort}`, username: 'plant', password: 's3cret', tls: { ca: readFileSync(join(dir, 'ca.crt'), 'utf8') } })
    await byPem.connect()
    expect(byPem.state()).toBe('connected')
  })

  it('an untrusted CA fails the handshake with the reason and what to do', async () => {
    const connector = make({ url: `mqtts://127.0.0.1:${tlsPort}`, username: 'plant', password: 's3cret', tls: { ca: join(dir, 'other-ca.crt') } })
    await expect(connector.connect()).rejects.toThrow(
      /TLS handshake failed: the broker certificate chain ends in a CA this connection does not trust \(SELF_SIGNED_CERT_IN_CHAIN\) — add the CA certificate that signed it under TLS → CA certificate/,
    )
    const systemCas = make({ url: `mqtts://127.0.0.1:${tlsPort}`, username: 'plant', password: 's3cret' })
    await expect(systemCas.connect()).rejects.toThrow(/TLS handshake failed: .*(SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)/)
  })

  it('with certificate checks turned off it connects to the same broker', async () => {
    const connector = make({
      url: `mqtts://127.0.0.1:${tlsPort}`,
      username: 'plant',
      password: 's3cret',
      tls: { ca: join(dir, 'other-ca.crt'), rejectUnauthorized: false },
    })
    await connector.connect()
    expect(connector.state()).toBe('connected')
  })

  it('plain MQTT against the TLS port and a missing CA file are explained', async () => {
    const plain = make({ url: `mqtt://127.0.0.1:${tlsPort}`, username: 'plant', password: 's3cret' })
    await expect(plain.connect()).rejects.toThrow(/the broker closed the connection .* if it wants TLS, use mqtts:\/\//)
    const missing = make({ url: `mqtts://127.0.0.1:${tlsPort}`, tls: { ca: join(dir, 'nope.crt') } })
    await expect(missing.connect()).rejects.toThrow(/CA certificate ".*nope\.crt": no such file — paste the PEM text or give the path/)
  })

  it('a broker that requires a client certificate: refused without one, connected with certificate and key', async () => {
    const without = make({ url: `mqtts://127.0.0.1:${mtlsPort}`, tls: { ca: join(dir, 'ca.crt') } })
    await expect(without.connect()).rejects.toThrow(/TLS handshake failed|closed the connection/)
    const withCert = make({
      url: `mqtts://127.0.0.1:${mtlsPort}`,
      protocolVersion: 5,
      tls: { ca: join(dir, 'ca.crt'), cert: join(dir, 'client.crt'), key: readFileSync(join(dir, 'client.key'), 'utf8') },
    })
    await withCert.connect()
    expect(withCert.state()).toBe('connected')
  })
})
