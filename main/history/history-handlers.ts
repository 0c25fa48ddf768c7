import type { HistoryBuckets, HistoryRaw, HistorianStatsInfo } from '../../preload/contract'
import type { Historian } from '../historian/historian'

const nullable = (values: Float64Array): (number | null)[] => Array.from(values, (v) => (Number.isFinite(v) ? v : null))

/** The history channels of the contract, answered from one historian. */
export function historyHandlers(historian: Historian) {
  return {
    'history.buckets': (input: { tagIds: string[]; from: number; to: number; buckets: number }): HistoryBuckets[] =>
      historian.queryBuckets(input.tagIds, input.from, input.to, input.buckets).map((series) => ({
        tagId: series.tagId,
        source: series.source,
        from: series.from,
        bucketMs: series.bucketMs,
        t: Array.from({ length: series.count.length }, (_, i) => series.from + i * series.bucketMs),
        count: Array.from(series.count, (c) => (Number.isFinite(c) ? c : 0)),
        min: nullable(series.min),
        max: nullable(series.max),
        avg: nullable(series.avg),
        first: nullable(series.first),
        last: nullable(series.last),
      })),
    'history.raw': (input: { tagIds: string[]; from: number; to: number; limit?: number }): HistoryRaw[] => {
      const limit = input.limit ?? 200_000
      return historian.queryRaw(input.tagIds, input.from, input.to).map((series) => {
        const n = Math.min(series.t.length, limit)
        return {
          tagId: series.tagId,
          t: Array.from(series.t.subarray(0, n)),
          v: nullable(series.v.subarray(0, n)),
          q: Array.from(series.q.subarray(0, n)),
          truncated: series.t.length > limit,
        }
      })
    },
    'history.stats': (): HistorianStatsInfo => {
      const s = historian.stats()
      return {
        file: s.file,
        tags: s.tags,
        storedSamples: s.storedSamples,
        bufferedSamples: s.bufferedSamples,
        fileBytes: s.fileBytes,
        flushes: s.flushes,
        failedFlushes: s.failedFlushes,
        paused: s.paused,
        lastError: s.lastError,
      }
    },
  }
}
