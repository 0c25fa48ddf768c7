import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { TagValue } from '../../preload/contract'
import { LiveBus } from './live-bus'

const value = (tagId: string, v: number): TagValue => ({ tagId, value: v, quality: { status: 'good' }, sourceTime: v, receiveTime: v })

describe('LiveBus subscriptions (fake clock)', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setImmediate', 'clearImmediate', 'setInterval', 'clearInterval', 'performance'] })
  })
  afterEach(() => vi.useRealTimers())

  it('sends the first values without waiting for the interval, merging what arrives in the same tick', () => {
    const bus = new LiveBus()
    const batches: TagValue[][] = []
    bus.subscribe({ intervalMs: 100, listener: (b) => batches.push(b) })
    bus.publish([value('A', 1)])
    bus.publish([value('B', 2)])
    expect(batches).toHaveLength(0)
    vi.advanceTimersToNextTimer()
    expect(batches).toEqual([[value('A', 1), value('B', 2)]])
  })

  it('sends at most one batch per interval, with the latest value of each tag', () => {
    const bus = new LiveBus()
    const batches: TagValue[][] = []
    bus.subscribe({ intervalMs: 100, listener: (b) => batches.push(b) })
    bus.publish([value('A', 1)])
    vi.advanceTimersByTime(1)
    expect(batches).toHaveLength(1)
    bus.publish([value('A', 2), value('B', 1)])
    bus.publish([value('A', 3)])
    vi.advanceTimersByTime(50)
    expect(batches).toHaveLength(1)
    vi.advanceTimersByTime(50)
    expect(batches).toEqual([[value('A', 1)], [value('A', 3), value('B', 1)]])
    // Quiet for longer than an interval: the next value goes out at once again.
    vi.advanceTimersByTime(500)
    bus.publish([value('C', 9)])
    vi.advanceTimersByTime(1)
    expect(batches.at(-1)).toEqual([value('C', 9)])
  })

  it('starts with the last known values, keeps to its tags, and stops when closed', () => {
    const bus = new LiveBus()
    bus.publish([value('A', 1), value('B', 1)])
    const batches: TagValue[][] = []
    const subscription = bus.subscribe({ tagIds: ['B'], intervalMs: 50, listener: (b) => batches.push(b) })
    vi.advanceTimersByTime(1)
    expect(batches).toEqual([[value('B', 1)]])
    bus.publish([value('A', 2)])
    vi.advanceTimersByTime(200)
    expect(batches).toHaveLength(1)
    subscription.close()
    bus.publish([value('B', 5)])
    vi.advanceTimersByTime(200)
    expect(batches).toHaveLength(1)
  })

  it('holds and merges while the link is congested, then sends one batch', () => {
    const bus = new LiveBus()
    let congested = true
    const batches: TagValue[][] = []
    bus.subscribe({ intervalMs: 50, listener: (b) => batches.push(b), congested: () => congested })
    for (let i = 0; i < 20; i++) {
      bus.publish([value('A', i), value(`T${i}`, i)])
      vi.advanceTimersByTime(30)
    }
    expect(batches).toHaveLength(0)
    congested = false
    vi.advanceTimersByTime(50)
    expect(batches).toHaveLength(1)
    expect(batches[0]).toHaveLength(21)
    expect(batches[0].find((v) => v.tagId === 'A')?.value).toBe(19)
  })

  it('gives raw listeners every sample and marks a connection stale once', () => {
    const bus = new LiveBus()
    const raw: TagValue[] = []
    bus.onRaw((b) => raw.push(...b))
    bus.publish([value('A', 1), value('A', 2)])
    bus.markStale(['A', 'Z'], 'PLC1: reconnecting')
    bus.markStale(['A'], 'PLC1: reconnecting')
    expect(raw.map((v) => v.value)).toEqual([1, 2, 2])
    expect(bus.lastValue('A')).toMatchObject({ stale: true, quality: { status: 'uncertain', reason: 'PLC1: reconnecting' } })
  })
})
