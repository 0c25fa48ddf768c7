// A long main-process task as a contract stream: throttled progress events, one final event, cancel on close.
import type { LongTaskProgress } from '../../preload/contract'
import type { StreamSink } from './handlers'

export type ProgressEvent = LongTaskProgress

/** Progress events at most a few times a second, with rate (items/s) and ETA. */
export function progressReporter(sink: StreamSink<ProgressEvent>) {
  const started = Date.now()
  let last = 0
  return (p: { done: number; total: number }): void => {
    if (Date.now() - last < 150 && p.done < p.total) return
    last = Date.now()
    const seconds = (Date.now() - started) / 1000
    const rate = seconds > 0 ? p.done / seconds : 0
    sink.emit({ kind: 'progress', done: p.done, total: p.total, rate, etaMs: rate > 0 ? ((p.total - p.done) / rate) * 1000 : null })
  }
}

/** Runs a long task as a stream: progress, then one `done` event; closing the stream cancels it. */
export function longTask<E>(sink: StreamSink<E>, work: (signal: AbortSignal) => Promise<E>): () => void {
  const cancel = new AbortController()
  work(cancel.signal)
    .then((event) => {
      sink.emit(event)
      sink.end()
    })
    .catch((error: unknown) => sink.end(cancel.signal.aborted ? { code: 'CANCELLED', message: 'Cancelled' } : error))
  return () => cancel.abort()
}
