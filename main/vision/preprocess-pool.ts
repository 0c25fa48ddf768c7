// A preprocessing thread for batch inference: batches go over by transfer (no copy), come back letterboxed.
import { totalmem } from 'node:os'
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
  /** What each image's place in `buffer` held after the previous batch (its padding need not be written again). */
  padded: (Letterbox | undefined)[]
  /** Byte budget of the thread's decoded-image cache (0: no caching). */
  cacheBytes: number
}

export interface PrepareReply {
  id: number
  buffer: ArrayBuffer
  letterboxes: (Letterbox | undefined)[]
  errors: (string | undefined)[]
  cache: { hits: number; misses: number; bytes: number; images: number }
}

export interface BatchPreparer {
  /** Letterboxes `images` into `buffer` on the other thread; the buffer is detached meanwhile and comes back in the reply. */
  prepare(
    images: { source: string; image: string | RgbImage }[],
    size: { width: number; height: number },
    buffer: Float32Array,
    /** The letterboxes this buffer came back with last time, if it is a reused one. */
    padded?: (Letterbox | undefined)[],
  ): Promise<{ buffer: Float32Array } & Omit<PrepareReply, 'id' | 'buffer'>>
  close(): Promise<void>
}

/**
 * How much decoded image data the preprocessing thread keeps for the next run over the same files (a second model
 * version evaluated, pre-labeling again): 512 MiB, or a sixteenth of the machine's memory if that is less — about 2,300
 * 320×240 frames at full size, 9,000 at 160×120.
 */
export const DEFAULT_DECODE_CACHE_BYTES = Math.min(512 * 1024 * 1024, Math.floor(totalmem() / 16))

export function createBatchPreparer(options: { cacheBytes?: number } = {}): BatchPreparer {
  const cacheBytes = options.cacheBytes ?? DEFAULT_DECODE_CACHE_BYTES
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
    prepare(images, size, buffer, padded = []) {
      const id = nextId++
      const target = ensure()
      return new Promise<PrepareReply>((resolve, reject) => {
        pending.set(id, { resolve, reject })
        target.ref()
        const request: PrepareRequest = { id, images, ...size, buffer: buffer.buffer as ArrayBuffer, padded, cacheBytes }
        target.postMessage(request, [request.buffer])
      }).then((reply) => ({ buffer: new Float32Array(reply.buffer), letterboxes: reply.letterboxes, errors: reply.errors, cache: reply.cache }))
    },
    async close() {
      const stopping = worker
      worker = undefined
      await stopping?.terminate()
    },
  }
}
