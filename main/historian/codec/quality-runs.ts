// Quality kept exactly as run-length runs: a run starts at a sample index and carries an optional reason.

export const QUALITY_GOOD = 0
export const QUALITY_UNCERTAIN = 1
export const QUALITY_BAD = 2

/** Growable run list; `start` is the index of the first sample of each run. */
export class QualityRuns {
  start: number[] = []
  quality: number[] = []
  reason: (string | null)[] = []

  get length(): number {
    return this.start.length
  }

  /** Records sample `index` with `quality`; opens a run only when quality or reason changes. */
  note(index: number, quality: number, reason: string | null): void {
    const n = this.start.length
    if (n > 0 && this.quality[n - 1] === quality && (reason === null || reason === this.reason[n - 1])) return
    this.start.push(index)
    this.quality.push(quality)
    this.reason.push(reason)
  }

  clear(): void {
    this.start.length = 0
    this.quality.length = 0
    this.reason.length = 0
  }

  /** Quality of sample `index` (runs must be non-empty). */
  qualityAt(index: number): number {
    return this.quality[this.runOf(index)]
  }

  /** Reason recorded with the quality of sample `index`, or null (runs must be non-empty). */
  reasonAt(index: number): string | null {
    return this.reason[this.runOf(index)]
  }

  private runOf(index: number): number {
    let lo = 0
    let hi = this.start.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1
      if (this.start[mid] <= index) lo = mid
      else hi = mid - 1
    }
    return lo
  }

  /** Runs restricted to samples [from, to), re-based to index 0. */
  slice(from: number, to: number): QualityRuns {
    const out = new QualityRuns()
    for (let i = 0; i < this.start.length; i++) {
      const s = this.start[i]
      const e = i + 1 < this.start.length ? this.start[i + 1] : Number.POSITIVE_INFINITY
      if (e <= from || s >= to) continue
      out.start.push(Math.max(s, from) - from)
      out.quality.push(this.quality[i])
      out.reason.push(this.reason[i])
    }
    return out
  }

  /** Appends `other` whose indices are shifted by `offset`, merging a continuing run. */
  appendShifted(other: QualityRuns, offset: number): void {
    for (let i = 0; i < other.start.length; i++) this.note(other.start[i] + offset, other.quality[i], other.reason[i])
  }

  /** Expands to one quality byte per sample. */
  expand(count: number, out = new Uint8Array(count), offset = 0): Uint8Array {
    for (let i = 0; i < this.start.length; i++) {
      const e = i + 1 < this.start.length ? this.start[i + 1] : count
      out.fill(this.quality[i], offset + this.start[i], offset + e)
    }
    return out
  }
}
