import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { ConnectionDetail, DiscoveredEndpointInfo, TagValue } from '../../../preload/contract'
import { EXIT, main, type CliIo } from '../../cli'
import { browseChildren, readNodeAttributes } from './browse'
import { firstCertificateDer } from './certificate-info'
import { OpcUaCertificateStore } from './certificate-store'
import { readRawHistory } from './history'
import { readMethodSignature } from './methods'
import { withOpcUaSession } from './open-session'
import { PRESS, pressPeerSpecs, startPressPeer } from './press-peers.fixture'
import { usePressWorkbench, waitFor } from './press-workbench.fixture'
import { oneLine } from './quiet-logs'

// The same steps as an engineer takes against an OPC UA server, run against open62541 (../shared/peers, a server
// nobody here wrote; skipped where it is not beside the repository) and node-opcua, each plain and
// Basic256Sha256/SignAndEncrypt, with the same address space. Each step was a bug against open62541.

function captureIo() {
  const out: string[] = []
  const err: string[] = []
  const io: CliIo = { stdout: (s) => void out.push(s), stderr: (s) => void err.push(s), untilInterrupted: () => Promise.resolve() }
  return { io, out: () => out.join(''), err: () => err.join('') }
}

describe.each(pressPeerSpecs())('OPC UA against $label', (spec) => {
  const bench = usePressWorkbench(spec, 'otw-opcua-interop-', async () => {
    if (bench.peer.security === 'None') return
    // A secured first connect records the server certificate as rejected; the command line trusts it.
    const first = await cli(['read', bench.peer.endpointUrl, `${PRESS}.Temperature`, ...security()])
    expect(first.code).toBe(EXIT.failed)
    expect(first.err).toMatch(/is not trusted/)
    const listed = await cli(['certs', 'list', '--json'])
    const { servers } = JSON.parse(listed.out) as { servers: { thumbprint: string; trust: string }[] }
    expect(servers).toHaveLength(1)
    expect(servers[0].trust).toBe('rejected')
    expect((await cli(['certs', 'trust', servers[0].thumbprint])).code).toBe(EXIT.ok)
  })
  const call = bench.call
  const security = () => (bench.peer.security === 'None' ? [] : ['--policy', bench.peer.securityPolicy, '--mode', bench.peer.securityMode])
  const cli = async (args: string[]) => {
    const captured = captureIo()
    const code = await main([...args, '--data-dir', bench.dataDir], captured.io)
    return { code, out: captured.out(), err: captured.err() }
  }
  const session = <T>(use: Parameters<typeof withOpcUaSession<T>>[1]) =>
    withOpcUaSession(
      { endpointUrl: bench.peer.endpointUrl, dataDir: bench.dataDir, securityPolicy: bench.peer.securityPolicy, securityMode: bench.peer.securityMode },
      use,
    )

  it('a tag on a NodeId the server does not know shows bad quality with BadNodeIdUnknown and counts as an error', async () => {
    const { id } = await call<ConnectionDetail>('connections.add', {
      config: {
        protocol: 'opcua',
        name: `Unknown node ${spec.label}`,
        endpointUrl: bench.peer.endpointUrl,
        securityPolicy: bench.peer.securityPolicy,
        securityMode: bench.peer.securityMode,
        tags: [
          { name: 'Counter', nodeId: `${PRESS}.Counter` },
          { name: 'Typo', nodeId: `${PRESS}.Countre` },
        ],
      },
      connect: true,
    })
    const typo = await waitFor('the unknown node’s value', async () => {
      const [value] = await call<TagValue[]>('tags.read', { tagIds: [`${id}:Typo`] })
      return value?.quality.status === 'bad' ? value : undefined
    })
    expect(typo).toMatchObject({ value: null, quality: { status: 'bad', reason: 'BadNodeIdUnknown' } })
    await waitFor('a Counter value', async () => {
      const [value] = await call<TagValue[]>('tags.read', { tagIds: [`${id}:Counter`] })
      return value?.quality.status === 'good' ? value : undefined
    })
    const { status } = await call<ConnectionDetail>('connections.get', { id })
    expect(status.counters.errors).toBeGreaterThanOrEqual(1)
    expect(status.state).toBe('degraded')
    expect(status.lastError).toMatch(/Typo \(ns=1;s=Plant\.Line2\.Press\.Countre\): BadNodeIdUnknown/)
    await call('connections.remove', { id })
  }, 90_000)

  it('an array is an array in reads, --json and the subscription, and an array write sends one', async () => {
    const profile = `${PRESS}.Profile`
    const { id } = await call<ConnectionDetail>('connections.add', {
      config: {
        protocol: 'opcua',
        name: `Arrays ${spec.label}`,
        endpointUrl: bench.peer.endpointUrl,
        securityPolicy: bench.peer.securityPolicy,
        securityMode: bench.peer.securityMode,
        tags: [{ name: 'Profile', nodeId: profile }],
      },
      connect: true,
    })
    const live = await waitFor('a Profile value', async () => {
      const [value] = await call<TagValue[]>('tags.read', { tagIds: [`${id}:Profile`] })
      return value?.quality.status === 'good' ? value : undefined
    })
    expect(Array.isArray(live.value)).toBe(true)
    expect(live.value).toHaveLength(4)
    expect((live.value as number[]).every((item) => typeof item === 'number')).toBe(true)

    const read = await cli(['read', bench.peer.endpointUrl, profile, '--json', ...security()])
    expect(read.code).toBe(EXIT.ok)
    const [row] = JSON.parse(read.out) as TagValue[]
    expect(row.value).toHaveLength(4)
    expect(typeof (row.value as number[])[0]).toBe('number')

    // The open62541 peer's Profile is read-only: the server itself refuses the array (before, the workbench refused
    // "[1,2,3,4]" as "not a number" without sending anything).
    const refused = await cli(['write', bench.peer.endpointUrl, profile, '[1, 2, 3, 4]', '--yes', ...security()])
    expect(refused.code).toBe(EXIT.failed)
    expect(refused.err).toMatch(/BadNotWritable|BadUserAccessDenied/)
    if (bench.peer.writableArray) {
      const written = await cli(['write', bench.peer.endpointUrl, bench.peer.writableArray, '4.5, 5, 6', '--yes', '--json', ...security()])
      expect(written.code, written.err).toBe(EXIT.ok)
      expect(JSON.parse(written.out)).toMatchObject({ old: [1, 2, 3], new: [4.5, 5, 6] })
      // Through the app: added from the server's attributes (an array of Double, writable), armed, prepared,
      // confirmed, read back element by element.
      const withRecipe = await call<ConnectionDetail>('connections.addTags', { id, tags: [{ name: 'Recipe', nodeId: bench.peer.writableArray }] })
      expect(withRecipe.tags.find((tag) => tag.name === 'Recipe')).toMatchObject({ dataType: 'Double[]', access: 'read-write' })
      await call('connections.arm', { id })
      const prepared = await call<{ id: string; ok: boolean; checks: unknown[] }>('writes.prepare', { tagId: `${id}:Recipe`, value: '[7, 8, 9]' })
      expect(prepared.ok, JSON.stringify(prepared.checks)).toBe(true)
      const result = await call<{ result: string; readBack: unknown }>('writes.commit', { id: prepared.id })
      expect(result).toMatchObject({ result: 'ok', readBack: [7, 8, 9] })
    }
    await call('connections.remove', { id })
  }, 90_000)

  it('structured values print readably and method arguments name their types', async () => {
    // The properties' NodeIds differ between servers: found by browsing, as an engineer does.
    const [pressureProperties, methodProperties] = await session(async (s) => [
      await browseChildren(s, `${PRESS}.Pressure`),
      await browseChildren(s, `${PRESS}.ResetCounter`),
    ])
    const idOf = (nodes: { browseName: string; nodeId: string }[], name: string) => nodes.find((node) => node.browseName.endsWith(name))!.nodeId
    const range = await cli(['read', bench.peer.endpointUrl, idOf(pressureProperties, 'EURange'), ...security()])
    expect(range.code, range.err).toBe(EXIT.ok)
    expect(range.out).toContain('"0 … 250"')
    expect(range.out).not.toMatch(/\/\*/)
    const units = await cli(['read', bench.peer.endpointUrl, idOf(pressureProperties, 'EngineeringUnits'), '--json', ...security()])
    const [eu] = JSON.parse(units.out) as TagValue[]
    expect(eu.value).toMatch(/^bar/)
    expect(eu.value).not.toMatch(/\/\*/)

    const signature = await session((s) => readMethodSignature(s, `${PRESS}.ResetCounter`))
    expect(signature.inputArguments).toEqual([expect.objectContaining({ name: 'start', dataType: 'Int32', valueRank: -1 })])
    expect(signature.outputArguments).toEqual([expect.objectContaining({ name: 'ok', dataType: 'Boolean' })])
    const args = await cli(['read', bench.peer.endpointUrl, idOf(methodProperties, 'InputArguments'), '--json', ...security()])
    expect((JSON.parse(args.out) as TagValue[])[0].value).toEqual(['start: Int32'])

    const attributes = await session((s) => readNodeAttributes(s, `${PRESS}.Profile`))
    const byName = Object.fromEntries(attributes.map((attribute) => [attribute.name, attribute.value]))
    expect(byName).toMatchObject({ ValueRank: 1, MinimumSamplingInterval: 200 })
    expect(byName.Value).toHaveLength(4)
  }, 90_000)

  it('HistoryRead on a server without history says it keeps none', async () => {
    await expect(session((s) => readRawHistory(s, `${PRESS}.Temperature`, { start: new Date(Date.now() - 60_000), end: new Date() }))).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      message: expect.stringMatching(/the server keeps no history for this node/),
    })
  }, 60_000)

  it('discovery lists each user token type once per endpoint', async () => {
    const endpoints = await call<DiscoveredEndpointInfo[]>('connections.discover', { endpointUrl: bench.peer.endpointUrl })
    expect(endpoints.length).toBeGreaterThan(0)
    for (const endpoint of endpoints) {
      const types = endpoint.userTokens.map((token) => token.type)
      expect(types).toEqual([...new Set(types)])
      expect(types).toContain('anonymous')
    }
  }, 60_000)

  it.skipIf(spec.security === 'None')(
    'a server that rejects the workbench’s certificate: BadCertificateUntrusted, our thumbprint and what to do',
    async () => {
      const strictDir = join(bench.dataDir, 'strict-peer')
      // The strict server trusts one client certificate only, and it is not ours: another workbench's.
      const otherStore = new OpcUaCertificateStore(join(bench.dataDir, 'other-workbench'))
      await otherStore.ownCertificate()
      const stranger = join(bench.dataDir, 'stranger.der')
      await writeFile(stranger, firstCertificateDer(await readFile(join(otherStore.rootFolder, 'own/certs/client_certificate.pem'))))
      await otherStore.close()
      const strict = await startPressPeer(spec, { dataDir: strictDir, trustedClients: [stranger] })
      try {
        const first = await cli(['read', strict.endpointUrl, `${PRESS}.Temperature`, '--policy', 'Basic256Sha256', '--mode', 'SignAndEncrypt'])
        const [serverThumbprint] = /thumbprint ([0-9a-f]+)/i.exec(first.err)!.slice(1)
        expect((await cli(['certs', 'trust', serverThumbprint])).code).toBe(EXIT.ok)
        const rejected = await cli(['read', strict.endpointUrl, `${PRESS}.Temperature`, '--policy', 'Basic256Sha256', '--mode', 'SignAndEncrypt'])
        expect(rejected.code).toBe(EXIT.failed)
        const own = JSON.parse((await cli(['certs', 'own', '--json'])).out) as { thumbprint: string }
        expect(rejected.err).toContain('BadCertificateUntrusted')
        expect(rejected.err).toContain(own.thumbprint)
        expect(rejected.err).toMatch(/On the server, trust it/)
        expect(rejected.err).not.toMatch(/may have been rejected by server/)
      } finally {
        await strict.close()
      }
    },
    120_000,
  )
})

describe('node-opcua console output', () => {
  it('keeps the first line of each warning, without colours or the DataValue dumped after it', () => {
    expect(oneLine(['\u001b[36mrepublish has failed\u001b[39m', { value: 'a DataValue' }, 'with\n  { /*DataValue*/\n value: …}'])).toBe(
      'republish has failed with',
    )
    expect(oneLine([{ toString: () => 'multi\nline' }])).toBeUndefined()
    // What node-opcua prints on every reconnect to a server without some OperationLimits (open62541).
    const dump = '{ /* DataValue */\n   value: <null>\n   statusCode:      BadNodeIdUnknown (0x80340000)\n}'
    expect(oneLine(['dataValue = ', dump, ' for ', 'ns=0;i=11705'])).toBe('dataValue = BadNodeIdUnknown for ns=0;i=11705')
  })
})
