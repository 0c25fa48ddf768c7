import { describe, expect, it } from 'vitest'
import type { HostMessage } from '../../preload/contract'
import { createOutbox, type OutboxLimits } from './outbox'

const LIMITS: OutboxLimits = { coalesceAboveBytes: 1000, maxQueuedBytes: 5000, maxStalledMs: 60_000 }

/** The outbox's own link interface, recorded: the test sets how many bytes the peer has not taken yet. */
function recordingLink() {
  const link = {
    written: [] as HostMessage[],
    queued: 0,
    closedWith: undefined as { code: number; reason: string } | undefined,
    write: (text: string) => void link.written.push(JSON.parse(text) as HostMessage),
    queuedBytes: () => link.queued,
    close: (code: number, reason: string) => void (link.closedWith = { code, reason }),
  }
  return link
}

const value = (tagId: string, v: number) => ({ tagId, value: v, quality: { status: 'good' }, sourceTime: v, receiveTime: v })
const waitForPoll = (): Promise<void> => new Promise((r) => setTimeout(r, 80))

describe('outbox', () => {
  it('sends at once while the link keeps up', () => {
    const link = recordingLink()
    const outbox = createOutbox(link, LIMITS)
    outbox.send({ kind: 'event', id: 1, data: [value('A', 1)] }, 'live.values')
    outbox.send({ kind: 'result', id: 2, ok: true, output: 1 })
    expect(link.written).toHaveLength(2)
    outbox.dispose()
  })

  it('while backed up, merges live batches per tag, replaces status snapshots and progress, and sends them once it drains', async () => {
    const link = recordingLink()
    const outbox = createOutbox(link, LIMITS)
    link.queued = 2000
    expect(outbox.backedUp()).toBe(true)
    outbox.send({ kind: 'event', id: 1, data: [value('A', 1), value('B', 1)] }, 'live.values')
    outbox.send({ kind: 'event', id: 1, data: [value('A', 2)] }, 'live.values')
    outbox.send({ kind: 'event', id: 2, data: [{ id: 'c1' }] }, 'connections.status')
    outbox.send({ kind: 'event', id: 2, data: [{ id: 'c2' }] }, 'connections.status')
    outbox.send({ kind: 'event', id: 3, data: { kind: 'progress', done: 1, total: 9 } }, 'history.export')
    outbox.send({ kind: 'event', id: 3, data: { kind: 'progress', done: 5, total: 9 } }, 'history.export')
    // A result never waits and is never merged.
    outbox.send({ kind: 'result', id: 4, ok: true, output: 'x' })
    expect(link.written).toEqual([{ kind: 'result', id: 4, ok: true, output: 'x' }])
    expect(outbox.stats()).toMatchObject({ heldEvents: 3, closed: false })

    link.queued = 0
    await waitForPoll()
    expect(link.written.slice(1)).toEqual([
      { kind: 'event', id: 1, data: [value('A', 2), value('B', 1)] },
      { kind: 'event', id: 2, data: [{ id: 'c2' }] },
      { kind: 'event', id: 3, data: { kind: 'progress', done: 5, total: 9 } },
    ])
    expect(outbox.backedUp()).toBe(false)
    outbox.dispose()
  })

  it('never merges notices or a task result, and sends a waiting event before its stream ends', () => {
    const link = recordingLink()
    const outbox = createOutbox(link, LIMITS)
    link.queued = 2000
    outbox.send({ kind: 'event', id: 1, data: { level: 'info', text: 'a' } }, 'notices')
    outbox.send({ kind: 'event', id: 1, data: { level: 'info', text: 'b' } }, 'notices')
    outbox.send({ kind: 'event', id: 3, data: { kind: 'progress', done: 5, total: 9 } }, 'history.export')
    outbox.send({ kind: 'event', id: 3, data: { kind: 'done', file: 'f' } }, 'history.export')
    outbox.send({ kind: 'event', id: 5, data: [value('A', 1)] }, 'live.values')
    outbox.send({ kind: 'end', id: 5 }, 'live.values')
    expect(link.written.map((m) => (m.kind === 'event' ? m.data : m.kind))).toEqual([
      { level: 'info', text: 'a' },
      { level: 'info', text: 'b' },
      { kind: 'progress', done: 5, total: 9 },
      { kind: 'done', file: 'f' },
      [value('A', 1)],
      'end',
    ])
    outbox.dispose()
  })

  it('closes the link with 1008 when a message finds more than the cap still queued, and sends nothing after', () => {
    const link = recordingLink()
    let closedCalls = 0
    const outbox = createOutbox(link, LIMITS, () => closedCalls++)
    link.queued = 5001
    outbox.send({ kind: 'result', id: 1, ok: true, output: 1 })
    expect(link.closedWith).toEqual({ code: 1008, reason: 'Outbox over 0.0 MB: the client is not reading its replies; reconnect' })
    expect(closedCalls).toBe(1)
    outbox.send({ kind: 'result', id: 2, ok: true, output: 2 })
    expect(link.written).toEqual([])
    expect(outbox.stats().closed).toBe(true)
  })

  it('closes the link with 1013 when the peer takes nothing for longer than allowed, but not while it drains slowly', async () => {
    const link = recordingLink()
    const outbox = createOutbox(link, { ...LIMITS, maxStalledMs: 500 })
    link.queued = 3000
    outbox.send({ kind: 'result', id: 1, ok: true, output: 1 })
    for (let i = 0; i < 8; i++) {
      link.queued -= 100
      await new Promise((r) => setTimeout(r, 40))
    }
    expect(link.closedWith).toBeUndefined()
    await new Promise((r) => setTimeout(r, 1200))
    expect(link.closedWith?.code).toBe(1013)
    expect(link.closedWith?.reason).toMatch(/^Client not reading: 0\.0 MB waiting for \d+ s; reconnect$/)
  })
})
