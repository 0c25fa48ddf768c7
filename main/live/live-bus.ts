import type { TagValue } from '../../preload/contract'

export type LiveListener = (batch: TagValue[]) => void

export interface LiveSubscription {
  close(): void
}

/**
 * The live path between connectors and everyone who wants values: keeps the last value of every tag
 * and hands each subscriber coalesced batches (latest value per tag per interval), never one call per sample.
 */
export class LiveBus {
  private readonly last = new Map<string, TagValue>()
  private readonly raw = new Set<LiveListener>()

  /** Connectors publish here; historian ingest listens raw (every sample), views listen coalesced. */
  publish(values: TagValue[]): void {
    if (values.length === 0) return
    for (const value of values) this.last.set(value.tagId, value)
    for (const listener of this.raw) listener(values)
  }

  /** Marks every value of a connection's tags stale (kept on screen, shown as last known). */
  markStale(tagIds: Iterable<string>, reason: string): void {
    const stale: TagValue[] = []
    for (const tagId of tagIds) {
      const previous = this.last.get(tagId)
      if (!previous || previous.stale) continue
      stale.push({ ...previous, stale: true, quality: { status: 'uncertain', reason } })
    }
    this.publish(stale)
  }

  lastValue(tagId: string): TagValue | undefined {
    return this.last.get(tagId)
  }

  lastValues(tagIds?: readonly string[]): TagValue[] {
    if (!tagIds) return [...this.last.values()]
    const out: TagValue[] = []
    for (const tagId of tagIds) {
      const value = this.last.get(tagId)
      if (value) out.push(value)
    }
    return out
  }

  /** Every sample as it arrives (historian ingest). */
  onRaw(listener: LiveListener): LiveSubscription {
    this.raw.add(listener)
    return { close: () => this.raw.delete(listener) }
  }

  /**
   * Coalesced batches for one subscriber: the latest value per tag, at most once per interval.
   * While `congested()` says the link is full, values keep merging and nothing queues up.
   */
  subscribe(options: {
    tagIds?: readonly string[]
    intervalMs: number
    listener: LiveListener
    congested?: () => boolean
    /** Send the current last values first, so a new view shows something at once. */
    initial?: boolean
  }): LiveSubscription {
    const filter = options.tagIds ? new Set(options.tagIds) : undefined
    let pending = new Map<string, TagValue>()
    if (options.initial !== false) {
      for (const value of this.lastValues(options.tagIds)) pending.set(value.tagId, value)
    }
    const onValues: LiveListener = (batch) => {
      for (const value of batch) {
        if (!filter || filter.has(value.tagId)) pending.set(value.tagId, value)
      }
    }
    this.raw.add(onValues)
    const flush = (): void => {
      if (pending.size === 0 || options.congested?.()) return
      const batch = [...pending.values()]
      pending = new Map()
      options.listener(batch)
    }
    const timer = setInterval(flush, options.intervalMs)
    timer.unref?.()
    queueMicrotask(flush)
    return {
      close: () => {
        clearInterval(timer)
        this.raw.delete(onValues)
      },
    }
  }
}
