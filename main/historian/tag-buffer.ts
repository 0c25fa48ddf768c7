// Per-tag in-memory ingest buffer (growable typed arrays) plus the recording filter state.
import { QualityRuns } from './codec/quality-runs';
import type { RollupAggregate } from './rollups';

export class TagBuffer {
  t: Float64Array;
  v: Float64Array;
  runs = new QualityRuns();
  length = 0;
  /** Quality of the last run in `runs` (valid while length > 0): lets push skip the run list on the common path. */
  runQ = 0;
  /** Integer id in the tags table, once written. */
  dbId: number | null;
  lastT = Number.NEGATIVE_INFINITY;
  hasRecorded = false;
  lastV = 0;
  lastQ = 0;
  deadband = 0;
  onChange = false;
  retentionMs: number | null = null;
  /** Unsealed small blocks written by earlier flushes: first row id and total samples. */
  chainFirstId: number | null = null;
  chainSamples = 0;
  /** Last (possibly still open) rollup bucket per width; undefined = not loaded from the file yet. */
  openBuckets: (RollupAggregate | null | undefined)[];

  constructor(readonly name: string, dbId: number | null, widths: number) {
    this.dbId = dbId;
    this.t = new Float64Array(64);
    this.v = new Float64Array(64);
    this.openBuckets = new Array(widths).fill(undefined);
  }

  push(t: number, v: number, quality: number, reason: string | null): void {
    if (this.length === this.t.length) this.grow();
    const i = this.length++;
    this.t[i] = t;
    this.v[i] = v;
    if (i === 0 || quality !== this.runQ || reason !== null) {
      this.runs.note(i, quality, reason);
      this.runQ = quality;
    }
    this.lastT = t;
  }

  clear(): void {
    this.length = 0;
    this.runs.clear();
    // Keep capacity for steady-state ingest, but give back memory after a large backlog.
    if (this.t.length > 65536) {
      this.t = new Float64Array(64);
      this.v = new Float64Array(64);
    }
  }

  private grow(): void {
    const t = new Float64Array(this.t.length * 2);
    const v = new Float64Array(this.v.length * 2);
    t.set(this.t);
    v.set(this.v);
    this.t = t;
    this.v = v;
  }
}
