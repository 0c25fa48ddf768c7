import { Worker } from 'node:worker_threads'
import { WorkbenchError, type TagValue } from '../../../preload/contract'
import type {
  BucketQueryOptions,
  BucketSeries,
  ExportProgress,
  ExportResult,
  FlushResult,
  HistorianStats,
  RawSeries,
  RetentionPolicy,
  RetentionHold,
  RetentionHeld,
  ForcedRetention,
  TagConfig,
  ValueAt,
  ValueAtMode,
} from '..'
import { threadEntry } from '../../thread-entry'
import type { ExportRequest, FromThread, HistorianMethod, HistorianThreadInit, ThreadError, ToThread } from './historian-thread-messages'
import { HostPauseDetector, type HostPause, type HostPauseDetectorOptions } from './host-pause-detector'
import { LiveRecorder } from './live-recorder'

export interface ThreadedHistorianOptions {
  file: string
  /** How often the writer thread commits (default 1000 ms): a kill -9 loses at most this plus `recordIntervalMs`. */
  flushIntervalMs?: number
  /** Buffered samples that make the thread commit before its timer (default 500,000). */
  flushAtSamples?: number
  /** How often live values go to the thread as one batch (default 100 ms). */
  recordIntervalMs?: number
  retentionIntervalMs?: number
  /**
   * When the host did not run (sleep, a suspended or stalled process; default: more than 10 s between two checks a
   * second apart), every recorded tag gets a "no data" mark where it stopped. Tests inject the clocks here.
   */
  pauseDetection?: Omit<HostPauseDetectorOptions, 'onPause'>
  /** Things a person should know: a failed write, a restarted thread. */
  onNotice?: (level: 'error' | 'warning' | 'info', message: string, code: string) => void
}

export interface ThreadedExportOptions extends ExportRequest {
  onProgress?: (progress: ExportProgress) => void
  signal?: AbortSignal
}

interface PendingCall {
  resolve(value: unknown): void
  reject(error: Error): void
  onProgress?: (progress: ExportProgress) => void
}

const fromThreadError = (error: ThreadError): Error =>
  error.code === 'CANCELLED' ? new WorkbenchError('CANCELLED', error.message) : Object.assign(new Error(error.message), error.code ? { code: error.code } : {})

/**
 * The project's historian with its writes on a worker thread. Live values are collected as columns and posted as
 * one batch every `recordIntervalMs`; the thread owns the file, flushes, and acknowledges what it committed. The
 * main thread keeps every unacknowledged sample, so a thread that dies is restarted (with a notice) and nothing
 * buffered is lost. Queries run on the thread too and see flushed and buffered samples alike.
 */
export class ThreadedHistorian {
  readonly file: string
  private readonly recorder = new LiveRecorder()
  private readonly calls = new Map<number, PendingCall>()
  private worker: Worker | undefined
  private ready: Promise<void> = Promise.resolve()
  private nextId = 1
  private closing = false
  private closed = false
  private restarts = 0
  private startedAt = 0
  private restartTimer: NodeJS.Timeout | undefined
  private lastWriteNotice = 0
  private lastRefusedNotice = 0
  private readonly timer: NodeJS.Timeout
  private readonly pauses: HostPauseDetector
  private readonly entry = threadEntry(import.meta.url, 'historian-thread')
  private closeResult: ((message: Extract<FromThread, { kind: 'closed' }>) => void) | undefined

  constructor(private readonly options: ThreadedHistorianOptions) {
    this.file = options.file
    this.spawn()
    this.timer = setInterval(() => this.send(), options.recordIntervalMs ?? 100)
    this.timer.unref()
    this.pauses = new HostPauseDetector({ ...options.pauseDetection, onPause: (pause) => this.onHostPause(pause) })
    this.pauses.start()
  }

  /** Records live values (every sample, not the latest per tag); they reach the thread with the next batch. */
  record(values: readonly TagValue[]): void {
    if (this.closing) return
    // A pause that ended just now is marked before the first value after it.
    this.pauses.check()
    this.recorder.record(values)
    if (this.recorder.unsent() >= 50_000) this.send()
  }

  /**
   * Recording of these tags ends now (their connection was removed): each gets one NaN "no data" sample, so the
   * last value is not held across the time nothing is recorded. A later value of the tag starts it again.
   */
  endRecording(tagIds: readonly string[], reason = 'recording of the tag stopped'): void {
    if (this.closing) return
    this.pauses.check()
    this.recorder.markEnd(Date.now(), reason, tagIds)
  }

  /** Resolves when the current writer thread has opened the file. */
  whenReady(): Promise<void> {
    return this.ready
  }

  /** Test/maintenance hook: the current writer thread. */
  get thread(): Worker | undefined {
    return this.worker
  }

  /** Samples held in the main thread until the writer thread commits them. */
  heldSamples(): number {
    return this.recorder.held()
  }

  queryRaw(tagIds: readonly string[], from: number, to: number): Promise<RawSeries[]> {
    return this.call('queryRaw', [tagIds, from, to]) as Promise<RawSeries[]>
  }

  /** Per [tagId, from]: samples with from <= t <= to (NaN marks included). */
  countRaw(items: readonly (readonly [string, number])[], to: number): Promise<number[]> {
    return this.call('countRaw', [items, to]) as Promise<number[]>
  }

  /** Per tag: the time of its oldest sample kept, or null. */
  firstTimes(tagIds: readonly string[]): Promise<(number | null)[]> {
    return this.call('firstTimes', [tagIds]) as Promise<(number | null)[]>
  }

  queryBuckets(tagIds: readonly string[], from: number, to: number, buckets: number, options?: BucketQueryOptions): Promise<BucketSeries[]> {
    return this.call('queryBuckets', [tagIds, from, to, buckets, options]) as Promise<BucketSeries[]>
  }

  valueAt(tagIds: readonly string[], t: number, mode: ValueAtMode = 'previous'): Promise<(ValueAt | null)[]> {
    return this.call('valueAt', [tagIds, t, mode]) as Promise<(ValueAt | null)[]>
  }

  getRetention(): Promise<RetentionPolicy> {
    return this.call('getRetention', []) as Promise<RetentionPolicy>
  }

  async setRetention(policy: RetentionPolicy): Promise<void> {
    await this.call('setRetention', [policy])
  }

  enforceRetention(): Promise<number> {
    return this.call('enforceRetention', []) as Promise<number>
  }

  async setRetentionHold(hold: RetentionHold | null): Promise<void> {
    await this.call('setRetentionHold', [hold])
  }

  getRetentionHold(): Promise<RetentionHold | null> {
    return this.call('getRetentionHold', []) as Promise<RetentionHold | null>
  }

  retentionHeld(now?: number): Promise<RetentionHeld | null> {
    return this.call('retentionHeld', now === undefined ? [] : [now]) as Promise<RetentionHeld | null>
  }

  forceRetention(at: number): Promise<ForcedRetention> {
    return this.call('forceRetention', [at]) as Promise<ForcedRetention>
  }

  /** Ids of every tag the file holds (the cloud sync walks them). */
  tagIds(): Promise<string[]> {
    return this.call('tagIds', []) as Promise<string[]>
  }

  getTagConfig(tagId: string): Promise<TagConfig | null> {
    return this.call('getTagConfig', [tagId]) as Promise<TagConfig | null>
  }

  async setTagConfig(tagId: string, config: TagConfig): Promise<void> {
    await this.call('setTagConfig', [tagId, config])
  }

  /** The thread's counters; samples still on their way from the main thread count as buffered. */
  async stats(): Promise<HistorianStats> {
    const stats = (await this.call('stats', [])) as HistorianStats
    return { ...stats, bufferedSamples: stats.bufferedSamples + this.recorder.unsent() }
  }

  /** Sends what is collected and commits everything now. */
  flush(): Promise<FlushResult> {
    return this.call('flush', []) as Promise<FlushResult>
  }

  exportRange(options: ThreadedExportOptions): Promise<ExportResult> {
    const { onProgress, signal, ...request } = options
    if (signal?.aborted) return Promise.reject(new WorkbenchError('CANCELLED', 'Export cancelled'))
    if (this.closed) return Promise.reject(new Error(`Historian ${this.file} is closed`))
    if (!this.worker) return Promise.reject(this.unavailable())
    this.send()
    const id = this.nextId++
    const result = new Promise<unknown>((resolve, reject) => this.calls.set(id, { resolve, reject, onProgress }))
    this.post({ kind: 'export', id, request })
    signal?.addEventListener('abort', () => this.worker?.postMessage({ kind: 'cancel', id } satisfies ToThread), { once: true })
    return result as Promise<ExportResult>
  }

  /**
   * Sends the last values and one NaN sample per recorded tag (recording stops here: readers see no data until the
   * next session records again), lets the thread flush, seal and close the file, and ends it. Throws if the last
   * write failed. A crash writes no such mark: the last value then holds until the next sample.
   */
  async close(): Promise<void> {
    if (this.closing) return
    this.pauses.check()
    this.pauses.stop()
    this.closing = true
    this.recorder.markEnd(Date.now(), 'recording stopped')
    clearInterval(this.timer)
    clearTimeout(this.restartTimer)
    // The thread was away (waiting to restart): start one more to write what is held.
    if (!this.worker && this.recorder.held() > 0) this.spawn()
    const worker = this.worker
    if (!worker) {
      this.closed = true
      return
    }
    try {
      await this.ready
    } catch (error) {
      this.closed = true
      throw new Error(`Historian ${this.file}: ${this.recorder.held()} samples could not be written: ${error instanceof Error ? error.message : String(error)}`)
    }
    this.send()
    const closed = new Promise<Extract<FromThread, { kind: 'closed' }>>((resolve) => (this.closeResult = resolve))
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()))
    worker.postMessage({ kind: 'close' } satisfies ToThread)
    const result = await Promise.race([closed, exited.then(() => undefined)])
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000).unref())])
    if (this.worker === worker) await worker.terminate()
    this.closed = true
    this.rejectAll(`Historian ${this.file} is closed`)
    if (!result)
      throw new Error(`Historian ${this.file}: the writer thread stopped before it closed the file; the last ${this.recorder.held()} samples were not written`)
    if (!result.ok) throw new Error(result.error.message)
  }

  /**
   * The host did not run from `lastSeen` (sleep, a stalled process): nothing was recorded since, so every recorded tag
   * gets its "no data" mark 1 ms after it (as at a clean stop) instead of holding its last value across the gap.
   */
  private onHostPause({ lastSeen, resumedAt }: HostPause): void {
    if (this.closing) return
    const seconds = Math.round((resumedAt - lastSeen) / 1000)
    const marked = this.recorder.markEnd(lastSeen + 1, `the workstation was not running for ${seconds} s (sleep or a stalled process)`)
    if (marked === 0) return
    this.options.onNotice?.(
      'warning',
      `The workstation did not run for ${seconds} s (${new Date(lastSeen).toISOString()} to ${new Date(resumedAt).toISOString()}: sleep, or a suspended or stalled process); that time is recorded as no data for ${marked} tags`,
      'HISTORIAN',
    )
  }

  private send(): void {
    if (!this.worker || this.closed) return
    const batch = this.recorder.takeBatch()
    if (!batch) return
    this.post({ kind: 'samples', ...batch }, [batch.tag.buffer, batch.t.buffer, batch.v.buffer, batch.q.buffer])
  }

  private post(message: ToThread, transfer?: ArrayBuffer[]): void {
    this.worker?.postMessage(message, transfer)
  }

  private call(method: HistorianMethod, args: unknown[]): Promise<unknown> {
    if (this.closed) return Promise.reject(new Error(`Historian ${this.file} is closed`))
    if (!this.worker) return Promise.reject(this.unavailable())
    this.send()
    const id = this.nextId++
    const result = new Promise<unknown>((resolve, reject) => this.calls.set(id, { resolve, reject }))
    this.post({ kind: 'call', id, method, args })
    return result
  }

  private spawn(): void {
    const init: HistorianThreadInit = {
      file: this.file,
      flushIntervalMs: this.options.flushIntervalMs ?? 1000,
      flushAtSamples: this.options.flushAtSamples ?? 500_000,
      retentionIntervalMs: this.options.retentionIntervalMs,
      tags: this.recorder.dictionary(),
    }
    this.recorder.rewind()
    const worker = new Worker(this.entry.url, { workerData: init, execArgv: this.entry.execArgv, name: 'historian-writer' })
    this.worker = worker
    this.startedAt = Date.now()
    let opened = false
    let openError: ThreadError | undefined
    this.ready = new Promise<void>((resolve, reject) => {
      worker.on('message', (message: FromThread) => {
        if (message.kind === 'ready') {
          opened = true
          resolve()
        } else if (message.kind === 'open-failed') {
          openError = message.error
          reject(fromThreadError(message.error))
        } else this.onMessage(message)
      })
      worker.on('exit', (code) => {
        if (!opened)
          reject(fromThreadError(openError ?? { message: `Historian ${this.file}: the writer thread stopped before opening the file (exit code ${code})` }))
      })
    })
    this.ready.catch(() => undefined)
    // The batches collected while no thread ran go out first.
    this.send()
    let lastError: Error | undefined
    worker.on('error', (error) => (lastError = error))
    worker.on('exit', (code) => {
      if (this.worker !== worker) return
      this.worker = undefined
      if (this.closing) return
      this.rejectAll(`Historian ${this.file}: the writer thread stopped; the request was not completed — try again`)
      this.restart(openError ? `could not open the file: ${openError.message}` : lastError ? lastError.message : `exit code ${code}`)
    })
  }

  private restart(why: string): void {
    // Back off only when the thread keeps dying right after it started.
    this.restarts = Date.now() - this.startedAt < 10_000 ? this.restarts + 1 : 0
    const delay = this.restarts === 0 ? 0 : Math.min(30_000, 500 * 2 ** this.restarts)
    const held = this.recorder.held()
    this.options.onNotice?.(
      'error',
      `Historian ${this.file}: the writer thread stopped (${why}) — ${delay === 0 ? 'restarted' : `restarting in ${Math.round(delay / 1000)} s`}; ${held} samples not yet written are kept and recorded again`,
      'HISTORIAN',
    )
    this.restartTimer = setTimeout(() => {
      if (!this.closing) this.spawn()
    }, delay)
    this.restartTimer.unref()
  }

  private onMessage(message: FromThread): void {
    switch (message.kind) {
      case 'flushed':
        this.recorder.acknowledge(message.seq)
        return
      case 'result': {
        const pending = this.calls.get(message.id)
        if (!pending) return
        this.calls.delete(message.id)
        if (message.ok) pending.resolve(message.value)
        else pending.reject(fromThreadError(message.error))
        return
      }
      case 'progress':
        this.calls.get(message.id)?.onProgress?.(message.progress)
        return
      case 'export-done': {
        const pending = this.calls.get(message.id)
        this.calls.delete(message.id)
        pending?.resolve(message.result)
        return
      }
      case 'write-failed':
        // One notice per minute is enough: the historian keeps buffering and retries by itself.
        if (Date.now() - this.lastWriteNotice < 60_000) return
        this.lastWriteNotice = Date.now()
        this.options.onNotice?.(
          'error',
          `${message.message} (${message.pendingSamples} samples held in memory, retrying in ${Math.round(message.retryInMs / 1000)} s)`,
          message.code ?? 'HISTORIAN',
        )
        return
      case 'refused':
        if (Date.now() - this.lastRefusedNotice < 60_000) return
        this.lastRefusedNotice = Date.now()
        this.options.onNotice?.('warning', `Historian ${this.file}: ${message.samples} samples were not recorded: ${message.message}`, 'HISTORIAN')
        return
      case 'closed':
        this.closeResult?.(message)
        return
    }
  }

  private rejectAll(why: string): void {
    for (const pending of this.calls.values()) pending.reject(new WorkbenchError('UNAVAILABLE', why))
    this.calls.clear()
  }

  private unavailable(): WorkbenchError {
    return new WorkbenchError('UNAVAILABLE', `Historian ${this.file} is restarting after its writer thread stopped — try again in a moment`)
  }
}
