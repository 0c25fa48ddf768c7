import { describe, expect, it, vi } from 'vitest'
import type { AuditEntry, BrowseNodeInfo, ConnectionDetail, TagValue } from '../../preload/contract'
import { PRESS, pressPeerSpecs } from '../connectors/opcua/press-peers.fixture'
import { usePressWorkbench, waitFor } from '../connectors/opcua/press-workbench.fixture'

// A saved OPC UA connection against a real server that is shut down and started again on the same port: once values
// flow again, browsing, attribute reads and method calls work too, without Disconnect/Connect. The same steps run
// against open62541 (../shared/peers, written by nobody here; skipped where it is not beside the repository) and
// node-opcua, each plain and Basic256Sha256/SignAndEncrypt, on the same address space.

const names = (nodes: BrowseNodeInfo[]) => nodes.map((node) => node.browseName)

describe.each(pressPeerSpecs())('OPC UA connection across a server restart ($label)', (spec) => {
  const bench = usePressWorkbench(spec, 'otw-opcua-restart-')
  const call = bench.call

  /** A live (not stale) value of the tag received after `since`. */
  function freshValue(tagId: string, since: number): Promise<TagValue> {
    return waitFor(`a fresh value of ${tagId}`, async () => {
      const [value] = await call<TagValue[]>('tags.read', { tagIds: [tagId] })
      return value && !value.stale && value.quality.status === 'good' && value.receiveTime > since ? value : undefined
    })
  }

  /** A secured connection's first connect names the untrusted server certificate; trusting it lets it connect. */
  async function connect(id: string): Promise<void> {
    if (bench.peer.security !== 'None') {
      await expect(call('connections.connect', { id })).rejects.toThrow(/is not trusted/)
      const { untrustedCertificate } = await call<ConnectionDetail>('connections.get', { id })
      await call('certificates.trust', { thumbprint: untrustedCertificate!.thumbprint })
    }
    expect((await call<ConnectionDetail>('connections.connect', { id })).status.state).toBe('connected')
  }

  it('browse, attribute reads (adding a tag) and a method call use the live session once values resume', async () => {
    const { id } = await call<ConnectionDetail>('connections.add', {
      config: {
        protocol: 'opcua',
        name: `Restarting ${spec.label}`,
        endpointUrl: bench.peer.endpointUrl,
        securityPolicy: bench.peer.securityPolicy,
        securityMode: bench.peer.securityMode,
        tags: [{ name: 'Counter', nodeId: `${PRESS}.Counter`, samplingIntervalMs: 100 }],
      },
    })
    await connect(id)
    await freshValue(`${id}:Counter`, 0)
    expect(names(await call<BrowseNodeInfo[]>('connections.browse', { id }))).toEqual(expect.arrayContaining(['1:Plant']))
    const reset = (start: number) =>
      call<{ outputs: unknown[]; auditId: number }>('connections.callMethod', { id, objectId: PRESS, methodId: `${PRESS}.ResetCounter`, inputs: [start] })
    // A method acts on the device: like a write, only while the connection is armed, and audited either way.
    await expect(reset(5)).rejects.toMatchObject({ code: 'WRITE_REFUSED', message: expect.stringMatching(/is not armed/) })
    await call('connections.arm', { id })
    const called = await reset(5)
    expect(called.outputs).toEqual([{ name: 'ok', value: true }])
    const audit = await call<AuditEntry[]>('audit.list', { connectionId: id })
    expect(audit.map((entry) => [entry.tagId, entry.result, entry.newValue])).toEqual([
      [`method ${PRESS}.ResetCounter`, 'ok', '[5]'],
      [`method ${PRESS}.ResetCounter`, 'refused', '[5]'],
    ])
    expect(audit[0].id).toBe(called.auditId)
    await expect(call('connections.callMethod', { id, objectId: PRESS, methodId: 'ResetCounter', inputs: [] })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringMatching(/"ResetCounter" is not a NodeId — write it like ns=1;s=/),
    })

    // node-opcua's reconnection must not dump DataValues (multi-line) on the console.
    const printed: string[] = []
    const capture = (chunk: unknown) => {
      printed.push(String(chunk))
      return true
    }
    const spies = [
      vi.spyOn(process.stderr, 'write').mockImplementation(capture),
      vi.spyOn(process.stdout, 'write').mockImplementation(capture),
      ...(['log', 'warn', 'error', 'info'] as const).map((level) => vi.spyOn(console, level).mockImplementation((...args) => void capture(args.join(' ')))),
    ]
    try {
      await bench.peer.kill()
      await waitFor('the reconnecting state', async () =>
        (await call<ConnectionDetail>('connections.get', { id })).status.state === 'reconnecting' ? true : undefined,
      )
      const restartedAt = Date.now()
      await bench.peer.restart()
      await freshValue(`${id}:Counter`, restartedAt)
    } finally {
      for (const spy of spies) spy.mockRestore()
    }
    expect(printed.filter((text) => /DataValue|\/\*/.test(text) || text.trim().includes('\n'))).toEqual([])
    expect((await call<ConnectionDetail>('connections.get', { id })).status.state).toBe('connected')

    expect(names(await call<BrowseNodeInfo[]>('connections.browse', { id, nodeId: PRESS }))).toEqual(
      expect.arrayContaining(['1:Temperature', '1:Setpoint', '1:ResetCounter']),
    )
    if (bench.peer.sessionCount) expect(bench.peer.sessionCount(), 'browsing rides on the connection’s own session').toBe(1)
    expect((await reset(1)).outputs).toEqual([{ name: 'ok', value: true }])
    // Adding a tag reads its DataType and AccessLevel attributes from the server.
    const withTag = await call<ConnectionDetail>('connections.addTags', { id, tags: [{ name: 'Setpoint', nodeId: `${PRESS}.Setpoint` }] })
    expect(withTag.tags.find((tag) => tag.name === 'Setpoint')).toMatchObject({ dataType: 'Double', access: 'read-write' })
  }, 120_000)

  it('a connection left disconnected browses through its own session, opened again after the server restarted', async () => {
    const { id } = await call<ConnectionDetail>('connections.add', {
      config: {
        protocol: 'opcua',
        name: `Browse only ${spec.label}`,
        endpointUrl: bench.peer.endpointUrl,
        securityPolicy: bench.peer.securityPolicy,
        securityMode: bench.peer.securityMode,
      },
    })
    expect(names(await call<BrowseNodeInfo[]>('connections.browse', { id }))).toEqual(expect.arrayContaining(['1:Plant']))
    await bench.peer.kill()
    await bench.peer.restart()
    expect(names(await call<BrowseNodeInfo[]>('connections.browse', { id, nodeId: PRESS }))).toEqual(expect.arrayContaining(['1:Counter', '1:Profile']))
    expect((await call<ConnectionDetail>('connections.get', { id })).status.state).toBe('disconnected')
  }, 60_000)
})
