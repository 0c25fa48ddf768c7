import { mkdtempSync, rmSync } from 'node:fs'
import type { Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { OutboxLimits } from './ipc/outbox'
import { startHeadlessHost, type HeadlessHost } from './serve'
import { TestClient } from './serve-test-client'
import { createWorkbench, type Workbench } from './workbench'

/** Small limits so a stopped client reaches them in seconds; the defaults are 1 MB / 64 MB / 30 s. */
const LIMITS: OutboxLimits = { coalesceAboveBytes: 64 * 1024, maxQueuedBytes: 1024 * 1024, maxStalledMs: 1000 }

/** The client stops reading: its kernel buffers fill, then everything the host sends waits in the host. */
const socketOf = (client: TestClient): Socket => (client.ws as unknown as { _socket: Socket })._socket
const stopReading = (client: TestClient): void => void socketOf(client).pause()
const resumeReading = (client: TestClient): void => void socketOf(client).resume()

const closeOf = (client: TestClient): Promise<{ code: number; reason: string }> =>
  new Promise((resolve) => client.ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })))

describe('headless host with a client that stops reading', () => {
  let dataDir: string
  let workbench: Workbench
  const hosts: HeadlessHost[] = []

  const start = async (limits: OutboxLimits): Promise<{ host: HeadlessHost; url: string }> => {
    const host = await startHeadlessHost({ router: workbench.router, staticDir: join(dataDir, 'no-renderer'), port: 0, outbox: limits })
    hosts.push(host)
    return { host, url: `ws://127.0.0.1:${host.port}/ws?token=${host.token}` }
  }

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'otw-slow-client-'))
    workbench = createWorkbench({ dataDir, host: 'browser', demoPlant: false })
  })
  afterAll(async () => {
    for (const host of hosts) await host.close()
    await workbench.stop()
    rmSync(dataDir, { recursive: true, force: true })
  })

  it('closes a client that stopped reading a busy live stream (1013, with the reason), holding a bounded outbox, while another client keeps receiving', async () => {
    const { host, url } = await start(LIMITS)
    const stalled = await TestClient.open(url)
    const healthy = await TestClient.open(url)
    // A busy stream: 200 tags with long text values, published every 5 ms (several MB/s once batched).
    const text = 'x'.repeat(500)
    let tick = 0
    const publisher = setInterval(() => {
      const now = Date.now()
      tick++
      workbench.live.publish(
        Array.from({ length: 200 }, (_, i) => ({
          tagId: `Busy.${i}`,
          value: `${text}${tick}`,
          quality: { status: 'good' as const },
          sourceTime: now,
          receiveTime: now,
        })),
      )
    }, 5)
    try {
      stalled.send({ kind: 'subscribe', id: 1, channel: 'live.values', input: { intervalMs: 16 } })
      healthy.send({ kind: 'subscribe', id: 1, channel: 'live.values', input: { intervalMs: 16 } })
      await stalled.next((m) => m.kind === 'event' && m.id === 1)
      await healthy.next((m) => m.kind === 'event' && m.id === 1)
      const closed = closeOf(stalled)
      stopReading(stalled)

      let maxQueuedBytes = 0
      let maxHeldEvents = 0
      let healthyBatches = 0
      const deadline = Date.now() + 30_000
      for (;;) {
        const [stalledStats] = host.clientStats()
        maxQueuedBytes = Math.max(maxQueuedBytes, stalledStats.queuedBytes)
        maxHeldEvents = Math.max(maxHeldEvents, stalledStats.heldEvents)
        healthyBatches += healthy.messages.splice(0).filter((m) => m.kind === 'event').length
        if (stalledStats.closed) break
        expect(Date.now(), 'the host should have closed the stalled client').toBeLessThan(deadline)
        await new Promise((r) => setTimeout(r, 20))
      }
      resumeReading(stalled)
      const { code, reason } = await closed
      expect(code).toBe(1013)
      expect(reason).toMatch(/^Client not reading: [\d.]+ MB waiting for \d+ s; reconnect$/)
      // It did back up into the host (past the point where streams merge), and no further than the cap.
      expect(maxQueuedBytes).toBeGreaterThan(LIMITS.coalesceAboveBytes)
      expect(maxQueuedBytes).toBeLessThanOrEqual(LIMITS.maxQueuedBytes)
      expect(maxHeldEvents).toBeLessThanOrEqual(1)
      expect(healthyBatches).toBeGreaterThan(0)

      healthy.messages.splice(0)
      await healthy.next((m) => m.kind === 'event' && m.id === 1)
      expect(await healthy.call(2, 'app.info')).toMatchObject({ ok: true })
      await expect.poll(() => host.clients()).toBe(1)
    } finally {
      clearInterval(publisher)
      stalled.ws.terminate()
      healthy.close()
    }
  }, 60_000)

  it('closes a client that keeps calling but stopped reading its replies once its outbox passes the cap (1008, with the reason)', async () => {
    const { host, url } = await start({ ...LIMITS, maxStalledMs: 60_000 })
    const flooder = await TestClient.open(url)
    const healthy = await TestClient.open(url)
    const closed = closeOf(flooder)
    stopReading(flooder)
    let maxQueuedBytes = 0
    let id = 0
    const deadline = Date.now() + 30_000
    for (;;) {
      for (let i = 0; i < 500; i++) flooder.send({ kind: 'call', id: ++id, channel: 'app.info' })
      await new Promise((r) => setTimeout(r, 5))
      const [flooderStats] = host.clientStats()
      maxQueuedBytes = Math.max(maxQueuedBytes, flooderStats.queuedBytes)
      if (flooderStats.closed) break
      expect(Date.now(), 'the host should have closed the flooding client').toBeLessThan(deadline)
    }
    resumeReading(flooder)
    const { code, reason } = await closed
    expect(code).toBe(1008)
    expect(reason).toBe('Outbox over 1.0 MB: the client is not reading its replies; reconnect')
    // The cap is checked before each write: at most one reply beyond it.
    expect(maxQueuedBytes).toBeLessThanOrEqual(LIMITS.maxQueuedBytes + 4096)
    expect(await healthy.call(1, 'app.info')).toMatchObject({ ok: true })
    flooder.ws.terminate()
    healthy.close()
  }, 60_000)
})
