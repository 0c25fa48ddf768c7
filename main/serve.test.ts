import { mkdtempSync } from 'node:fs'
import { hostname, networkInterfaces, tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startHeadlessHost, type HeadlessHost } from './serve'
import { TestClient } from './serve-test-client'
import { createWorkbench, type Workbench } from './workbench'

describe('headless host', () => {
  let workbench: Workbench
  let host: HeadlessHost
  let wsUrl: string
  let origin: string

  beforeAll(async () => {
    workbench = createWorkbench({ dataDir: mkdtempSync(join(tmpdir(), 'otw-serve-')), host: 'browser', demoPlant: false })
    host = await startHeadlessHost({ router: workbench.router, staticDir: join(tmpdir(), 'no-renderer-here'), port: 0 })
    wsUrl = `ws://127.0.0.1:${host.port}/ws?token=${host.token}`
    origin = `http://127.0.0.1:${host.port}`
  })
  afterAll(async () => {
    await host.close()
    await workbench.stop()
  })

  it('binds 127.0.0.1 and prints a URL with a fresh token', () => {
    expect(host.host).toBe('127.0.0.1')
    expect(host.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${host.port}/\\?token=[A-Za-z0-9_-]{32}$`))
  })

  it('refuses a socket without a token, with a wrong token, or from a foreign origin', async () => {
    await expect(TestClient.open(`ws://127.0.0.1:${host.port}/ws`)).rejects.toThrow('HTTP 401')
    await expect(TestClient.open(`ws://127.0.0.1:${host.port}/ws?token=wrong`)).rejects.toThrow('HTTP 401')
    await expect(TestClient.open(wsUrl, { Origin: 'http://evil.example' })).rejects.toThrow('HTTP 403')
  })

  it('answers a call on the right token and origin', async () => {
    const client = await TestClient.open(wsUrl, { Origin: origin })
    client.send({ kind: 'call', id: 1, channel: 'app.info', input: undefined })
    const reply = await client.next((m) => m.id === 1)
    expect(reply).toMatchObject({ kind: 'result', ok: true, output: { name: 'OT Workbench', host: 'browser' } })
    client.close()
  })

  it('gives typed errors for an unknown channel, a wrong payload type, malformed JSON and an oversized payload — and keeps serving', async () => {
    const client = await TestClient.open(wsUrl)
    client.send({ kind: 'call', id: 1, channel: 'no.such.channel', input: {} })
    expect(await client.next((m) => m.id === 1)).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } })

    client.send({ kind: 'call', id: 2, channel: 'tags.read', input: { tagIds: 'Line1.Filler.Speed' } })
    const wrongType = await client.next((m) => m.id === 2)
    expect(wrongType).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } })
    expect((wrongType as { error: { message: string } }).error.message).toContain('tagIds')

    client.send('{ this is not json')
    expect(await client.next((m) => m.id === 0)).toMatchObject({ ok: false, error: { code: 'MALFORMED_MESSAGE' } })

    client.send({ kind: 'call', id: 3, channel: 'tags.list', input: { search: 'x'.repeat(5 * 1024 * 1024) } })
    // The refusal goes to the call that sent it: its id is read from the beginning of the frame.
    expect(await client.next((m) => m.id === 3)).toMatchObject({ ok: false, error: { code: 'PAYLOAD_TOO_LARGE' } })

    client.send({ kind: 'call', id: 4, channel: 'tags.list', input: {} })
    expect(await client.next((m) => m.id === 4)).toMatchObject({ ok: true, output: [] })
    client.close()
  })

  it('streams coalesced live batches, and closes a stream whose socket dies mid-stream while others keep receiving', async () => {
    const a = await TestClient.open(wsUrl)
    const b = await TestClient.open(wsUrl)
    a.send({ kind: 'subscribe', id: 7, channel: 'live.values', input: { intervalMs: 50 } })
    b.send({ kind: 'subscribe', id: 7, channel: 'live.values', input: { intervalMs: 50 } })
    await new Promise((r) => setTimeout(r, 100))
    const now = Date.now()
    for (let i = 0; i < 100; i++) {
      workbench.live.publish([{ tagId: 'T1', value: i, quality: { status: 'good' }, sourceTime: now + i, receiveTime: now + i }])
    }
    const batch = (await a.next((m) => m.kind === 'event' && m.id === 7)) as { data: { value: number }[] }
    expect(batch.data).toHaveLength(1)
    expect(batch.data[0].value).toBe(99)
    await b.next((m) => m.kind === 'event' && m.id === 7)

    a.ws.terminate()
    await new Promise((r) => setTimeout(r, 100))
    expect(host.clients()).toBe(1)
    workbench.live.publish([{ tagId: 'T1', value: 100, quality: { status: 'good' }, sourceTime: now + 200, receiveTime: now + 200 }])
    const after = (await b.next((m) => m.kind === 'event' && m.id === 7)) as { data: { value: number }[] }
    expect(after.data[0].value).toBe(100)
    b.send({ kind: 'unsubscribe', id: 7 })
    b.close()
  })

  it('rejects a stream opened with bad input as an ended stream with a typed error', async () => {
    const client = await TestClient.open(wsUrl)
    client.send({ kind: 'subscribe', id: 9, channel: 'live.values', input: { intervalMs: 1 } })
    expect(await client.next((m) => m.id === 9)).toMatchObject({ kind: 'end', error: { code: 'INVALID_INPUT' } })
    client.close()
  })

  it('bound to all interfaces (0.0.0.0), accepts the page opened by an address or the name of this machine, and still refuses other origins', async () => {
    const wide = await startHeadlessHost({ router: workbench.router, staticDir: join(tmpdir(), 'no-renderer-here'), host: '0.0.0.0', port: 0 })
    try {
      const url = `ws://127.0.0.1:${wide.port}/ws?token=${wide.token}`
      const external = Object.values(networkInterfaces())
        .flat()
        .find((a) => a && !a.internal && a.family === 'IPv4')?.address
      for (const name of [hostname().toLowerCase(), 'localhost', '127.0.0.1', ...(external ? [external] : [])]) {
        const client = await TestClient.open(url, { Origin: `http://${name}:${wide.port}` })
        expect(await client.call(1, 'app.info'), name).toMatchObject({ ok: true })
        client.close()
      }
      await expect(TestClient.open(url, { Origin: `http://evil.example:${wide.port}` })).rejects.toThrow('HTTP 403')
      await expect(TestClient.open(url, { Origin: `http://${hostname().toLowerCase()}:${wide.port + 1}` })).rejects.toThrow('HTTP 403')
    } finally {
      await wide.close()
    }
  })

  it('says which port is taken when the host port is in use', async () => {
    await expect(startHeadlessHost({ router: workbench.router, staticDir: tmpdir(), port: host.port })).rejects.toMatchObject({
      code: 'PORT_IN_USE',
      message: expect.stringContaining(`port ${host.port}`),
    })
  })
})
