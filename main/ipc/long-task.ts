// A long main-process task as a contract stream: throttled progress events, one final event, cancel on close. Every
// feature's long task (exports, imports, scans, inference, training) goes through these two.
import type { LongTaskProgress } from '../../preload/contract'
import type { StreamSink } from './handlers'

export type ProgressEvent = LongTaskProgress

/**
 * Progress events at most every `intervalMs` (and always the last one), with rate (items/s) and ETA: measured here unless
 * the task reports its own; an ETA that cannot be known (no rate yet, not finite) is null.
 */
export function progressReporter(sink: StreamSink<ProgressEvent>, { intervalMs = 150 }: { intervalMs?: number } = {}) {
  const started = Date.now()
  let last = 0
  return (p: { done: number; total: number; rate?: number; etaMs?: number }): void => {
    const now = Date.now()
    if (now - last < intervalMs && p.done < p.total) return
    last = now
    const seconds = (now - started) / 1000
    const rate = p.rate !== undefined && Number.isFinite(p.rate) ? p.rate : seconds > 0 ? p.done / seconds : 0
    const etaMs = p.etaMs !== undefined ? (Number.isFinite(p.etaMs) ? p.etaMs : null) : rate > 0 ? ((p.total - p.done) / rate) * 1000 : null
    sink.emit({ kind: 'progress', done: p.done, total: p.total, rate, etaMs })
  }
}

/**
 * Runs a long task as a stream: progress, then one final event; closing the stream cancels it. A failure after a cancel
 * is CANCELLED (with `cancelledMessage`); any other failure goes through `describeFailure` (default: as it is).
 */
export function longTask<E>(
  sink: StreamSink<E>,
  work: (signal: AbortSignal) => Promise<E>,
  options: { cancelledMessage?: string; describeFailure?: (error: unknown) => unknown } = {},
): () => void {
  const cancel = new AbortController()
  work(cancel.signal)
    .then((event) => {
      sink.emit(event)
      sink.end()
    })
    .catch((error: unknown) =>
      sink.end(cancel.signal.aborted ? { code: 'CANCELLED', message: options.cancelledMessage ?? 'Cancelled' } : (options.describeFailure?.(error) ?? error)),
    )
  return () => cancel.abort()
}
