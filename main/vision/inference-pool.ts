// The main thread's side of inference: one worker thread (started on first use) that owns the ONNX Runtime sessions.
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'
import type { InferenceSettings, ItemResult } from './inference-runner'
import type { WorkerItem, WorkerReply, WorkerRequest } from './inference-protocol'
import type { ModelDescription } from './model-description'

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

/**
 * From source (tsx: `otw serve`, vitest) the worker loads the .ts entry through tsx's loader; in the electron-vite build
 * the entry is bundled next to this code as inference-worker.js (a second entry of the main build).
 */
function startWorker(): Worker {
  const here = fileURLToPath(import.meta.url)
  if (here.endsWith('.ts')) {
    const entry = pathToFileURL(path.join(path.dirname(here), 'inference-worker.ts')).href
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href
    return new Worker(`import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}) })`, { eval: true })
  }
  return new Worker(path.join(path.dirname(here), 'inference-worker.js'))
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
    const started = startWorker()
    started.on('message', (reply: WorkerReply) => {
      const job = pending.get(reply.jobId)
      if (!job) return
      if (reply.type === 'results') {
        job.results.push(...reply.results)
        job.callbacks.onResults?.(reply.results)
      } else if (reply.type === 'progress') job.callbacks.onProgress?.({ done: reply.done, total: reply.total })
      else {
        pending.delete(reply.jobId)
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
