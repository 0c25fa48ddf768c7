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
   * Coalesced batches for one subscriber: the latest value per tag, at most once per interval. A batch goes out as
   * soon as values arrive when the last one left at least an interval ago (values that arrive in the same tick go
   * together), otherwise when the interval is up: a value waits for the interval only while values keep coming.
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
    let lastSent = -Infinity
    let timer: NodeJS.Timeout | undefined
    let immediate: NodeJS.Immediate | undefined
    let closed = false
    const flush = (): void => {
      timer = undefined
      immediate = undefined
      if (closed || pending.size === 0) return
      if (options.congested?.()) {
        schedule(options.intervalMs)
        return
      }
      const batch = [...pending.values()]
      pending = new Map()
      lastSent = performance.now()
      options.listener(batch)
    }
    const schedule = (delayMs: number): void => {
      if (timer || immediate || closed) return
      if (delayMs <= 0) immediate = setImmediate(flush)
      else {
        timer = setTimeout(flush, delayMs)
        timer.unref?.()
      }
    }
    const onValues: LiveListener = (batch) => {
      let added = false
      for (const value of batch) {
        if (!filter || filter.has(value.tagId)) {
          pending.set(value.tagId, value)
          added = true
        }
      }
      if (added) schedule(lastSent + options.intervalMs - performance.now())
    }
    if (options.initial !== false) {
      for (const value of this.lastValues(options.tagIds)) pending.set(value.tagId, value)
    }
    this.raw.add(onValues)
    schedule(0)
    return {
      close: () => {
        closed = true
        clearTimeout(timer)
        if (immediate) clearImmediate(immediate)
        this.raw.delete(onValues)
      },
    }
  }
}
