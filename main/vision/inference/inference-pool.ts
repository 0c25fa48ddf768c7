// The main thread's side of inference: one worker thread (started on first use) that owns the ONNX Runtime sessions.
import type { Worker } from 'node:worker_threads'
import type { InferenceSettings, ItemResult } from './inference-runner'
import type { WorkerItem, WorkerReply, WorkerRequest } from './inference-protocol'
import type { ModelDescription } from '../models/model-description'
import { startVisionWorker } from './worker-entry'

export interface InferenceJob {
  modelFile: string
  description: ModelDescription
  items: WorkerItem[]
  settings: InferenceSettings
}

export interface JobCallbacks {
  signal?: AbortSignal
  onProgress?: (progress: { done: number; total: number }) => void
  onResults?: (results: ItemResult[]) => void
}

export interface InferenceWorker {
  run(job: InferenceJob, callbacks?: JobCallbacks): Promise<ItemResult[]>
  /** Forget cached sessions of a model file (after delete or re-import). */
  release(modelFile: string): void
  close(): Promise<void>
}

/** A cancelled job rejects with this, so callers can tell cancel from failure. */
export class InferenceCancelledError extends Error {
  constructor() {
    super('Inference cancelled')
    this.name = 'InferenceCancelledError'
  }
}

interface Pending {
  results: ItemResult[]
  callbacks: JobCallbacks
  resolve(results: ItemResult[]): void
  reject(error: Error): void
}

export function createInferenceWorker(): InferenceWorker {
  let worker: Worker | undefined
  let nextJob = 1
  const pending = new Map<number, Pending>()

  const failAll = (error: Error): void => {
    for (const job of pending.values()) job.reject(error)
    pending.clear()
  }
  const ensure = (): Worker => {
    if (worker) return worker
    const started = startVisionWorker('inference-worker')
    started.on('message', (reply: WorkerReply) => {
      const job = pending.get(reply.jobId)
      if (!job) return
      if (reply.type === 'results') {
        job.results.push(...reply.results)
        job.callbacks.onResults?.(reply.results)
      } else if (reply.type === 'progress') job.callbacks.onProgress?.({ done: reply.done, total: reply.total })
      else {
        pending.delete(reply.jobId)
        // Idle, the thread must not keep the process alive; busy, it must (the caller waits on it).
        if (pending.size === 0) started.unref()
        if (reply.type === 'done') job.resolve(job.results)
        else job.reject(reply.cancelled ? new InferenceCancelledError() : new Error(reply.message))
      }
    })
    // A crashed worker (out of memory, a native fault in a model) fails its jobs; the next job starts a fresh one.
    started.on('error', (error) => {
      if (worker === started) worker = undefined
      failAll(new Error(`The inference worker stopped: ${error.message} — run the job again`))
    })
    started.on('exit', (code) => {
      if (worker === started) worker = undefined
      if (pending.size > 0) failAll(new Error(`The inference worker exited (code ${code}) — run the job again`))
    })
    started.unref()
    worker = started
    return started
  }
  const send = (request: WorkerRequest): void => ensure().postMessage(request)

  return {
    run(job, callbacks = {}) {
      if (callbacks.signal?.aborted) return Promise.reject(new InferenceCancelledError())
      const jobId = nextJob++
      return new Promise<ItemResult[]>((resolve, reject) => {
        pending.set(jobId, { results: [], callbacks, resolve, reject })
        ensure().ref()
        callbacks.signal?.addEventListener('abort', () => worker?.postMessage({ type: 'cancel', jobId } satisfies WorkerRequest), { once: true })
        send({ type: 'run', jobId, ...job })
      })
    },
    release(modelFile) {
      worker?.postMessage({ type: 'release', modelFile } satisfies WorkerRequest)
    },
    async close() {
      const stopping = worker
      worker = undefined
      failAll(new Error('The inference worker was closed'))
      await stopping?.terminate()
    },
  }
}
