// The messages between the main thread and the sync thread (sync-thread.ts).
import type { SyncStatus, TenantFailureKind } from '../../preload/contract/tenant'
import type { TenantTarget } from '../deploy/tenant/tenant-target'

/** What the thread needs to run the sync; passed as workerData (in process memory only, never logged). */
export interface SyncThreadInit {
  /** sync.db (the durable cursors) is opened by the thread in this folder. */
  dataDir: string
  target: TenantTarget
  paused: boolean
  rateLimitRowsPerSecond: number | null
  intervalMs?: number
  horizonMs?: number
  batchRows?: number
}

/** What the thread asks of the historian and the tag model, which stay on the main side. */
export type SourceMethod = 'tagIds' | 'queryRaw' | 'countRaw' | 'firstTimes' | 'tagMeta'
/** What the main side asks of the sync. */
export type SyncMethod = 'backfill' | 'reconcile' | 'pause' | 'resume' | 'setRateLimit'

export interface SyncThreadError {
  message: string
  kind?: TenantFailureKind
}

export type ToSyncThread =
  | { kind: 'call'; id: number; method: SyncMethod; args: unknown[] }
  | { kind: 'source-result'; id: number; ok: true; value: unknown }
  | { kind: 'source-result'; id: number; ok: false; error: SyncThreadError }
  | { kind: 'stop' }

export type FromSyncThread =
  | { kind: 'source'; id: number; method: SourceMethod; args: unknown[] }
  | { kind: 'status'; status: SyncStatus }
  | { kind: 'result'; id: number; ok: true; value: unknown }
  | { kind: 'result'; id: number; ok: false; error: SyncThreadError }
  | { kind: 'stopped' }
