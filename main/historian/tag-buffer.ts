// Per-tag in-memory ingest buffer (one growable typed array, time and value interleaved) plus the recording filter state.
import { QualityRuns } from './codec/quality-runs'
import type { RollupAggregate } from './rollups'

export class TagBuffer {
  /**
   * Samples as [t0, v0, t1, v1, …]: one array instead of two halves the memory lines an append touches (10,000 tags
   * interleave, so each append is a cache miss per array). Use columns()/columnsInto() to read them.
   */
  tv: Float64Array
  length = 0
  runs = new QualityRuns()
  /** Quality of the last run in `runs` (valid while length > 0): lets push skip the run list on the common path. */
  runQ = 0
  /** Integer id in the tags table, once written. */
  dbId: number | null
  /** Time of the last sample before the buffered ones (while samples are buffered, the last one's time is in tv). */
  lastT = Number.NEGATIVE_INFINITY
  /** deadband > 0 or onChange: only then are hasRecorded/lastV/lastQ kept (saves two stores per append). */
  filters = false
  hasRecorded = false
  lastV = 0
  lastQ = 0
  deadband = 0
  onChange = false
  retentionMs: number | null = null
  /** Unsealed small blocks written by earlier flushes: first row id and total samples. */
  chainFirstId: number | null = null
  /** t_last of the chain's first block (a lower bound of every chain block's t_last). */
  chainFirstT = Number.NEGATIVE_INFINITY
  chainSamples = 0
  /** Last (possibly still open) rollup bucket per width; undefined = not loaded from the file yet. */
  openBuckets: (RollupAggregate | null | undefined)[]

  constructor(
    readonly name: string,
    dbId: number | null,
    widths: number,
  ) {
    this.dbId = dbId
    this.tv = new Float64Array(128)
    this.openBuckets = new Array(widths).fill(undefined)
  }

  push(t: number, v: number, quality: number, reason: string | null): void {
    const i = this.length++
    const k = i << 1
    if (k === this.tv.length) this.grow()
    const tv = this.tv
    tv[k] = t
    tv[k + 1] = v
    if (i === 0 || quality !== this.runQ || reason !== null) {
      this.runs.note(i, quality, reason)
      this.runQ = quality
    }
  }

  /** Time of the newest sample, buffered or written (-Infinity if none). */
  newestTime(): number {
    return this.length > 0 ? this.tv[(this.length - 1) << 1] : this.lastT
  }

  clear(): void {
    this.lastT = this.newestTime()
    this.length = 0
    this.runs.clear()
    // Keep capacity for steady-state ingest, but give back memory after a large backlog.
    if (this.tv.length > 131072) this.tv = new Float64Array(128)
  }

  /** Time of buffered sample i. */
  timeAt(i: number): number {
    return this.tv[i << 1]
  }

  /** Copies the buffered samples into t[0..length) and v[0..length) (arrays at least `length` long). */
  columnsInto(t: Float64Array, v: Float64Array): void {
    const tv = this.tv
    for (let i = 0, k = 0; i < this.length; i++, k += 2) {
      t[i] = tv[k]
      v[i] = tv[k + 1]
    }
  }

  /** The buffered samples as two new arrays. */
  columns(): { t: Float64Array; v: Float64Array } {
    const t = new Float64Array(this.length)
    const v = new Float64Array(this.length)
    this.columnsInto(t, v)
    return { t, v }
  }

  private grow(): void {
    const tv = new Float64Array(this.tv.length * 2)
    tv.set(this.tv)
    this.tv = tv
  }
}
