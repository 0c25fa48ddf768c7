// Streams a time range of tags to CSV (long or wide), JSON lines or Parquet in chunks, with progress and cancellation.
import { createWriteStream } from 'node:fs'
import { unlink } from 'node:fs/promises'
import type { Writable } from 'node:stream'
import { ByteWriter, ParquetWriter, schemaFromColumnData } from 'hyparquet-writer'
import type { RawSeries } from './types'

export type ExportFormat = 'csv-long' | 'csv-wide' | 'jsonl' | 'parquet'

export interface ExportProgress {
  done: number
  total: number
  /** Samples per second so far. */
  rate: number
  etaMs: number
}

export interface ExportOptions {
  tagIds: string[]
  from: number
  to: number
  format: ExportFormat
  /** A stream (left open) or a file path (created; deleted again if the export is cancelled or fails). */
  out: Writable | string
  /** Time covered per read (default 1 h); bounds memory. */
  chunkMs?: number
  /** 'iso' (default) or 'epoch-ms'. */
  timeFormat?: 'iso' | 'epoch-ms'
  onProgress?: (p: ExportProgress) => void
  signal?: AbortSignal
}

export interface ExportResult {
  samples: number
  rows: number
  bytes: number
}

export interface ExportSource {
  queryRaw(tagIds: readonly string[], from: number, to: number): RawSeries[]
  estimateSamples(tagIds: readonly string[], from: number, to: number): number
}

function csvField(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

function num(v: number): string {
  return Number.isNaN(v) ? 'NaN' : v === Infinity ? 'Infinity' : v === -Infinity ? '-Infinity' : String(v)
}

function write(out: Writable, text: string | Uint8Array, signal?: AbortSignal): Promise<void> | undefined {
  if (out.write(text)) return undefined
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal?.reason ?? new Error('Export cancelled'))
    signal?.addEventListener('abort', onAbort, { once: true })
    out.once('drain', () => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    })
  })
}

type ColumnSource = Parameters<ParquetWriter['write']>[0]['columnData'][number]

/** The reason recorded with each sample's quality ('' when none), from the series' quality changes. */
function reasonsOf(s: RawSeries): string[] {
  const reasons = new Array<string>(s.t.length).fill('')
  s.qualityChanges.forEach((change, k) => {
    if (change.reason === null) return
    const end = k + 1 < s.qualityChanges.length ? s.qualityChanges[k + 1].index : s.t.length
    reasons.fill(change.reason, change.index, end)
  })
  return reasons
}

/**
 * Parquet long format, one row group per time chunk: time (TIMESTAMP_MILLIS), tag (UTF-8), value (DOUBLE),
 * quality (INT32) and reason (UTF-8, null when none).
 */
function parquetColumns(series: RawSeries[]): ColumnSource[] {
  let n = 0
  for (const s of series) n += s.t.length
  const time = new Float64Array(n)
  const tag = new Array<string>(n)
  const value = new Float64Array(n)
  const quality = new Int32Array(n)
  const reason = new Array<string | null>(n).fill(null)
  let off = 0
  for (const s of series) {
    time.set(s.t, off)
    value.set(s.v, off) // NaN and ±Inf are plain IEEE doubles in Parquet
    quality.set(s.q, off)
    tag.fill(s.tagId, off, off + s.t.length)
    reasonsOf(s).forEach((r, i) => {
      if (r !== '') reason[off + i] = r
    })
    off += s.t.length
  }
  return [
    { name: 'time', data: time, type: 'TIMESTAMP', nullable: false },
    { name: 'tag', data: tag, type: 'STRING', nullable: false },
    { name: 'value', data: value, type: 'DOUBLE', nullable: false },
    { name: 'quality', data: quality, type: 'INT32', nullable: false },
    { name: 'reason', data: reason, type: 'STRING', nullable: true },
  ]
}

/** A hyparquet-writer Writer that hands each finished row group to `out`, waiting for drain (back-pressure). */
function streamWriter(send: (bytes: Uint8Array) => Promise<void> | undefined): ByteWriter & { drain(): Promise<void> | undefined } {
  const w = new ByteWriter(1 << 20) as ByteWriter & { index: number; drain(): Promise<void> | undefined; flush(): Promise<void> | undefined }
  w.drain = () => {
    if (w.index === 0) return undefined
    const bytes = Buffer.from(w.getBytes()) // a copy: the buffer is reused
    w.index = 0
    return send(bytes)
  }
  w.flush = w.drain
  return w
}

export async function exportRange(source: ExportSource, o: ExportOptions): Promise<ExportResult> {
  const out = typeof o.out === 'string' ? createWriteStream(o.out) : o.out
  const ownsFile = typeof o.out === 'string'
  const chunkMs = o.chunkMs ?? 3_600_000
  const time = o.timeFormat === 'epoch-ms' ? (t: number) => String(t) : (t: number) => new Date(t).toISOString()
  const total = source.estimateSamples(o.tagIds, o.from, o.to)
  const started = performance.now()
  let done = 0
  let rows = 0
  let bytes = 0
  const emit = async (text: string) => {
    bytes += Buffer.byteLength(text)
    await write(out, text, o.signal)
  }
  const sendBytes = (chunk: Uint8Array): Promise<void> | undefined => {
    bytes += chunk.length
    return write(out, chunk, o.signal)
  }
  let parquet: ParquetWriter | null = null
  let parquetSink: ReturnType<typeof streamWriter> | null = null
  if (o.format === 'parquet') {
    parquetSink = streamWriter(sendBytes)
    parquet = new ParquetWriter({
      writer: parquetSink,
      schema: schemaFromColumnData({ columnData: parquetColumns([]) }),
      createdBy: 'OT Workbench historian export',
      kvMetadata: [{ key: 'ot-workbench.quality', value: '0 good, 1 uncertain, 2 bad' }],
    })
  }
  try {
    if (o.format === 'csv-long') await emit('time,tag,value,quality,reason\n')
    if (o.format === 'csv-wide') await emit(['time', ...o.tagIds.flatMap((id) => [id, `${id} quality`, `${id} reason`])].map(csvField).join(',') + '\n')
    for (let cs = o.from; cs <= o.to; cs += chunkMs) {
      o.signal?.throwIfAborted()
      const ce = Math.min(o.to, cs + chunkMs - 1)
      const series = source.queryRaw(o.tagIds, cs, ce)
      const lines: string[] = []
      if (parquet !== null) {
        const columns = parquetColumns(series)
        const n = columns[0].data.length
        if (n > 0) await parquet.write({ columnData: columns, rowGroupSize: n })
        done += n
        rows += n
      } else if (o.format === 'csv-wide') {
        const pos = series.map(() => 0)
        const reasons = series.map(reasonsOf)
        for (;;) {
          let tMin = Infinity
          for (let k = 0; k < series.length; k++) if (pos[k] < series[k].t.length && series[k].t[pos[k]] < tMin) tMin = series[k].t[pos[k]]
          if (tMin === Infinity) break
          const cells = [time(tMin)]
          for (let k = 0; k < series.length; k++) {
            const s = series[k]
            if (pos[k] < s.t.length && s.t[pos[k]] === tMin) {
              const i = pos[k]++
              cells.push(num(s.v[i]), String(s.q[i]), csvField(reasons[k][i]))
              done++
            } else cells.push('', '', '')
          }
          lines.push(cells.join(','))
          rows++
        }
      } else {
        for (const s of series) {
          const tag = o.format === 'jsonl' ? JSON.stringify(s.tagId) : csvField(s.tagId)
          const reasons = reasonsOf(s)
          for (let i = 0; i < s.t.length; i++) {
            const v = s.v[i]
            const reason = reasons[i]
            lines.push(
              o.format === 'jsonl'
                ? `{"t":${o.timeFormat === 'epoch-ms' ? s.t[i] : `"${time(s.t[i])}"`},"tag":${tag},"v":${Number.isFinite(v) ? num(v) : `"${num(v)}"`},"q":${s.q[i]}${reason ? `,"reason":${JSON.stringify(reason)}` : ''}}`
                : `${time(s.t[i])},${tag},${num(v)},${s.q[i]},${csvField(reason)}`,
            )
          }
          done += s.t.length
          rows += s.t.length
        }
      }
      if (lines.length > 0) await emit(lines.join('\n') + '\n')
      const elapsed = (performance.now() - started) / 1000
      const rate = elapsed > 0 ? done / elapsed : 0
      o.onProgress?.({ done, total: Math.max(total, done), rate, etaMs: rate > 0 ? (Math.max(0, total - done) / rate) * 1000 : 0 })
    }
    if (parquet !== null && parquetSink !== null) {
      await parquet.finish()
      await parquetSink.drain()
    }
    if (ownsFile) await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())))
    return { samples: done, rows, bytes }
  } catch (e) {
    if (ownsFile) {
      // The file opens asynchronously: wait until the stream is closed before removing it.
      await new Promise<void>((resolve) => {
        out.once('close', () => resolve())
        out.destroy()
      })
      await unlink(o.out as string).catch(() => undefined)
    }
    throw e
  }
}
