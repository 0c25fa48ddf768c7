import { z } from 'zod'
import { tagIdSchema, longTaskProgressSchema } from './schemas'

/** JSON has no NaN: empty buckets and NaN samples travel as null. */
const numbers = z.array(z.number().nullable())

/** From a no-data mark (recording stopped, connection lost, a bad read) to the next value; to is null while none follows in the range. */
export const noDataSpanSchema = z.object({ from: z.number(), to: z.number().nullable(), reason: z.string().nullable() })
export type NoDataSpan = z.infer<typeof noDataSpanSchema>

export const historyBucketsSchema = z.object({
  tagId: z.string(),
  /** Rollup width used (ms), or 'raw'. */
  source: z.union([z.number(), z.literal('raw')]),
  from: z.number(),
  bucketMs: z.number(),
  /** Start time of each bucket (epoch ms). */
  t: z.array(z.number()),
  count: numbers,
  min: numbers,
  max: numbers,
  avg: numbers,
  first: numbers,
  last: numbers,
  /** Stretches with no data that begin in the range: a line drawn from the buckets breaks at each. */
  noData: z.array(noDataSpanSchema),
})
export type HistoryBuckets = z.infer<typeof historyBucketsSchema>

export const historyRawSchema = z.object({
  tagId: z.string(),
  t: z.array(z.number()),
  v: numbers,
  /** 0 good, 1 uncertain, 2 bad. */
  q: z.array(z.number()),
  truncated: z.boolean(),
  /** Stretches with no data that begin in the range (the NaN samples in v are their marks). */
  noData: z.array(noDataSpanSchema),
})
export type HistoryRaw = z.infer<typeof historyRawSchema>

export const historianStatsSchema = z.object({
  file: z.string(),
  tags: z.number(),
  storedSamples: z.number(),
  bufferedSamples: z.number(),
  fileBytes: z.number(),
  flushes: z.number(),
  failedFlushes: z.number(),
  paused: z.boolean(),
  lastError: z.string().nullable(),
})
export type HistorianStatsInfo = z.infer<typeof historianStatsSchema>

const DAY_MS = 86_400_000

export const retentionSchema = z.object({
  maxAgeMs: z
    .number()
    .int()
    .min(60_000)
    .max(3650 * DAY_MS)
    .nullable(),
  maxBytes: z
    .number()
    .int()
    .min(1024 * 1024)
    .max(2 ** 50)
    .nullable(),
})
export type RetentionSettings = z.infer<typeof retentionSchema>

export const tagRecordingSchema = z.object({
  deadband: z.number().min(0).max(1e12).nullable(),
  onChange: z.boolean(),
  retentionMs: z
    .number()
    .int()
    .min(60_000)
    .max(3650 * DAY_MS)
    .nullable(),
})
export type TagRecording = z.infer<typeof tagRecordingSchema>

const range = {
  tagIds: z.array(tagIdSchema).min(1).max(20),
  from: z.number().int().nonnegative(),
  to: z.number().int().nonnegative(),
}
const ordered = (input: { from: number; to: number }): boolean => input.from < input.to

export const historyRequests = {
  /** One bucket per pixel (min/max/avg/first/last/count), from the coarsest level that still has enough buckets. */
  'history.buckets': {
    input: z
      .object({ ...range, buckets: z.number().int().min(1).max(10_000) })
      .strict()
      .refine(ordered, { message: '"from" must be before "to"' }),
    output: z.array(historyBucketsSchema),
  },
  'history.raw': {
    input: z
      .object({ ...range, limit: z.number().int().min(1).max(1_000_000).optional() })
      .strict()
      .refine(ordered, { message: '"from" must be before "to"' }),
    output: z.array(historyRawSchema),
  },
  'history.stats': { input: z.object({}).strict().optional(), output: historianStatsSchema },
  /** Global retention of raw samples: by age and by file size (null = keep). Enforced in the background. */
  'history.retention': { input: z.object({}).strict().optional(), output: retentionSchema },
  'history.setRetention': { input: retentionSchema.strict(), output: retentionSchema },
  /** Per tag: absolute deadband, record-on-change only, and its own retention (null = the global one). */
  'history.tagConfig': { input: z.object({ tagId: tagIdSchema }).strict(), output: tagRecordingSchema },
  'history.setTagConfig': { input: tagRecordingSchema.extend({ tagId: tagIdSchema }).strict(), output: tagRecordingSchema },
} as const

/** Parquet is long format (time, tag, value, quality), one row group per hour of data. */
export const exportFormatSchema = z.enum(['csv-long', 'csv-wide', 'jsonl', 'parquet'])

/** Opens an export of recorded history into the data folder's exports/; closing the stream cancels it. */
export const historyExportInputSchema = z
  .object({ ...range, tagIds: z.array(tagIdSchema).min(1).max(10_000), format: exportFormatSchema })
  .strict()
  .refine(ordered, { message: '"from" must be before "to"' })

export const historyExportEventSchema = z.discriminatedUnion('kind', [
  longTaskProgressSchema,
  z.object({ kind: z.literal('done'), file: z.string(), samples: z.number(), rows: z.number(), bytes: z.number() }),
])
export type HistoryExportEvent = z.infer<typeof historyExportEventSchema>
