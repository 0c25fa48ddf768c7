// The sync on its own worker thread (sync-thread.ts): reading batches, encoding COPY and talking to PostgreSQL never
// run on the main thread's event loop. The main side answers the thread's historian and tag-model questions, keeps the
// last status, and restarts a thread that dies (with a notice). Nothing is lost by a crash: the cursors in sync.db move
// only after the tenant committed, a transaction cut off is rolled back by PostgreSQL, and the next thread re-reads
// from the cursors (rows the tenant already has are skipped by its key).
import { Worker } from 'node:worker_threads'
import type { SyncStatus } from '../../preload/contract/tenant'
import { TenantError } from '../deploy/tenant/tenant-connection'
import { describeTarget, type TenantTarget } from '../deploy/tenant/tenant-target'
import { threadEntry } from '../thread-entry'
import { syncStatusAtStart } from './sync-status'
import type { FromSyncThread, SourceMethod, SyncMethod, SyncThreadError, SyncThreadInit, ToSyncThread } from './sync-thread-messages'
import type { HistorianSource, TenantSync } from './tenant-sync'

export interface ThreadedSyncOptions {
  dataDir: string
  target: TenantTarget
  source: HistorianSource
  intervalMs?: number
  horizonMs?: number
  batchRows?: number
  rateLimitRowsPerSecond?: number | null
  onNotice?: (level: 'error' | 'warning' | 'info', message: string, code: string) => void
}

const fromThreadError = (error: SyncThreadError): Error => (error.kind ? new TenantError(error.kind, error.message) : new Error(error.message))

export class ThreadedSync {
  private worker: Worker | undefined
  private readonly calls = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>()
  private nextId = 1
  private last: SyncStatus
  /** Counters of threads that ended, added to the current one's. */
  private carried = { rowsSent: 0, rowsSkipped: 0 }
  private paused = false
  private rateLimit: number | null
  private stopping = false
  private restarts = 0
  private startedAt = 0
  private restartTimer: NodeJS.Timeout | undefined
  private readonly entry = threadEntry(import.meta.url, 'sync-thread')
  /** Test hook: how many threads were started. */
  threadsStarted = 0

  constructor(private readonly options: ThreadedSyncOptions) {
    this.rateLimit = options.rateLimitRowsPerSecond ?? null
    this.last = syncStatusAtStart('idle', describeTarget(options.target), this.rateLimit)
    this.spawn()
  }

  /** Test/maintenance hook: the current sync thread. */
  get thread(): Worker | undefined {
    return this.worker
  }

  private spawn(): void {
    const init: SyncThreadInit = {
      dataDir: this.options.dataDir,
      target: this.options.target,
      paused: this.paused,
      rateLimitRowsPerSecond: this.rateLimit,
      intervalMs: this.options.intervalMs,
      horizonMs: this.options.horizonMs,
      batchRows: this.options.batchRows,
    }
    const worker = new Worker(this.entry.url, { workerData: init, execArgv: this.entry.execArgv, name: 'otw-sync' })
    this.worker = worker
    this.startedAt = Date.now()
    this.threadsStarted++
    let lastError: Error | undefined
    worker.on('message', (message: FromSyncThread) => this.onMessage(worker, message))
    worker.on('error', (error) => (lastError = error))
    worker.on('exit', (code) => {
      if (this.worker !== worker) return
      this.worker = undefined
      this.carried = { rowsSent: this.last.rowsSent, rowsSkipped: this.last.rowsSkipped }
      const why = lastError ? lastError.message : `exit code ${code}`
      for (const call of this.calls.values())
        call.reject(new Error(`The sync thread stopped (${why}) before this finished — it is restarted; run it again (rows already in the tenant are skipped)`))
      this.calls.clear()
      if (this.stopping) return
      this.restart(why)
    })
  }

  private restart(why: string): void {
    this.restarts = Date.now() - this.startedAt < 10_000 ? this.restarts + 1 : 0
    const delay = this.restarts === 0 ? 0 : Math.min(30_000, 500 * 2 ** this.restarts)
    this.last = {
      ...this.last,
      state: 'idle',
      rowsPerSecond: 0,
      backfill: null,
      lastError: { kind: 'other', message: `sync thread stopped: ${why}`, at: Date.now() },
    }
    this.options.onNotice?.(
      'error',
      `Cloud sync to ${describeTarget(this.options.target)}: the sync thread stopped (${why}) — ${delay === 0 ? 'restarted' : `restarting in ${Math.round(delay / 1000)} s`}; nothing is lost, it goes on from the last committed cursor`,
      'SYNC_THREAD',
    )
    this.restartTimer = setTimeout(() => {
      if (!this.stopping) this.spawn()
    }, delay)
    this.restartTimer.unref()
  }

  private onMessage(worker: Worker, message: FromSyncThread): void {
    if (message.kind === 'status') {
      if (worker !== this.worker) return
      this.last = {
        ...message.status,
        rowsSent: message.status.rowsSent + this.carried.rowsSent,
        rowsSkipped: message.status.rowsSkipped + this.carried.rowsSkipped,
      }
    } else if (message.kind === 'source') {
      void this.answer(worker, message.id, message.method, message.args)
    } else if (message.kind === 'result') {
      const call = this.calls.get(message.id)
      this.calls.delete(message.id)
      if (message.ok) call?.resolve(message.value)
      else call?.reject(fromThreadError(message.error))
    }
  }

  private async answer(worker: Worker, id: number, method: SourceMethod, args: unknown[]): Promise<void> {
    const s = this.options.source
    try {
      let value: unknown
      if (method === 'tagIds') value = await s.tagIds()
      else if (method === 'queryRaw') value = await s.queryRaw(args[0] as string[], args[1] as number, args[2] as number)
      else if (method === 'countRaw') value = s.countRaw ? await s.countRaw(args[0] as [string, number][], args[1] as number) : null
      else if (method === 'firstTimes') value = s.firstTimes ? await s.firstTimes(args[0] as string[]) : (args[0] as string[]).map(() => null)
      else value = s.tagMeta ? await s.tagMeta(args[0] as string[]) : {}
      worker.postMessage({ kind: 'source-result', id, ok: true, value } satisfies ToSyncThread)
    } catch (error) {
      worker.postMessage({
        kind: 'source-result',
        id,
        ok: false,
        error: { message: error instanceof Error ? error.message : String(error) },
      } satisfies ToSyncThread)
    }
  }

  private call(method: SyncMethod, args: unknown[]): Promise<unknown> {
    if (!this.worker) return Promise.reject(new Error('The sync thread is restarting — try again in a moment'))
    const id = this.nextId++
    const result = new Promise<unknown>((resolve, reject) => this.calls.set(id, { resolve, reject }))
    this.worker.postMessage({ kind: 'call', id, method, args } satisfies ToSyncThread)
    return result
  }

  status(): SyncStatus {
    return { ...this.last, state: this.paused && this.last.state !== 'stopped' ? 'paused' : this.last.state, rateLimitRowsPerSecond: this.rateLimit }
  }

  pause(): void {
    this.paused = true
    this.last = { ...this.last, state: 'paused' }
    void this.call('pause', []).catch(() => undefined)
  }

  resume(): void {
    this.paused = false
    if (this.last.state === 'paused') this.last = { ...this.last, state: 'idle' }
    void this.call('resume', []).catch(() => undefined)
  }

  setRateLimit(rowsPerSecond: number | null): void {
    this.rateLimit = rowsPerSecond
    void this.call('setRateLimit', [rowsPerSecond]).catch(() => undefined)
  }

  backfill(from: number, to: number, tagIds?: string[]): Promise<{ rowsSent: number; rowsSkipped: number }> {
    return this.call('backfill', [from, to, tagIds]) as Promise<{ rowsSent: number; rowsSkipped: number }>
  }

  reconcile(from: number, to: number, tagIds?: string[], resend?: boolean) {
    return this.call('reconcile', [from, to, tagIds, resend]) as ReturnType<TenantSync['reconcile']>
  }

  /** Lets the thread finish its batch (or roll it back), close sync.db and end. */
  async stop(): Promise<void> {
    this.stopping = true
    clearTimeout(this.restartTimer)
    const worker = this.worker
    if (!worker) {
      this.last = { ...this.last, state: 'stopped' }
      return
    }
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()))
    worker.postMessage({ kind: 'stop' } satisfies ToSyncThread)
    const stopped = await Promise.race([exited.then(() => false), new Promise<boolean>((resolve) => setTimeout(() => resolve(true), 15_000).unref())])
    if (stopped) await worker.terminate()
    await exited
    this.last = { ...this.last, state: 'stopped', rowsPerSecond: 0 }
  }
}
