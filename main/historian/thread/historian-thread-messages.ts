// The messages between the main thread and the historian writer thread (historian-thread.ts).
import type { ExportFormat, ExportProgress, ExportResult } from '..'

/** What the thread needs to open the historian; passed as workerData. */
export interface HistorianThreadInit {
  file: string
  /** The thread flushes on its own timer (the historian's own timer stays off so every flush can be acknowledged). */
  flushIntervalMs: number
  /** Buffered samples that make the thread flush before its timer. */
  flushAtSamples: number
  retentionIntervalMs?: number
  /** Tag ids by index, as the main thread numbered them so far. */
  tags: string[]
}

/**
 * Samples of many tags as columns: index i is one sample of tag `tags[tag[i]]`. Columns travel as transferred
 * buffers, so a batch costs one message and no per-sample objects.
 */
export interface SampleColumns {
  seq: number
  /** Tag ids numbered since the previous batch: `newTags[k]` is tag index `firstTag + k`. */
  firstTag: number
  newTags: string[]
  tag: Uint32Array<ArrayBuffer>
  t: Float64Array<ArrayBuffer>
  v: Float64Array<ArrayBuffer>
  q: Uint8Array<ArrayBuffer>
  /** Sparse reasons: [sample index, reason], only where a sample carries one. */
  reasons: [number, string][]
}

/** The historian calls a caller may make across the thread boundary. */
export type HistorianMethod =
  | 'queryRaw'
  | 'countRaw'
  | 'firstTimes'
  | 'queryBuckets'
  | 'valueAt'
  | 'getRetention'
  | 'setRetention'
  | 'enforceRetention'
  | 'setRetentionHold'
  | 'getRetentionHold'
  | 'retentionHeld'
  | 'forceRetention'
  | 'getTagConfig'
  | 'setTagConfig'
  | 'stats'
  | 'tagIds'
  | 'flush'

export interface ExportRequest {
  tagIds: string[]
  from: number
  to: number
  format: ExportFormat
  out: string
  chunkMs?: number
  timeFormat?: 'iso' | 'epoch-ms'
}

export type ToThread =
  | ({ kind: 'samples' } & SampleColumns)
  | { kind: 'call'; id: number; method: HistorianMethod; args: unknown[] }
  | { kind: 'export'; id: number; request: ExportRequest }
  | { kind: 'cancel'; id: number }
  | { kind: 'close' }

export interface ThreadError {
  message: string
  code?: string
}

export type FromThread =
  | { kind: 'ready' }
  /** The historian could not be opened: the thread exits after this. */
  | { kind: 'open-failed'; error: ThreadError }
  /** Every batch up to `seq` is committed to the file. */
  | { kind: 'flushed'; seq: number; samples: number }
  | { kind: 'result'; id: number; ok: true; value: unknown }
  | { kind: 'result'; id: number; ok: false; error: ThreadError }
  | { kind: 'progress'; id: number; progress: ExportProgress }
  | { kind: 'export-done'; id: number; result: ExportResult }
  /** A flush or retention run failed; the historian keeps the samples and retries in `retryInMs`. */
  | { kind: 'write-failed'; operation: 'flush' | 'retention'; message: string; code?: string; pendingSamples: number; retryInMs: number }
  /** Samples the historian refused (bad time, memory cap): the rest of the batch was recorded. */
  | { kind: 'refused'; samples: number; message: string }
  | { kind: 'closed'; ok: true }
  | { kind: 'closed'; ok: false; error: ThreadError }
