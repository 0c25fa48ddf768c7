// A preprocessing thread for batch inference: batches go over by transfer (no copy), come back letterboxed.
import { totalmem } from 'node:os'
import type { Worker } from 'node:worker_threads'
import type { DecodableBatch, OutputArray } from './batch-decoding'
import type { InferenceSettings, ItemResult } from './inference-runner'
import type { ModelDescription } from '../models/model-description'
import type { Letterbox } from './preprocess'
import type { RgbImage } from '../raster'
import { startVisionWorker } from './worker-entry'

export interface PrepareRequest {
  type: 'prepare'
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

/** Outputs of a batch to decode on the preprocessing thread (their buffers transferred, not copied). */
export interface DecodeRequest {
  type: 'decode'
  id: number
  description: ModelDescription
  settings: InferenceSettings
  outputs: Record<string, { data: Float32Array; dims: number[] }>
  batch: DecodableBatch
}

export interface DecodeReply {
  id: number
  results?: ItemResult[]
  error?: string
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
  /** Decodes a batch's outputs into predictions on the other thread; the outputs' buffers move there. */
  decode?(
    description: ModelDescription,
    settings: InferenceSettings,
    outputs: Readonly<Record<string, OutputArray>>,
    batch: DecodableBatch,
  ): Promise<ItemResult[]>
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
  const pending = new Map<number, { resolve(reply: PrepareReply & DecodeReply): void; reject(error: Error): void }>()
  const ensure = (): Worker => {
    if (worker) return worker
    const started = startVisionWorker('preprocess-worker')
    started.on('message', (reply: PrepareReply & DecodeReply) => {
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
  const send = (message: PrepareRequest | DecodeRequest, transfer: ArrayBuffer[]): Promise<PrepareReply & DecodeReply> => {
    const target = ensure()
    return new Promise((resolve, reject) => {
      pending.set(message.id, { resolve, reject })
      target.ref()
      target.postMessage(message, transfer)
    })
  }
  return {
    async decode(description, settings, outputs, batch) {
      const moved: DecodeRequest['outputs'] = {}
      const transfer: ArrayBuffer[] = []
      for (const [name, output] of Object.entries(outputs)) {
        const data = output.data as Float32Array
        // ONNX Runtime gives each output its own buffer: it moves; a view into a larger buffer is copied instead.
        const owned = data.byteOffset === 0 && data.byteLength === data.buffer.byteLength && data.buffer instanceof ArrayBuffer
        const sent = owned ? data : data.slice()
        moved[name] = { data: sent, dims: [...output.dims] }
        transfer.push(sent.buffer as ArrayBuffer)
      }
      const reply = await send({ type: 'decode', id: nextId++, description, settings, outputs: moved, batch }, transfer)
      if (reply.error !== undefined) throw new Error(reply.error)
      return reply.results ?? []
    },
    prepare(images, size, buffer, padded = []) {
      const request: PrepareRequest = { type: 'prepare', id: nextId++, images, ...size, buffer: buffer.buffer as ArrayBuffer, padded, cacheBytes }
      return send(request, [request.buffer]).then((reply) => ({
        buffer: new Float32Array(reply.buffer),
        letterboxes: reply.letterboxes,
        errors: reply.errors,
        cache: reply.cache,
      }))
    },
    async close() {
      const stopping = worker
      worker = undefined
      await stopping?.terminate()
    },
  }
}
