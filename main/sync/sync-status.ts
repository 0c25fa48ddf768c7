import type { SyncStatus } from '../../preload/contract/tenant'

/** The status of a sync that has sent nothing yet: lag unknown, counters at zero, no error, no backfill. */
export function syncStatusAtStart(state: SyncStatus['state'], target: string | null, rateLimitRowsPerSecond: number | null): SyncStatus {
  return {
    state,
    target,
    lagMs: null,
    lagPoints: null,
    rowsPerSecond: 0,
    rowsSent: 0,
    rowsSkipped: 0,
    tags: 0,
    lastSyncAt: null,
    lastError: null,
    rateLimitRowsPerSecond,
    backfill: null,
  }
}
