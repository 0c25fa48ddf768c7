// Public types of the historian API.

/** 0 good, 1 uncertain, 2 bad. */
export type Quality = 0 | 1 | 2

export interface Sample {
  tagId: string
  /** Epoch milliseconds (integer). */
  t: number
  v: number
  quality?: number
  /** Why quality changed; kept once per change. */
  reason?: string
}

export interface QualityChange {
  /** Index of the first sample with this quality (and reason). */
  index: number
  t: number
  quality: number
  reason: string | null
}

/**
 * A stretch with no data: from a no-data mark (a NaN sample, written when recording stops, a connection is lost or a
 * read fails) to the tag's next value. A trend breaks its line there instead of joining across it.
 */
export interface NoDataSpan {
  /** Time of the mark (the first one, when several follow each other). */
  from: number
  /** Time of the next value, or null when none follows up to the end of the range queried. */
  to: number | null
  /** The reason recorded with the mark, e.g. 'recording stopped', 'broker connection lost'. */
  reason: string | null
}

export interface RawSeries {
  tagId: string
  t: Float64Array
  v: Float64Array
  q: Uint8Array
  qualityChanges: QualityChange[]
  /** Spans with no data that begin in the range, in time order. */
  noData: NoDataSpan[]
}

export interface BucketSeries {
  tagId: string
  from: number
  to: number
  bucketMs: number
  /** Rollup width used (ms), or 'raw' when samples were read. */
  source: number | 'raw'
  /** Per bucket; NaN where a bucket holds no (non-NaN) value. */
  count: Float64Array
  min: Float64Array
  max: Float64Array
  avg: Float64Array
  first: Float64Array
  last: Float64Array
  /**
   * Spans with no data that begin in the range, in time order. A bucket holding only marks has count 0; one holding
   * values on both sides of a mark has the span inside it, so a line drawn from the buckets breaks at each span.
   */
  noData: NoDataSpan[]
}

export type ValueAtMode = 'previous' | 'interpolated'

export interface ValueAt {
  tagId: string
  /** Time of the sample returned ('previous'), or the requested time ('interpolated'). */
  t: number
  v: number
  quality: number
}

export interface TagConfig {
  /** Absolute deadband: a sample is recorded only when |v - last recorded| > deadband (or quality changes). */
  deadband?: number | null
  /** Record only when the value (bit for bit) or quality changes. */
  onChange?: boolean
  /** Keep raw samples this long; null falls back to the global policy. */
  retentionMs?: number | null
  unit?: string | null
  dataType?: string
}

export interface RetentionPolicy {
  /** Raw samples older than this (relative to now) are deleted. */
  maxAgeMs?: number | null
  /** Oldest raw blocks are deleted while the used database size exceeds this. */
  maxBytes?: number | null
  /** Per rollup width (ms): how long its buckets are kept. Unlisted widths are kept forever. */
  rollupMaxAgeMs?: Record<number, number>
}

/**
 * A consumer that copies the historian elsewhere (the cloud tenant sync) and has not got every sample yet: retention
 * keeps what it has not got. Persisted in the file, so a restart (or a crash) before the consumer speaks again holds too.
 */
export interface RetentionHold {
  /** Who holds, in words (notices, audit): `tenant PostgreSQL user@host:5432/db`. */
  holder: string
  /** Per tag: the holder has every sample before this time, so blocks ending before it may go. A tag not listed is held whole. */
  syncedBefore: Record<string, number>
}

/** Samples of one tag that retention would delete but keeps for the holder. */
export interface HeldTag {
  tagId: string
  points: number
  /** Times of the oldest and newest held sample (ms). */
  from: number
  to: number
}

export interface RetentionHeld {
  holder: string
  /** The retention pass's "now" (its cutoffs); pass it to `forceRetention` to delete exactly this. */
  at: number
  /** Samples held back: by age (older than the tag's or the global max age) and by the size cap. */
  points: number
  tags: HeldTag[]
  /** How far the file is over its size cap (maxBytes) because only held blocks are left to delete; 0 otherwise. */
  overSizeCapBytes: number
}

export interface ForcedRetention {
  /** Rows deleted (blocks and rollup buckets). */
  deleted: number
  /** What was held and is now deleted (null: no hold). */
  held: RetentionHeld | null
}

export interface HistorianErrorEvent {
  operation: 'flush' | 'retention'
  file: string
  /** SQLite code such as SQLITE_FULL or SQLITE_READONLY, when known. */
  code: string | undefined
  message: string
  /** Samples held in memory, waiting to be written. */
  pendingSamples: number
  retryInMs: number
  cause: unknown
}

export interface FlushResult {
  ok: boolean
  samples: number
  blocks: number
  error?: HistorianErrorEvent
}

export interface HistorianOptions {
  /** One historian file per project. */
  file: string
  /** Timer flush interval (default 1000 ms); 0 disables the timer. */
  flushIntervalMs?: number
  /** Buffered samples that trigger an immediate flush (default 500,000). */
  flushAtSamples?: number
  /** Hard cap of samples held in memory while writes fail; append throws beyond it (default 20,000,000). */
  maxPendingSamples?: number
  /** Samples per sealed block (default 4096). */
  blockSamples?: number
  /** Rollup widths in ms kept in the rollups table (default [60000, 3600000]). */
  rollupWidthsMs?: number[]
  /** Width of the fine rollup level stored compressed inside every block (default 1000 ms; 0 turns it off). */
  blockRollupMs?: number
  /** Background retention period (default 10,000 ms); 0 disables it. */
  retentionIntervalMs?: number
  /** Rows deleted per retention transaction (default 500). */
  retentionBatchRows?: number
  /** Retry delay after a failed flush, doubled up to retryMaxMs (default 1000 / 30,000 ms). */
  retryBaseMs?: number
  retryMaxMs?: number
  /** Clock for retention (tests). */
  now?: () => number
  onError?: (event: HistorianErrorEvent) => void
}

export interface HistorianStats {
  file: string
  tags: number
  blocks: number
  storedSamples: number
  usedBytes: number
  fileBytes: number
  bufferedSamples: number
  filteredSamples: number
  rejectedOutOfOrder: number
  flushes: number
  failedFlushes: number
  paused: boolean
  lastError: string | null
}
