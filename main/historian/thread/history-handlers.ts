import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { HistoryBuckets, HistoryExportEvent, HistoryRaw, HistorianStatsInfo, RetentionSettings, TagRecording } from '../../../preload/contract'
import type { Handlers, StreamSink } from '../../ipc/handlers'
import { longTask, progressReporter } from '../../ipc/long-task'
import type { ThreadedHistorian } from './threaded-historian'

const nullable = (values: Float64Array): (number | null)[] => Array.from(values, (v) => (Number.isFinite(v) ? v : null))

const EXTENSIONS = { 'csv-long': 'csv', 'csv-wide': 'csv', jsonl: 'jsonl', parquet: 'parquet' } as const

/** What the history channels need of the historian (the writer thread answers them). */
export type HistoryStore = Pick<
  ThreadedHistorian,
  'exportRange' | 'queryBuckets' | 'queryRaw' | 'getRetention' | 'setRetention' | 'getTagConfig' | 'setTagConfig' | 'stats'
>

/** The history channels of the contract, answered from one historian; exports land in `exportsDir`. */
export function historyHandlers(historian: HistoryStore, exportsDir: string) {
  return {
    'history.export': (
      input: { tagIds: string[]; from: number; to: number; format: keyof typeof EXTENSIONS },
      sink: StreamSink<HistoryExportEvent>,
    ): (() => void) => {
      mkdirSync(exportsDir, { recursive: true })
      const stamp = new Date().toISOString().replace(/[:.]/g, '-')
      const file = join(exportsDir, `history-${stamp}-${input.format}.${EXTENSIONS[input.format]}`)
      return longTask(
        sink,
        async (signal) => ({
          kind: 'done' as const,
          file,
          ...(await historian.exportRange({ ...input, out: file, signal, onProgress: progressReporter(sink, { intervalMs: 200 }) })),
        }),
        { cancelledMessage: 'Export cancelled; the partial file was removed' },
      )
    },
    'history.buckets': async (input: { tagIds: string[]; from: number; to: number; buckets: number }): Promise<HistoryBuckets[]> =>
      (await historian.queryBuckets(input.tagIds, input.from, input.to, input.buckets)).map((series) => ({
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
        noData: series.noData,
      })),
    'history.raw': async (input: { tagIds: string[]; from: number; to: number; limit?: number }): Promise<HistoryRaw[]> => {
      const limit = input.limit ?? 200_000
      return (await historian.queryRaw(input.tagIds, input.from, input.to)).map((series) => {
        const n = Math.min(series.t.length, limit)
        return {
          tagId: series.tagId,
          t: Array.from(series.t.subarray(0, n)),
          v: nullable(series.v.subarray(0, n)),
          q: Array.from(series.q.subarray(0, n)),
          truncated: series.t.length > limit,
          noData: series.t.length > limit ? series.noData.filter((span) => span.from <= series.t[n - 1]) : series.noData,
        }
      })
    },
    'history.retention': async (): Promise<RetentionSettings> => {
      const policy = await historian.getRetention()
      return { maxAgeMs: policy.maxAgeMs ?? null, maxBytes: policy.maxBytes ?? null }
    },
    'history.setRetention': async (input: RetentionSettings): Promise<RetentionSettings> => {
      await historian.setRetention({ ...(await historian.getRetention()), maxAgeMs: input.maxAgeMs, maxBytes: input.maxBytes })
      return input
    },
    'history.tagConfig': async (input: { tagId: string }): Promise<TagRecording> => {
      const config = await historian.getTagConfig(input.tagId)
      return { deadband: config?.deadband ?? null, onChange: config?.onChange ?? false, retentionMs: config?.retentionMs ?? null }
    },
    'history.setTagConfig': async (input: TagRecording & { tagId: string }): Promise<TagRecording> => {
      await historian.setTagConfig(input.tagId, { deadband: input.deadband, onChange: input.onChange, retentionMs: input.retentionMs })
      return { deadband: input.deadband, onChange: input.onChange, retentionMs: input.retentionMs }
    },
    'history.stats': async (): Promise<HistorianStatsInfo> => {
      const s = await historian.stats()
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
  } satisfies Partial<Handlers>
}
