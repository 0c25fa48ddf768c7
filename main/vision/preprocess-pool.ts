// A preprocessing thread for batch inference: batches go over by transfer (no copy), come back letterboxed.
import type { Worker } from 'node:worker_threads'
import type { Letterbox } from './preprocess'
import type { RgbImage } from './raster'
import { startVisionWorker } from './worker-entry'

export interface PrepareRequest {
  id: number
  /** File paths or raw RGB frames, each with the name errors give it. */
  images: { source: string; image: string | RgbImage }[]
  width: number
  height: number
  buffer: ArrayBuffer
}

export interface PrepareReply {
  id: number
  buffer: ArrayBuffer
  letterboxes: (Letterbox | undefined)[]
  errors: (string | undefined)[]
}

export interface BatchPreparer {
  /** Letterboxes `images` into `buffer` on the other thread; the buffer is detached meanwhile and comes back in the reply. */
  prepare(images: { source: string; image: string | RgbImage }[], size: { width: number; height: number }, buffer: Float32Array): Promise<{ buffer: Float32Array } & Omit<PrepareReply, 'id' | 'buffer'>>
  close(): Promise<void>
}

export function createBatchPreparer(): BatchPreparer {
  let worker: Worker | undefined
  let nextId = 1
  const pending = new Map<number, { resolve(reply: PrepareReply): void; reject(error: Error): void }>()
  const ensure = (): Worker => {
    if (worker) return worker
    const started = startVisionWorker('preprocess-worker')
    started.on('message', (reply: PrepareReply) => {
      pending.get(reply.id)?.resolve(reply)
      pending.delete(reply.id)
      // Idle, the thread must not keep the process alive; busy, it must (the caller waits on it).
      if (pending.size === 0) started.unref()
    })
    const fail = (error: Error) => {
      if (worker === started) worker = undefined
      for (const p of pending.values()) p.reject(error)
      pending.clear()
    }
    started.on('error', (error) => fail(new Error(`The preprocessing thread stopped: ${error.message} — run the job again`)))
    started.on('exit', (code) => fail(new Error(`The preprocessing thread exited (code ${code}) — run the job again`)))
    started.unref()
    worker = started
    return started
  }
  return {
    prepare(images, size, buffer) {
      const id = nextId++
      const target = ensure()
      return new Promise<PrepareReply>((resolve, reject) => {
        pending.set(id, { resolve, reject })
        target.ref()
        const request: PrepareRequest = { id, images, ...size, buffer: buffer.buffer as ArrayBuffer }
        target.postMessage(request, [request.buffer])
      }).then((reply) => ({ buffer: new Float32Array(reply.buffer), letterboxes: reply.letterboxes, errors: reply.errors }))
    },
    async close() {
      const stopping = worker
      worker = undefined
      await stopping?.terminate()
    },
  }
}
