import type { TagValue } from '../../../preload/contract'
import type { SampleColumns } from './historian-thread-messages'

const QUALITY_CODE = { good: 0, uncertain: 1, bad: 2 } as const

/**
 * Collects live values as columns (tag index, time, value, quality) for the historian writer thread, and keeps
 * every sample until the thread says it is committed to the file: a thread that dies loses nothing but a re-send.
 * Numbers and booleans are recorded as they come, a missing value (null) as NaN with its bad quality, so a gap is
 * kept as a gap; text values are not recorded. When recording of a tag ends (its connection is lost, so its last
 * value comes again marked stale; the connection is removed; the host did not run; the historian closes), `markEnd` writes one NaN per tag
 * (none when its last sample is NaN already), so the time after it reads as no data, not as the last value held.
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
  /** Per tag index: the latest time recorded this session, and whether the sample there was NaN (no data). */
  private readonly lastT: number[] = []
  private readonly lastNaN: boolean[] = []

  /** @param maxHeldSamples beyond this many unacknowledged samples, the oldest handed-over ones are only in the thread */
  constructor(private readonly maxHeldSamples = 4_000_000) {}

  record(values: readonly TagValue[]): void {
    for (const value of values) {
      if (value.stale) {
        // The connection is lost or closed: its last value is kept on screen, but nothing is recorded from now on.
        this.markEnd(Date.now(), value.quality.reason ?? 'connection lost', [value.tagId])
        continue
      }
      const raw = value.value
      const v = typeof raw === 'number' ? raw : typeof raw === 'boolean' ? (raw ? 1 : 0) : raw === null ? Number.NaN : undefined
      if (v === undefined) continue
      let tag = this.index.get(value.tagId)
      if (tag === undefined) {
        tag = this.names.length
        this.names.push(value.tagId)
        this.index.set(value.tagId, tag)
      }
      this.push(tag, Math.round(value.sourceTime), v, QUALITY_CODE[value.quality.status], value.quality.reason)
    }
  }

  /**
   * Recording of these tags (default: every tag recorded so far) ends at `now`: each gets one NaN sample (bad
   * quality, `reason`), so readers see "no data from here" instead of the last value held across the gap. A tag
   * whose last sample is NaN already is left alone, and the mark is never older than the tag's last sample
   * (max(now, last time + 1 ms)), as the historian refuses samples older than the ones it holds. Returns the marks.
   */
  markEnd(now: number, reason: string, tagIds?: Iterable<string>): number {
    const tags = tagIds === undefined ? this.names.map((_, k) => k) : [...tagIds].flatMap((id) => this.index.get(id) ?? [])
    let marked = 0
    for (const tag of tags) {
      if (this.lastNaN[tag] !== false) continue
      this.push(tag, Math.max(Math.round(now), this.lastT[tag] + 1), Number.NaN, QUALITY_CODE.bad, reason)
      marked++
    }
    return marked
  }

  private push(tag: number, t: number, v: number, q: number, reason: string | undefined): void {
    if (this.length === this.t.length) this.grow()
    const i = this.length++
    this.tag[i] = tag
    this.t[i] = t
    this.v[i] = v
    this.q[i] = q
    if (reason !== undefined) this.reasons.push([i, reason])
    if (!(this.lastT[tag] > t)) {
      this.lastT[tag] = t
      this.lastNaN[tag] = Number.isNaN(v)
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
