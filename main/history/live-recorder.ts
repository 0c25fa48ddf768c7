import type { TagValue } from '../../preload/contract'
import type { SampleColumns } from './historian-thread-messages'

const QUALITY_CODE = { good: 0, uncertain: 1, bad: 2 } as const

/**
 * Collects live values as columns (tag index, time, value, quality) for the historian writer thread, and keeps
 * every sample until the thread says it is committed to the file: a thread that dies loses nothing but a re-send.
 * Numbers and booleans are recorded as they come, a missing value (null) as NaN with its bad quality, so a gap is
 * kept as a gap. Stale marks are the UI's, not data; text values are not recorded.
 */
export class LiveRecorder {
  private readonly index = new Map<string, number>()
  private readonly names: string[] = []
  private tag = new Uint32Array(4096)
  private t = new Float64Array(4096)
  private v = new Float64Array(4096)
  private q = new Uint8Array(4096)
  private reasons: [number, string][] = []
  /** Samples held: [0, posted) are with the thread, [posted, length) not sent yet. */
  private length = 0
  private posted = 0
  private tagsSent = 0
  private seq = 0
  private batches: { seq: number; end: number }[] = []
  /** Samples that were handed over but no longer kept here (the cap was reached while writes kept failing). */
  private unprotected = 0

  /** @param maxHeldSamples beyond this many unacknowledged samples, the oldest handed-over ones are only in the thread */
  constructor(private readonly maxHeldSamples = 4_000_000) {}

  record(values: readonly TagValue[]): void {
    for (const value of values) {
      if (value.stale) continue
      const raw = value.value
      const v = typeof raw === 'number' ? raw : typeof raw === 'boolean' ? (raw ? 1 : 0) : raw === null ? Number.NaN : undefined
      if (v === undefined) continue
      let tag = this.index.get(value.tagId)
      if (tag === undefined) {
        tag = this.names.length
        this.names.push(value.tagId)
        this.index.set(value.tagId, tag)
      }
      if (this.length === this.t.length) this.grow()
      const i = this.length++
      this.tag[i] = tag
      this.t[i] = Math.round(value.sourceTime)
      this.v[i] = v
      this.q[i] = QUALITY_CODE[value.quality.status]
      if (value.quality.reason !== undefined) this.reasons.push([i, value.quality.reason])
    }
  }

  /** Samples not handed to the thread yet. */
  unsent(): number {
    return this.length - this.posted
  }

  /** Samples held here until the thread commits them (sent or not). */
  held(): number {
    return this.length
  }

  droppedFromProtection(): number {
    return this.unprotected
  }

  /** Every tag id numbered so far, by index (a new thread starts from this dictionary). */
  dictionary(): string[] {
    this.tagsSent = this.names.length
    return [...this.names]
  }

  /** The samples not sent yet as one batch of fresh column buffers (to transfer), or null when there are none. */
  takeBatch(): SampleColumns | null {
    if (this.length === this.posted && this.tagsSent === this.names.length) return null
    const from = this.posted
    const end = this.length
    const batch: SampleColumns = {
      seq: ++this.seq,
      firstTag: this.tagsSent,
      newTags: this.names.slice(this.tagsSent),
      tag: this.tag.slice(from, end),
      t: this.t.slice(from, end),
      v: this.v.slice(from, end),
      q: this.q.slice(from, end),
      reasons: [],
    }
    for (const [i, reason] of this.reasons) if (i >= from) batch.reasons.push([i - from, reason])
    this.tagsSent = this.names.length
    this.posted = end
    this.batches.push({ seq: batch.seq, end })
    if (this.posted > this.maxHeldSamples) {
      // Writes keep failing and the thread holds them anyway: stop keeping a second copy of the oldest here.
      this.unprotected += this.posted
      this.drop(this.posted)
    }
    return batch
  }

  /** The thread committed every batch up to `seq`: forget those samples. */
  acknowledge(seq: number): void {
    let end = 0
    let k = 0
    while (k < this.batches.length && this.batches[k].seq <= seq) end = this.batches[k++].end
    if (end > 0) this.drop(end)
  }

  /** A new thread knows nothing of earlier batches: everything held is sent again with the next batch. */
  rewind(): void {
    this.posted = 0
    this.batches = []
  }

  private drop(end: number): void {
    const rest = this.length - end
    this.tag.copyWithin(0, end, this.length)
    this.t.copyWithin(0, end, this.length)
    this.v.copyWithin(0, end, this.length)
    this.q.copyWithin(0, end, this.length)
    this.length = rest
    this.posted = Math.max(0, this.posted - end)
    this.batches = this.batches.filter((b) => b.end > end).map((b) => ({ seq: b.seq, end: b.end - end }))
    if (this.reasons.length > 0) this.reasons = this.reasons.filter(([i]) => i >= end).map(([i, r]) => [i - end, r])
  }

  private grow(): void {
    const size = this.t.length * 2
    const tag = new Uint32Array(size)
    const t = new Float64Array(size)
    const v = new Float64Array(size)
    const q = new Uint8Array(size)
    tag.set(this.tag)
    t.set(this.t)
    v.set(this.v)
    q.set(this.q)
    this.tag = tag
    this.t = t
    this.v = v
    this.q = q
  }
}
