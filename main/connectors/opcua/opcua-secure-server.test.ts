import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ConnectionState, TagValue } from '../../../preload/contract'
import { OpcUaCertificateStore } from './certificate-store'
import { discoverEndpoints } from './discovery'
import { callMethod, readMethodSignature } from './methods'
import { OpcUaConnector } from './opcua-connector'
import { withOpcUaSession } from './open-session'
import { startSecureTestServer, type SecureTestServer } from './secure-test-server'
import { isUntrustedCertificateError } from './untrusted-certificate-error'

const VARIABLES = 500

let dataDir: string
let server: SecureTestServer

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'otw-opcua-secure-'))
  server = await startSecureTestServer({ dataDir, variableCount: VARIABLES })
}, 60_000)

afterAll(async () => {
  await server?.close()
  if (dataDir) await rm(dataDir, { recursive: true, force: true })
}, 60_000)

function waitFor<T>(check: () => T | undefined | false, what: string, timeoutMs = 30_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const started = Date.now()
    const poll = setInterval(() => {
      const result = check()
      if (result) {
        clearInterval(poll)
        resolve(result)
      } else if (Date.now() - started > timeoutMs) {
        clearInterval(poll)
        reject(new Error(`timed out waiting for ${what}`))
      }
    }, 50)
  })
}

const secure = () => ({ endpointUrl: server.endpointUrl, dataDir, securityPolicy: 'Basic256Sha256' as const, securityMode: 'SignAndEncrypt' as const })

describe('OPC UA against a Basic256Sha256/SignAndEncrypt-only server', () => {
  it('discovery lists the one secured endpoint with its user tokens and certificate', async () => {
    const endpoints = await discoverEndpoints(server.endpointUrl, { dataDir })
    expect(endpoints.map((endpoint) => `${endpoint.securityPolicy}/${endpoint.securityMode}`)).toEqual(['Basic256Sha256/SignAndEncrypt'])
    expect(endpoints[0].userTokens.map((token) => token.type)).toContain('anonymous')
    expect(endpoints[0].serverCertificate?.thumbprint).toMatch(/^[0-9a-f]{40}$/)
  }, 60_000)

  it('refuses an untrusted server certificate clearly, then connects once it is trusted by thumbprint', async () => {
    const error = await withOpcUaSession(secure(), async () => 'connected').catch((caught: unknown) => caught)
    expect(isUntrustedCertificateError(error)).toBe(true)
    if (!isUntrustedCertificateError(error)) return
    expect(error.code).toBe('CONNECTION_FAILED')
    expect(error.message).toContain(`OPC UA ${server.endpointUrl}: the server certificate "`)
    expect(error.message).toContain(`(thumbprint ${error.details.thumbprint}) is not trusted — trust it in Connections → Certificates, then connect again`)

    const store = new OpcUaCertificateStore(dataDir)
    try {
      const own = await store.ownCertificate()
      expect(own.subject).toMatch(/^OT Workbench/)
      const listed = await store.list()
      expect(listed.find((certificate) => certificate.thumbprint === error.details.thumbprint)?.trust).toBe('rejected')
      const trusted = await store.trust(error.details.thumbprint.toUpperCase())
      expect(trusted.trust).toBe('trusted')
      expect(trusted.notAfter > trusted.notBefore).toBe(true)
    } finally {
      await store.close()
    }
    await expect(withOpcUaSession(secure(), async () => 'connected')).resolves.toBe('connected')
  }, 60_000)

  it('reads a method signature and calls it', async () => {
    const result = await withOpcUaSession(secure(), async (session) => {
      const signature = await readMethodSignature(session, 'ns=1;s=Device.Add')
      expect(signature.inputArguments.map((argument) => `${argument.name}:${argument.dataType}`)).toEqual(['a:Double', 'b:Double'])
      expect(signature.outputArguments.map((argument) => argument.name)).toEqual(['sum'])
      return callMethod(session, 'ns=1;s=Device', 'ns=1;s=Device.Add', [2, '40.5'])
    })
    expect(result.outputs).toEqual([{ name: 'sum', value: 42.5 }])
  }, 60_000)

  it('disconnects without waiting on a server that is gone (no goodbye to a dead peer)', async () => {
    const connector = new OpcUaConnector({
      ...secure(),
      id: 'gone',
      name: 'Gone server',
      publishingIntervalMs: 100,
      reconnect: { initialDelayMs: 200, maxDelayMs: 1000 },
      tags: [{ id: 'gone.v1', nodeId: 'ns=1;s=Bulk.V1', name: 'V1' }],
    })
    await connector.connect()
    await server.kill()
    try {
      await waitFor(() => connector.state() === 'reconnecting', 'the reconnecting state')
      // Generous bound: a hang (the old behaviour) never settles; a clean stop takes well under a second.
      const outcome = await Promise.race([connector.disconnect().then(() => 'disconnected'), new Promise((r) => setTimeout(() => r('still waiting'), 20_000))])
      expect(outcome).toBe('disconnected')
      expect(connector.state()).toBe('disconnected')
    } finally {
      await server.restart()
    }
  }, 60_000)

  it('subscribes 500 variables in bulk, and survives the server being killed and restarted', async () => {
    const connector = new OpcUaConnector({
      ...secure(),
      id: 'bulk',
      name: 'Bulk test server',
      publishingIntervalMs: 100,
      reconnect: { initialDelayMs: 200, maxDelayMs: 1000 },
      tags: Array.from({ length: VARIABLES }, (_, index) => ({
        id: `bulk.v${index}`,
        nodeId: `ns=1;s=Bulk.V${index}`,
        name: `V${index}`,
        samplingIntervalMs: index % 2 === 0 ? 100 : 200,
        deadband: index === 1 ? { type: 'absolute' as const, value: 0.5 } : undefined,
      })),
    })
    const states: ConnectionState[] = []
    const batches: TagValue[][] = []
    connector.onStatus((status) => states.push(status.state))
    connector.onValues((values) => batches.push(values))
    try {
      await connector.connect()
      expect(connector.state()).toBe('connected')
      const latest = new Map<string, TagValue>()
      batches.length = 0
      await waitFor(() => {
        for (const batch of batches.splice(0)) for (const value of batch) latest.set(value.tagId, value)
        return latest.size === VARIABLES
      }, 'a value for every one of the 500 variables')
      expect([...latest.values()].every((value) => value.quality.status === 'good' && typeof value.value === 'number')).toBe(true)
      const v7 = latest.get('bulk.v7')!
      expect(Math.floor((v7.value as number) / 1000)).toBe(7)
      expect(v7.receiveTime).toBeGreaterThanOrEqual(v7.sourceTime - 5_000)

      const [readBack] = await connector.read(['bulk.v3'])
      expect(Math.floor((readBack.value as number) / 1000)).toBe(3)

      // The server dies: the connector says reconnecting and re-sends the last values flagged stale.
      await server.kill()
      await waitFor(() => connector.state() === 'reconnecting', 'the reconnecting state')
      await waitFor(() => batches.some((batch) => batch.length > 0 && batch.every((value) => value.stale === true)), 'stale values')
      expect(connector.status().counters.reconnects).toBeGreaterThanOrEqual(1)

      // It comes back on the same port with the same certificate: session and subscription are restored.
      await server.restart()
      batches.length = 0
      const resumed = new Set<string>()
      await waitFor(
        () => {
          for (const batch of batches.splice(0)) for (const value of batch) if (!value.stale) resumed.add(value.tagId)
          return resumed.size === VARIABLES && connector.state() === 'connected'
        },
        'values from all 500 variables after the restart',
        45_000,
      )
      const afterConnected = states.lastIndexOf('connected')
      const reconnecting = states.indexOf('reconnecting')
      expect(reconnecting).toBeGreaterThan(states.indexOf('connected'))
      expect(afterConnected).toBeGreaterThan(reconnecting)
    } finally {
      await connector.disconnect()
    }
    expect(connector.state()).toBe('disconnected')
  }, 90_000)
})
