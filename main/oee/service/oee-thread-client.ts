import { Worker } from 'node:worker_threads'
import { WorkbenchError } from '../../../preload/contract'
import { threadEntry } from '../../thread-entry'
import type { OeeComputation, OeeComputationInput } from './oee-computation'
import type { OeeThreadReply, OeeThreadRequest } from './oee-thread-messages'

interface PendingComputation {
  resolve(value: OeeComputation): void
  reject(error: Error): void
}

/** The historian columns of a computation, each buffer once: they move to the thread instead of being copied. */
function columnBuffers(input: OeeComputationInput): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>()
  for (const r of input.history.raw) for (const column of [r.t, r.v]) if (column.buffer instanceof ArrayBuffer) buffers.add(column.buffer)
  return [...buffers]
}

/**
 * The main thread's side of the OEE thread: started on first use, kept idle without holding the process open, and
 * started again by the next computation after it died (the computations in flight fail, saying so).
 */
export class OeeThread {
  private worker: Worker | undefined
  private readonly pending = new Map<number, PendingComputation>()
  private readonly entry = threadEntry(import.meta.url, 'oee-thread')
  private nextId = 1
  private closed = false

  /** Computes on the thread; the input's historian columns are transferred (unusable here afterwards). */
  compute(input: OeeComputationInput): Promise<OeeComputation> {
    if (this.closed) return Promise.reject(new WorkbenchError('UNAVAILABLE', 'The OEE service is closed'))
    const worker = this.ensure()
    const id = this.nextId++
    return new Promise<OeeComputation>((resolve, reject) => {
      this.pending.set(id, { resolve, reject })
      worker.ref()
      worker.postMessage({ id, input } satisfies OeeThreadRequest, columnBuffers(input))
    })
  }

  /** Test hook: the thread now, if one runs. */
  get thread(): Worker | undefined {
    return this.worker
  }

  async close(): Promise<void> {
    this.closed = true
    const worker = this.worker
    this.worker = undefined
    this.failAll('the OEE service was closed')
    await worker?.terminate()
  }

  private ensure(): Worker {
    if (this.worker) return this.worker
    const worker = new Worker(this.entry.url, { execArgv: this.entry.execArgv, name: 'oee-computation' })
    worker.on('message', (reply: OeeThreadReply) => {
      const pending = this.pending.get(reply.id)
      if (!pending) return
      this.pending.delete(reply.id)
      // Idle, the thread must not keep the process alive; busy, it must (a caller waits on it).
      if (this.pending.size === 0) worker.unref()
      if (reply.ok) pending.resolve(reply.value)
      else pending.reject(Object.assign(new Error(reply.error.message), { name: reply.error.name }))
    })
    let lastError: Error | undefined
    worker.on('error', (error) => (lastError = error))
    worker.on('exit', (code) => {
      if (this.worker !== worker) return
      this.worker = undefined
      this.failAll(lastError ? lastError.message : `exit code ${code}`)
    })
    worker.unref()
    this.worker = worker
    return worker
  }

  private failAll(why: string): void {
    const error = new WorkbenchError('UNAVAILABLE', `The OEE computation thread stopped (${why}) — run the report again`)
    for (const pending of this.pending.values()) pending.reject(error)
    this.pending.clear()
  }
}
