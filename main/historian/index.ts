// Public entry of the historian storage engine.
export { Historian, openHistorian } from './historian'
export type { BucketQueryOptions } from './query-buckets'
export type { ExportFormat, ExportOptions, ExportProgress, ExportResult } from './export'
export * from './types'
