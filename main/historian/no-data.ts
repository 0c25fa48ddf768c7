// Stretches with no data in a tag's history: from a no-data mark (a NaN sample) up to the tag's next value.
import type { BlockStore, SampleRange } from './block-store'
import { decodeBlock } from './codec/block'
import type { QualityRuns } from './codec/quality-runs'
import type { TagBuffer } from './tag-buffer'
import type { NoDataSpan } from './types'

/** Walks time-ordered samples (fed in pieces) and collects the spans that begin in [from, to]. */
export class NoDataWalker {
  readonly spans: NoDataSpan[] = []
  /** The last span, while no value after it has been seen. */
  private open: NoDataSpan | null = null

  constructor(
    private readonly from: number,
    private readonly to: number,
  ) {}

  /** True while the last span still waits for a value within the range. */
  get waiting(): boolean {
    return this.open !== null
  }

  feed(t: ArrayLike<number>, v: ArrayLike<number>, runs: QualityRuns, n = t.length): void {
    const to = this.to
    for (let k = 0; k < n; k++) {
      const x = v[k]
      if (x !== x) {
        if (this.open === null && t[k] >= this.from && t[k] <= to) {
          this.open = { from: t[k], to: null, reason: runs.length > 0 ? runs.reasonAt(k) : null }
          this.spans.push(this.open)
        }
      } else if (this.open !== null) {
        if (t[k] <= to) this.open.to = t[k]
        this.open = null
      } else if (t[k] > to) return
    }
  }
}

/** The spans of samples already read (raw queries read every sample anyway). */
export function noDataInSamples(r: SampleRange, from: number, to: number): NoDataSpan[] {
  const walker = new NoDataWalker(from, to)
  walker.feed(r.t, r.v, r.runs)
  return walker.spans
}

/**
 * The spans of one tag in [from, to] for rollup queries, which do not read samples: only the blocks holding a mark
 * (a partial index finds them), the blocks after one whose span runs past its end, and the unflushed buffer.
 */
export function noDataInStore(store: BlockStore, tagDbId: number | null, buffer: TagBuffer | undefined, from: number, to: number): NoDataSpan[] {
  const walker = new NoDataWalker(from, to)
  if (tagDbId !== null) {
    // Blocks of a tag are ordered by (t_last, id); `walked` is the last one fed.
    let walked: [number, number] = [Number.NEGATIVE_INFINITY, 0]
    const before = (tLast: number, id: number): boolean => tLast < walked[0] || (tLast === walked[0] && id <= walked[1])
    for (const row of store.selectMarkedRange.all(tagDbId, from, to)) {
      const [tLast, id, data] = row as [number, number, Uint8Array]
      if (before(tLast, id)) continue
      const b = decodeBlock(data)
      walker.feed(b.t, b.v, b.runs)
      walked = [tLast, id]
      if (!walker.waiting) continue
      // The outage runs past this block: its end is the first value in a later block (or in the buffer below).
      for (const next of store.selectBlocksAfter.iterate(tagDbId, tLast, tLast, id, to)) {
        const [nextTLast, nextId, nextData] = next as [number, number, Uint8Array]
        const nb = decodeBlock(nextData)
        walker.feed(nb.t, nb.v, nb.runs)
        walked = [nextTLast, nextId]
        if (!walker.waiting) break
      }
    }
  }
  if (buffer && buffer.length > 0) {
    const c = buffer.columns()
    walker.feed(c.t, c.v, buffer.runs, buffer.length)
  }
  return walker.spans
}
