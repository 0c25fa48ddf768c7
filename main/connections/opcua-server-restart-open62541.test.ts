import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { BrowseNodeInfo, ConnectionDetail, TagValue } from '../../preload/contract'
import { freePort } from '../connectors/opcua/secure-test-server'
import { createWorkbench, type Workbench } from '../workbench'

// The same restart as opcua-server-restart.test.ts against open62541 (../shared/peers/open62541), a server nobody
// on the project wrote: after it is stopped and started again on the same port, browse and a method call work.

/** The peer sits outside the repository, in `shared/peers/` beside it or beside one of its parent folders (worktrees). */
function findPeer(): string | undefined {
  for (let dir = resolve(__dirname, '../../..'); dir !== dirname(dir); dir = dirname(dir)) {
    const candidate = join(dir, 'shared/peers/open62541/build.sh')
    if (existsSync(candidate)) return candidate
  }
  return undefined
}
const PEER = findPeer()
const PRESS = 'ns=1;s=Plant.Line2.Press'

let binary: string
let port: number
let server: ChildProcess | undefined
let dataDir: string
let workbench: Workbench

/** Starts the peer on `port` and resolves on its READY line. */
function startPeer(): Promise<void> {
  const child = spawn(binary, [String(port)], { stdio: ['ignore', 'pipe', 'inherit'] })
  server = child
  return new Promise((resolveReady, reject) => {
    let output = ''
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8')
      if (output.includes(`READY opc.tcp://127.0.0.1:${port}`)) resolveReady()
    })
    child.once('exit', (code) => reject(new Error(`open62541 peer exited with ${code} before it was ready: ${output.slice(-500)}`)))
  })
}

async function stopPeer(): Promise<void> {
  const child = server
  server = undefined
  if (!child || child.exitCode !== null) return
  const exited = new Promise((resolveExit) => child.once('exit', resolveExit))
  child.kill('SIGTERM')
  await exited
}

beforeAll(async () => {
  if (!PEER) return
  // The first build compiles open62541 (about 75 s); later runs reuse the cached objects.
  binary = execFileSync(PEER, [resolve(__dirname, '../../node_modules/.cache/open62541-peer'), '--no-encryption'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    timeout: 400_000,
  }).trim()
  port = await freePort()
  await startPeer()
  dataDir = await mkdtemp(join(tmpdir(), 'otw-open62541-restart-'))
  workbench = createWorkbench({ dataDir, host: 'browser', demoPlant: false })
  await workbench.start()
}, 420_000)

afterAll(async () => {
  await workbench?.stop()
  await stopPeer()
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
    await new Promise((resolveLater) => setTimeout(resolveLater, 100))
  }
}

function freshValue(tagId: string, since: number): Promise<TagValue> {
  return waitFor(`a fresh value of ${tagId}`, async () => {
    const [value] = await call<TagValue[]>('tags.read', { tagIds: [tagId] })
    return value && !value.stale && value.quality.status === 'good' && value.receiveTime > since ? value : undefined
  })
}

describe.skipIf(!PEER)('OPC UA connection to open62541 (shared/peers, skipped where it is not beside the repository) across a server restart', () => {
  it('browse, a method call and attribute reads work again once values resume', async () => {
    const { id } = await call<ConnectionDetail>('connections.add', {
      config: {
        protocol: 'opcua',
        name: 'open62541 press',
        endpointUrl: `opc.tcp://127.0.0.1:${port}`,
        tags: [{ name: 'Counter', nodeId: `${PRESS}.Counter` }],
      },
      connect: true,
    })
    await freshValue(`${id}:Counter`, 0)
    await call('connections.arm', { id })
    const reset = () => call<{ outputs: unknown[] }>('connections.callMethod', { id, objectId: PRESS, methodId: `${PRESS}.ResetCounter`, inputs: [5] })
    expect((await reset()).outputs).toEqual([{ name: 'ok', value: true }])

    await stopPeer()
    await waitFor('the reconnecting state', async () =>
      (await call<ConnectionDetail>('connections.get', { id })).status.state === 'reconnecting' ? true : undefined,
    )
    const restartedAt = Date.now()
    await startPeer()
    await freshValue(`${id}:Counter`, restartedAt)

    const children = await call<BrowseNodeInfo[]>('connections.browse', { id, nodeId: PRESS })
    expect(children.map((node) => node.browseName)).toEqual(expect.arrayContaining(['1:Temperature', '1:Setpoint', '1:ResetCounter']))
    expect((await reset()).outputs).toEqual([{ name: 'ok', value: true }])
    const withTag = await call<ConnectionDetail>('connections.addTags', { id, tags: [{ name: 'Setpoint', nodeId: `${PRESS}.Setpoint` }] })
    expect(withTag.tags.find((tag) => tag.name === 'Setpoint')).toMatchObject({ dataType: 'Double', access: 'read-write' })
  }, 120_000)
})
