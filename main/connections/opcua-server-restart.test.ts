import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AuditEntry, BrowseNodeInfo, ConnectionDetail, TagValue } from '../../preload/contract'
import { startSecureTestServer, type SecureTestServer } from '../connectors/opcua/secure-test-server'
import { createWorkbench, type Workbench } from '../workbench'

// A saved OPC UA connection against a real node-opcua server (Basic256Sha256/SignAndEncrypt) that is shut down and
// started again on the same port: once values flow again, browsing, attribute reads and method calls work too,
// without Disconnect/Connect.

let dataDir: string
let server: SecureTestServer
let workbench: Workbench

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'otw-opcua-restart-'))
  server = await startSecureTestServer({ dataDir: join(dataDir, 'server'), variableCount: 3 })
  workbench = createWorkbench({ dataDir, host: 'browser', demoPlant: false })
  await workbench.start()
}, 60_000)

afterAll(async () => {
  await workbench?.stop()
  await server?.close()
  if (dataDir) await rm(dataDir, { recursive: true, force: true })
}, 60_000)

async function call<T>(channel: string, input: unknown): Promise<T> {
  const result = (await workbench.router.call(channel, input)) as { ok: boolean; output?: T; error?: { code: string; message: string } }
  if (!result.ok) throw Object.assign(new Error(`${channel}: ${result.error?.message}`), { code: result.error?.code })
  return result.output as T
}

async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 45_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const result = await check()
    if (result !== undefined) return result
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

/** A live (not stale) value of the tag received after `since`. */
function freshValue(tagId: string, since: number): Promise<TagValue> {
  return waitFor(`a fresh value of ${tagId}`, async () => {
    const [value] = await call<TagValue[]>('tags.read', { tagIds: [tagId] })
    return value && !value.stale && value.quality.status === 'good' && value.receiveTime > since ? value : undefined
  })
}

const names = (nodes: BrowseNodeInfo[]) => nodes.map((node) => node.browseName)

describe('OPC UA connection across a server restart', () => {
  it('browse, attribute reads (adding a tag) and a method call use the live session once values resume', async () => {
    const added = await call<ConnectionDetail>('connections.add', {
      config: {
        protocol: 'opcua',
        name: 'Restarting server',
        endpointUrl: server.endpointUrl,
        securityPolicy: 'Basic256Sha256',
        securityMode: 'SignAndEncrypt',
        tags: [{ name: 'V1', nodeId: 'ns=1;s=Bulk.V1', samplingIntervalMs: 100 }],
      },
    })
    const id = added.id
    await expect(call('connections.connect', { id })).rejects.toThrow(/is not trusted/)
    const { untrustedCertificate } = await call<ConnectionDetail>('connections.get', { id })
    await call('certificates.trust', { thumbprint: untrustedCertificate!.thumbprint })
    expect((await call<ConnectionDetail>('connections.connect', { id })).status.state).toBe('connected')

    await freshValue(`${id}:V1`, 0)
    expect(names(await call<BrowseNodeInfo[]>('connections.browse', { id }))).toEqual(expect.arrayContaining(['1:Bulk', '1:Device']))
    const add = (a: number, b: number) =>
      call<{ outputs: unknown[]; auditId: number }>('connections.callMethod', { id, objectId: 'ns=1;s=Device', methodId: 'ns=1;s=Device.Add', inputs: [a, b] })
    // A method acts on the device: like a write, only while the connection is armed, and audited either way.
    await expect(add(2, 40.5)).rejects.toMatchObject({ code: 'WRITE_REFUSED', message: expect.stringMatching(/is not armed/) })
    await call('connections.arm', { id })
    const sum = await add(2, 40.5)
    expect(sum.outputs).toEqual([{ name: 'sum', value: 42.5 }])
    const audit = await call<AuditEntry[]>('audit.list', { connectionId: id })
    expect(audit.map((entry) => [entry.tagId, entry.result, entry.newValue])).toEqual([
      ['method ns=1;s=Device.Add', 'ok', '[2,40.5]'],
      ['method ns=1;s=Device.Add', 'refused', '[2,40.5]'],
    ])
    expect(audit[0].id).toBe(sum.auditId)
    await expect(call('connections.callMethod', { id, objectId: 'ns=1;s=Device', methodId: 'Add', inputs: [] })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringMatching(/"Add" is not a NodeId — write it like ns=1;s=/),
    })

    await server.kill()
    await waitFor('the reconnecting state', async () =>
      (await call<ConnectionDetail>('connections.get', { id })).status.state === 'reconnecting' ? true : undefined,
    )
    const restartedAt = Date.now()
    await server.restart()
    await freshValue(`${id}:V1`, restartedAt)
    expect((await call<ConnectionDetail>('connections.get', { id })).status.state).toBe('connected')

    expect(names(await call<BrowseNodeInfo[]>('connections.browse', { id, nodeId: 'ns=1;s=Bulk' }))).toEqual(['1:V0', '1:V1', '1:V2'])
    expect(server.sessionCount(), 'browsing rides on the connection’s own session').toBe(1)
    const again = await add(1, 2)
    expect(again.outputs).toEqual([{ name: 'sum', value: 3 }])
    // Adding a tag reads its DataType and AccessLevel attributes from the server.
    const withTag = await call<ConnectionDetail>('connections.addTags', { id, tags: [{ name: 'V2', nodeId: 'ns=1;s=Bulk.V2' }] })
    expect(withTag.tags.find((tag) => tag.name === 'V2')).toMatchObject({ dataType: 'Double', access: 'read-write' })
  }, 120_000)

  it('a connection left disconnected browses through its own session, opened again after the server restarted', async () => {
    const { id } = await call<ConnectionDetail>('connections.add', {
      config: { protocol: 'opcua', name: 'Browse only', endpointUrl: server.endpointUrl, securityPolicy: 'Basic256Sha256', securityMode: 'SignAndEncrypt' },
    })
    expect(names(await call<BrowseNodeInfo[]>('connections.browse', { id }))).toEqual(expect.arrayContaining(['1:Bulk']))
    await server.kill()
    await server.restart()
    expect(names(await call<BrowseNodeInfo[]>('connections.browse', { id, nodeId: 'ns=1;s=Bulk' }))).toEqual(['1:V0', '1:V1', '1:V2'])
    expect((await call<ConnectionDetail>('connections.get', { id })).status.state).toBe('disconnected')
  }, 60_000)
})
