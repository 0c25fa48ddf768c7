// The sync thread: runs the historian → tenant sync (reads, COPY encoding, PostgreSQL I/O) off the main thread. It
// owns its connection to sync.db (the durable cursors); the historian and the tag model stay on the main side and are
// asked through messages. A thread that dies loses nothing: cursors advance only after the tenant committed.
import { join } from 'node:path'
import { parentPort, workerData } from 'node:worker_threads'
import { TenantError } from '../deploy/tenant/tenant-connection'
import { SyncCursorStore } from './sync-cursor-store'
import type { FromSyncThread, SourceMethod, SyncThreadError, SyncThreadInit, ToSyncThread } from './sync-thread-messages'
import { TenantSync, type HistorianSource } from './tenant-sync'

const init = workerData as SyncThreadInit
const port = parentPort!
const post = (message: FromSyncThread): void => port.postMessage(message)
const waiting = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>()
let nextId = 1

function ask(method: SourceMethod, args: unknown[]): Promise<unknown> {
  const id = nextId++
  return new Promise((resolve, reject) => {
    waiting.set(id, { resolve, reject })
    post({ kind: 'source', id, method, args })
  })
}

const source: HistorianSource = {
  tagIds: () => ask('tagIds', []) as Promise<string[]>,
  queryRaw: (tagIds, from, to) => ask('queryRaw', [tagIds, from, to]) as ReturnType<HistorianSource['queryRaw']>,
  countRaw: (items, to) => ask('countRaw', [items, to]) as Promise<number[]>,
  firstTimes: (tagIds) => ask('firstTimes', [tagIds]) as Promise<(number | null)[]>,
  tagMeta: (tagIds) => ask('tagMeta', [tagIds]) as ReturnType<NonNullable<HistorianSource['tagMeta']>>,
}

const cursors = new SyncCursorStore(join(init.dataDir, 'sync.db'))
const sync = new TenantSync({
  source,
  cursors,
  target: init.target,
  rateLimitRowsPerSecond: init.rateLimitRowsPerSecond,
  intervalMs: init.intervalMs,
  horizonMs: init.horizonMs,
  batchRows: init.batchRows,
})
if (init.paused) sync.pause()
sync.start()

const toError = (error: unknown): SyncThreadError => ({
  message: error instanceof Error ? error.message : String(error),
  ...(error instanceof TenantError ? { kind: error.kind } : {}),
})

const report = () => post({ kind: 'status', status: sync.status() })
const ticker = setInterval(report, 250)

async function call(id: number, method: ToSyncThread & { kind: 'call' }): Promise<void> {
  try {
    const a = method.args
    let value: unknown
    if (method.method === 'backfill') value = await sync.backfill(a[0] as number, a[1] as number, a[2] as string[] | undefined)
    else if (method.method === 'reconcile')
      value = await sync.reconcile(a[0] as number, a[1] as number, a[2] as string[] | undefined, a[3] as boolean | undefined)
    else if (method.method === 'pause') sync.pause()
    else if (method.method === 'resume') sync.resume()
    else sync.setRateLimit(a[0] as number | null)
    report()
    post({ kind: 'result', id, ok: true, value })
  } catch (error) {
    post({ kind: 'result', id, ok: false, error: toError(error) })
  }
}

port.on('message', (message: ToSyncThread) => {
  if (message.kind === 'source-result') {
    const w = waiting.get(message.id)
    waiting.delete(message.id)
    if (message.ok) w?.resolve(message.value)
    else w?.reject(Object.assign(new Error(message.error.message)))
  } else if (message.kind === 'call') {
    void call(message.id, message)
  } else {
    clearInterval(ticker)
    void sync
      .stop()
      .catch(() => undefined)
      .then(() => {
        report()
        cursors.close()
        post({ kind: 'stopped' })
        port.close()
      })
  }
})
report()
