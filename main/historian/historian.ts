// The historian: buffered ingest, one-transaction flushes into compressed blocks and rollups, queries, retention, export.
import { statSync } from 'node:fs';
import { BlockStore, toRawSeries } from './block-store';
import { blockCount, decodeBlockInto } from './codec/block';
import { QualityRuns } from './codec/quality-runs';
import { exportRange, type ExportOptions, type ExportResult } from './export';
import { describeFailure } from './flush-error';
import { migrate } from './migrate';
import { queryBucketsForTag, type BucketQueryOptions } from './query-buckets';
import { RetentionWorker } from './retention';
import { foldIntoBuckets, type RollupAggregate } from './rollups';
import { openDatabase, type Database } from './sqlite';
import { TagBuffer } from './tag-buffer';
import type {
  BucketSeries, FlushResult, HistorianErrorEvent, HistorianOptions, HistorianStats, RawSeries,
  RetentionPolicy, Sample, TagConfig, ValueAt, ValueAtMode,
} from './types';
import { valueAtForTag } from './value-at';

const TIME_LIMIT = 2 ** 46; // epoch ms within ±2,200 years keeps every codec intermediate exact
/** 1 min and 1 h by default: at 10 Hz a 1 s rollup row costs more bytes than the samples it summarises (opt in with rollupWidthsMs). */
export const DEFAULT_ROLLUP_WIDTHS_MS = [60_000, 3_600_000];

interface TagRow {
  id: number;
  name: string;
  unit: string | null;
  data_type: string;
  deadband: number | null;
  on_change: number;
  retention_ms: number | null;
}

export class Historian {
  readonly file: string;
  private readonly db: Database;
  private readonly store: BlockStore;
  private readonly buffers = new Map<string, TagBuffer>();
  private readonly tagRows = new Map<string, TagRow>();
  private readonly widths: number[];
  private readonly blockSamples: number;
  private readonly flushAtSamples: number;
  private readonly maxPendingSamples: number;
  private readonly retryBaseMs: number;
  private readonly retryMaxMs: number;
  private readonly onError: ((e: HistorianErrorEvent) => void) | undefined;
  private readonly retention: RetentionWorker;
  private readonly insertTag;
  private readonly updateTag;
  private timer: NodeJS.Timeout | null = null;
  private buffered = 0;
  private filtered = 0;
  private rejected = 0;
  private flushes = 0;
  private failedFlushes = 0;
  private consecutiveFailures = 0;
  private pausedUntil = 0;
  private lastError: string | null = null;
  private closed = false;

  constructor(private readonly opts: HistorianOptions) {
    this.file = opts.file;
    this.widths = [...(opts.rollupWidthsMs ?? DEFAULT_ROLLUP_WIDTHS_MS)].sort((a, b) => a - b);
    this.blockSamples = opts.blockSamples ?? 4096;
    this.flushAtSamples = opts.flushAtSamples ?? 500_000;
    this.maxPendingSamples = opts.maxPendingSamples ?? 20_000_000;
    this.retryBaseMs = opts.retryBaseMs ?? 1000;
    this.retryMaxMs = opts.retryMaxMs ?? 30_000;
    this.onError = opts.onError;
    this.db = openDatabase(opts.file);
    // auto_vacuum must be chosen before the first table exists; it lets retention give space back.
    this.db.pragma('auto_vacuum = INCREMENTAL');
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('cache_size = -65536');
    migrate(this.db);
    this.store = new BlockStore(this.db);
    this.insertTag = this.db.prepare('INSERT INTO tags (name, created_at) VALUES (?, ?)');
    this.updateTag = this.db.prepare('UPDATE tags SET unit = ?, data_type = ?, deadband = ?, on_change = ?, retention_ms = ? WHERE id = ?');
    for (const row of this.db.prepare<TagRow>('SELECT id, name, unit, data_type, deadband, on_change, retention_ms FROM tags').all()) {
      this.tagRows.set(row.name, row);
    }
    const chains = this.db
      .prepare<{ tag_id: number; first: number; samples: number }>('SELECT tag_id, min(id) AS first, sum(count) AS samples FROM blocks WHERE sealed = 0 GROUP BY tag_id')
      .all();
    const byId = new Map(chains.map((c) => [c.tag_id, c]));
    for (const row of this.tagRows.values()) {
      const b = this.bufferFor(row.name);
      const c = byId.get(row.id);
      if (c) {
        b.chainFirstId = c.first;
        b.chainSamples = c.samples;
      }
    }
    this.retention = new RetentionWorker(this.db, {
      widths: this.widths,
      batchRows: opts.retentionBatchRows ?? 500,
      intervalMs: opts.retentionIntervalMs ?? 10_000,
      now: opts.now ?? Date.now,
      tagRetention: () => [...this.tagRows.values()].map((r) => ({ id: r.id, retentionMs: r.retention_ms })),
      onError: (cause) => this.report(describeFailure('retention', this.file, cause, this.buffered, opts.retentionIntervalMs ?? 10_000)),
    });
    const interval = opts.flushIntervalMs ?? 1000;
    if (interval > 0) {
      this.timer = setInterval(() => this.flushIfDue(), interval);
      this.timer.unref();
    }
  }

  /** Records one sample. Returns false when the deadband/on-change filter or time order discarded it. */
  append(tagId: string, t: number, v: number, quality = 0, reason?: string): boolean {
    const b = this.buffers.get(tagId) ?? this.bufferFor(tagId);
    if (!(t >= b.lastT)) {
      if (typeof t !== 'number' || Number.isNaN(t)) this.badTime(tagId, t);
      this.rejected++;
      return false;
    }
    if (t !== Math.floor(t) || t > TIME_LIMIT || t < -TIME_LIMIT) this.badTime(tagId, t);
    if (b.hasRecorded && quality === b.lastQ && reason === undefined) {
      if (b.onChange && Object.is(v, b.lastV)) {
        this.filtered++;
        return false;
      }
      if (b.deadband > 0 && Math.abs(v - b.lastV) <= b.deadband) {
        this.filtered++;
        return false;
      }
    }
    if (this.buffered >= this.maxPendingSamples) {
      throw new Error(
        `Historian ${this.file} holds ${this.buffered} unwritten samples (limit ${this.maxPendingSamples}) because writes keep failing: ${this.lastError ?? 'unknown error'}. Sample for ${tagId} was not recorded; fix the drive or raise maxPendingSamples.`,
      );
    }
    b.push(t, v, quality, reason ?? null);
    b.hasRecorded = true;
    b.lastV = v;
    b.lastQ = quality;
    if (++this.buffered >= this.flushAtSamples && Date.now() >= this.pausedUntil) this.flush();
    return true;
  }

  appendMany(batch: Iterable<Sample>): number {
    let recorded = 0;
    for (const s of batch) if (this.append(s.tagId, s.t, s.v, s.quality ?? 0, s.reason)) recorded++;
    return recorded;
  }

  /** Writes every buffered sample in one transaction. On failure the samples stay buffered and onError is told. */
  flush(): FlushResult {
    this.assertOpen();
    const dirty: TagBuffer[] = [];
    for (const b of this.buffers.values()) if (b.length > 0) dirty.push(b);
    if (dirty.length === 0) return { ok: true, samples: 0, blocks: 0 };
    const after: (() => void)[] = [];
    let blocks = 0;
    const samples = this.buffered;
    try {
      this.db.transaction(() => {
        for (const b of dirty) blocks += this.writeTag(b, after);
      })();
    } catch (cause) {
      // Rolled back: in-memory rollup state may be ahead of the file, so reload it on the next flush.
      for (const b of dirty) b.openBuckets.fill(undefined);
      this.failedFlushes++;
      this.consecutiveFailures++;
      const retryInMs = Math.min(this.retryMaxMs, this.retryBaseMs * 2 ** (this.consecutiveFailures - 1));
      this.pausedUntil = Date.now() + retryInMs;
      const event = describeFailure('flush', this.file, cause, this.buffered, retryInMs);
      this.report(event);
      return { ok: false, samples: 0, blocks: 0, error: event };
    }
    for (const fn of after) fn();
    for (const b of dirty) b.clear();
    this.buffered = 0;
    this.flushes++;
    this.consecutiveFailures = 0;
    this.pausedUntil = 0;
    return { ok: true, samples, blocks };
  }

  private writeTag(b: TagBuffer, after: (() => void)[]): number {
    let dbId = b.dbId;
    if (dbId === null) {
      dbId = Number(this.insertTag.run(b.name, Date.now()).lastInsertRowid);
      const id = dbId;
      after.push(() => {
        b.dbId = id;
        this.tagRows.set(b.name, { id, name: b.name, unit: null, data_type: 'float', deadband: null, on_change: 0, retention_ms: null });
      });
    }
    let blocks = 0;
    let chainFirst = b.chainFirstId;
    let chainSamples = b.chainSamples;
    for (let s = 0; s < b.length; s += this.blockSamples) {
      const e = Math.min(b.length, s + this.blockSamples);
      const id = this.store.writeBlock(dbId, b.t, b.v, b.runs, s, e, false);
      if (chainFirst === null) chainFirst = id;
      chainSamples += e - s;
      blocks++;
    }
    for (let w = 0; w < this.widths.length; w++) {
      const width = this.widths[w];
      let open = b.openBuckets[w];
      if (open === undefined) open = this.store.loadRollup(dbId, width, Math.floor(b.t[0] / width) * width);
      const id = dbId;
      b.openBuckets[w] = foldIntoBuckets(b.t, b.v, b.length, width, open, (a: RollupAggregate) => this.store.writeRollup(id, width, a));
    }
    if (chainSamples >= this.blockSamples && chainFirst !== null) {
      blocks += this.seal(dbId, chainFirst);
      chainFirst = null;
      chainSamples = 0;
    }
    const first = chainFirst;
    const count = chainSamples;
    after.push(() => {
      b.chainFirstId = first;
      b.chainSamples = count;
    });
    return blocks;
  }

  /** Re-encodes a tag's small per-flush blocks into full-size sealed blocks (better compression, fewer rows). */
  private seal(dbId: number, chainFirst: number): number {
    const rows = this.store.selectChain.all(dbId, chainFirst);
    if (rows.length === 0) return 0;
    // Decode every small block straight into one pair of arrays (no per-block arrays, no copies).
    let n = 0;
    for (let i = 0; i < rows.length; i++) n += blockCount(rows[i].data);
    const t = new Float64Array(n);
    const v = new Float64Array(n);
    const runs = new QualityRuns();
    let off = 0;
    for (let i = 0; i < rows.length; i++) off += decodeBlockInto(rows[i].data, t, v, off, runs);
    const pieces = Math.max(1, Math.round(n / this.blockSamples));
    const size = Math.ceil(n / pieces);
    let written = 0;
    for (let s = 0; s < n; s += size) {
      this.store.writeBlock(dbId, t, v, runs, s, Math.min(n, s + size), true);
      written++;
    }
    this.store.deleteChain.run(dbId, chainFirst, rows[rows.length - 1].id);
    return written;
  }

  /** Compacts every tag's small per-flush blocks so the file at rest holds full blocks only. */
  private sealAllChains(): void {
    try {
      this.db.transaction(() => {
        for (const b of this.buffers.values()) {
          if (b.dbId !== null && b.chainFirstId !== null && b.chainSamples > 0) this.seal(b.dbId, b.chainFirstId);
        }
      })();
      for (const b of this.buffers.values()) {
        b.chainFirstId = null;
        b.chainSamples = 0;
      }
    } catch (cause) {
      // Compaction is an optimisation: the small blocks stay valid and are sealed on a later run.
      this.report(describeFailure('flush', this.file, cause, 0, 0));
    }
  }

  private flushIfDue(): void {
    if (this.closed || this.buffered === 0 || Date.now() < this.pausedUntil) return;
    this.flush();
  }

  queryRaw(tagIds: readonly string[], from: number, to: number): RawSeries[] {
    this.assertOpen();
    return tagIds.map((id) => toRawSeries(id, this.store.readRange(this.dbIdOf(id), this.buffers.get(id), from, to)));
  }

  queryBuckets(tagIds: readonly string[], from: number, to: number, buckets: number, options?: BucketQueryOptions): BucketSeries[] {
    this.assertOpen();
    return tagIds.map((id) => queryBucketsForTag(this.store, this.widths, id, this.dbIdOf(id), this.buffers.get(id), from, to, buckets, options));
  }

  valueAt(tagIds: readonly string[], t: number, mode: ValueAtMode = 'previous'): (ValueAt | null)[] {
    this.assertOpen();
    return tagIds.map((id) => valueAtForTag(this.store, id, this.dbIdOf(id), this.buffers.get(id), t, mode));
  }

  /** Sets recording and retention options for a tag (created if new); persisted in the file. */
  setTagConfig(tagId: string, config: TagConfig): void {
    this.assertOpen();
    const b = this.bufferFor(tagId);
    let row = this.tagRows.get(tagId);
    if (!row) {
      const id = Number(this.insertTag.run(tagId, Date.now()).lastInsertRowid);
      row = { id, name: tagId, unit: null, data_type: 'float', deadband: null, on_change: 0, retention_ms: null };
      this.tagRows.set(tagId, row);
      b.dbId = id;
    }
    const next: TagRow = {
      ...row,
      unit: config.unit !== undefined ? config.unit : row.unit,
      data_type: config.dataType ?? row.data_type,
      deadband: config.deadband !== undefined ? config.deadband : row.deadband,
      on_change: config.onChange !== undefined ? (config.onChange ? 1 : 0) : row.on_change,
      retention_ms: config.retentionMs !== undefined ? config.retentionMs : row.retention_ms,
    };
    this.updateTag.run(next.unit, next.data_type, next.deadband, next.on_change, next.retention_ms, next.id);
    this.tagRows.set(tagId, next);
    this.applyConfig(b, next);
  }

  getTagConfig(tagId: string): TagConfig | null {
    const r = this.tagRows.get(tagId);
    if (!r) return null;
    return { unit: r.unit, dataType: r.data_type, deadband: r.deadband, onChange: r.on_change === 1, retentionMs: r.retention_ms };
  }

  getRetention(): RetentionPolicy {
    return this.retention.getPolicy();
  }

  setRetention(policy: RetentionPolicy): void {
    this.assertOpen();
    this.retention.setPolicy(policy);
  }

  /** Runs retention to completion now, in small batches (tests, maintenance). Returns rows deleted. */
  async enforceRetention(): Promise<number> {
    this.assertOpen();
    return this.retention.runNow();
  }

  exportRange(options: ExportOptions): Promise<ExportResult> {
    this.assertOpen();
    return exportRange(
      {
        queryRaw: (ids, from, to) => this.queryRaw(ids, from, to),
        estimateSamples: (ids, from, to) => this.estimateSamples(ids, from, to),
      },
      options,
    );
  }

  private estimateSamples(tagIds: readonly string[], from: number, to: number): number {
    const stmt = this.db.prepare<{ n: number | null }>('SELECT sum(count) AS n FROM blocks WHERE tag_id = ? AND t_last >= ? AND t_first <= ?');
    let n = 0;
    for (const id of tagIds) {
      const dbId = this.dbIdOf(id);
      if (dbId !== null) n += stmt.get(dbId, from, to)?.n ?? 0;
      n += this.buffers.get(id)?.length ?? 0;
    }
    return n;
  }

  stats(): HistorianStats {
    const b = this.db.prepare<{ blocks: number; samples: number | null }>('SELECT count(*) AS blocks, sum(count) AS samples FROM blocks').get();
    const pageSize = this.db.pragma('page_size', { simple: true }) as number;
    const pages = this.db.pragma('page_count', { simple: true }) as number;
    const free = this.db.pragma('freelist_count', { simple: true }) as number;
    let fileBytes = 0;
    for (const suffix of ['', '-wal']) {
      try {
        fileBytes += statSync(this.file + suffix).size;
      } catch {
        // the WAL may not exist
      }
    }
    return {
      file: this.file,
      tags: this.tagRows.size,
      blocks: b?.blocks ?? 0,
      storedSamples: b?.samples ?? 0,
      usedBytes: (pages - free) * pageSize,
      fileBytes,
      bufferedSamples: this.buffered,
      filteredSamples: this.filtered,
      rejectedOutOfOrder: this.rejected,
      flushes: this.flushes,
      failedFlushes: this.failedFlushes,
      paused: Date.now() < this.pausedUntil,
      lastError: this.lastError,
    };
  }

  /** Flushes and closes. Throws (keeping the file open) if the final flush fails, so no data is silently lost. */
  close(): void {
    if (this.closed) return;
    const r = this.flush();
    if (!r.ok) throw new Error(r.error?.message ?? `Historian close failed on ${this.file}: the final flush did not complete.`);
    this.sealAllChains();
    this.db.pragma('incremental_vacuum'); // give the pages of compacted small blocks back to the disk
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.retention.stop();
    this.db.pragma('wal_checkpoint(TRUNCATE)');
    this.db.close();
  }

  /** Test/maintenance hook: the underlying connection. */
  get database(): Database {
    return this.db;
  }

  private report(event: HistorianErrorEvent): void {
    this.lastError = event.message;
    if (this.onError) this.onError(event);
  }

  private dbIdOf(tagId: string): number | null {
    return this.tagRows.get(tagId)?.id ?? null;
  }

  private bufferFor(tagId: string): TagBuffer {
    let b = this.buffers.get(tagId);
    if (!b) {
      if (typeof tagId !== 'string' || tagId.length === 0) throw new TypeError(`Historian: tag id must be a non-empty string, got ${JSON.stringify(tagId)}.`);
      const row = this.tagRows.get(tagId);
      b = new TagBuffer(tagId, row?.id ?? null, this.widths.length);
      if (row) this.applyConfig(b, row);
      this.buffers.set(tagId, b);
    }
    return b;
  }

  private applyConfig(b: TagBuffer, row: TagRow): void {
    b.deadband = row.deadband ?? 0;
    b.onChange = row.on_change === 1;
    b.retentionMs = row.retention_ms;
  }

  private badTime(tagId: string, t: unknown): never {
    throw new TypeError(`Historian: sample for ${tagId} has time ${String(t)}; times must be integer epoch milliseconds within ±${TIME_LIMIT}.`);
  }

  private assertOpen(): void {
    if (this.closed) throw new Error(`Historian ${this.file} is closed; open it again with openHistorian().`);
  }
}

export function openHistorian(options: HistorianOptions): Historian {
  return new Historian(options);
}
