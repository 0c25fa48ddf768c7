// The historian writer thread: owns the one connection to the historian file, so block and rollup writes, sealing
// and retention never stall the main thread's event loop. It appends the column batches the main thread posts,
// flushes on its own timer and acknowledges each committed batch; queries are answered here, from flushed and
// buffered samples alike.
import { parentPort, workerData } from 'node:worker_threads'
import { openHistorian, type FlushResult, type Historian, type RawSeries } from '..'
import type { FromThread, HistorianMethod, HistorianThreadInit, SampleColumns, ThreadError, ToThread } from './historian-thread-messages'

const init = workerData as HistorianThreadInit
const port = parentPort!
const tags: string[] = [...init.tags]
const post = (message: FromThread): void => port.postMessage(message)

const toThreadError = (error: unknown): ThreadError => {
  const message = error instanceof Error ? error.message : String(error)
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' ? { message, code } : { message }
}

let historian: Historian
try {
  historian = openHistorian({
    file: init.file,
    // This thread flushes (and acknowledges) by itself; the historian's own timer and size trigger stay off.
    flushIntervalMs: 0,
    flushAtSamples: Number.MAX_SAFE_INTEGER,
    retentionIntervalMs: init.retentionIntervalMs,
    onError: (event) =>
      post({
        kind: 'write-failed',
        operation: event.operation,
        message: event.message,
        code: event.code,
        pendingSamples: event.pendingSamples,
        retryInMs: event.retryInMs,
      }),
  })
} catch (error) {
  post({ kind: 'open-failed', error: toThreadError(error) })
  port.close()
  throw error
}

let lastSeq = 0
let ackedSeq = 0
let buffered = 0
let pausedUntil = 0
const exports = new Map<number, AbortController>()

function flushNow(force = false): FlushResult | undefined {
  if (!force && lastSeq === ackedSeq && buffered === 0) return undefined
  if (!force && Date.now() < pausedUntil) return undefined
  const result = historian.flush()
  if (!result.ok) {
    pausedUntil = Date.now() + (result.error?.retryInMs ?? 1000)
    // The cause is a live SQLite error object: the message says what failed.
    return { ok: false, samples: 0, blocks: 0, error: result.error && { ...result.error, cause: undefined } }
  }
  ackedSeq = lastSeq
  buffered = 0
  post({ kind: 'flushed', seq: ackedSeq, samples: result.samples })
  return result
}

/**
 * Per tag index: the time of its last stored sample when that sample is NaN (no data: a stop of recording, a bad
 * read). A value older than it (an OPC UA value unchanged since before the stop comes with its old source time) is
 * recorded 1 ms after it instead of being refused: it is the value known when recording went on.
 */
const noDataSince = new Map<number, number>()
const LAST_TIME = 2 ** 46

function learnTags(first: number, names: readonly string[]): void {
  if (names.length === 0) return
  let last: ReturnType<Historian['valueAt']>
  try {
    last = historian.valueAt([...names], LAST_TIME, 'previous')
  } catch {
    return // an unreadable block: such values are refused as before (older than the stored ones)
  }
  for (let k = 0; k < names.length; k++) {
    const at = last[k]
    if (at && Number.isNaN(at.v)) noDataSince.set(first + k, at.t)
  }
}

function append(batch: SampleColumns): void {
  for (let k = 0; k < batch.newTags.length; k++) tags[batch.firstTag + k] = batch.newTags[k]
  learnTags(batch.firstTag, batch.newTags)
  let next = 0
  let refused = 0
  let firstRefusal = ''
  for (let i = 0; i < batch.t.length; i++) {
    let reason: string | undefined
    if (next < batch.reasons.length && batch.reasons[next][0] === i) reason = batch.reasons[next++][1]
    const tag = batch.tag[i]
    const v = batch.v[i]
    const since = noDataSince.get(tag)
    const t = since !== undefined && batch.t[i] <= since && !Number.isNaN(v) ? since + 1 : batch.t[i]
    try {
      if (historian.append(tags[tag], t, v, batch.q[i], reason)) {
        buffered++
        if (Number.isNaN(v)) noDataSince.set(tag, t)
        else noDataSince.delete(tag)
      }
    } catch (error) {
      refused++
      if (!firstRefusal) firstRefusal = toThreadError(error).message
    }
  }
  lastSeq = batch.seq
  if (refused > 0) post({ kind: 'refused', samples: refused, message: firstRefusal })
  if (buffered >= init.flushAtSamples) flushNow()
}

function invoke(method: HistorianMethod, args: unknown[]): unknown {
  if (method === 'flush') return flushNow(true)
  const h = historian as unknown as Record<HistorianMethod, (...a: unknown[]) => unknown>
  return h[method](...args)
}

/** A raw query's columns are fresh buffers of this answer: they move to the main thread instead of being copied. */
function columnBuffers(method: HistorianMethod, value: unknown): ArrayBuffer[] {
  if (method !== 'queryRaw') return []
  const buffers = new Set<ArrayBuffer>()
  for (const series of value as RawSeries[])
    for (const column of [series.t, series.v, series.q]) if (column.buffer instanceof ArrayBuffer) buffers.add(column.buffer)
  return [...buffers]
}

async function answer(id: number, method: HistorianMethod, args: unknown[]): Promise<void> {
  try {
    const value = await invoke(method, args)
    port.postMessage({ kind: 'result', id, ok: true, value } satisfies FromThread, columnBuffers(method, value))
  } catch (error) {
    post({ kind: 'result', id, ok: false, error: toThreadError(error) })
  }
}

function startExport(id: number, request: Extract<ToThread, { kind: 'export' }>['request']): void {
  const cancel = new AbortController()
  exports.set(id, cancel)
  historian
    .exportRange({ ...request, signal: cancel.signal, onProgress: (progress) => post({ kind: 'progress', id, progress }) })
    .then((result) => post({ kind: 'export-done', id, result }))
    .catch((error: unknown) =>
      post({ kind: 'result', id, ok: false, error: cancel.signal.aborted ? { message: 'Export cancelled', code: 'CANCELLED' } : toThreadError(error) }),
    )
    .finally(() => exports.delete(id))
}

const timer = setInterval(() => flushNow(), init.flushIntervalMs)

port.on('message', (message: ToThread) => {
  switch (message.kind) {
    case 'samples':
      append(message)
      return
    case 'call':
      void answer(message.id, message.method, message.args)
      return
    case 'export':
      startExport(message.id, message.request)
      return
    case 'cancel':
      exports.get(message.id)?.abort()
      return
    case 'close': {
      clearInterval(timer)
      for (const cancel of exports.values()) cancel.abort()
      try {
        historian.close()
        post({ kind: 'closed', ok: true })
      } catch (error) {
        post({ kind: 'closed', ok: false, error: toThreadError(error) })
      }
      port.close()
      return
    }
  }
})

learnTags(0, tags)
post({ kind: 'ready' })
