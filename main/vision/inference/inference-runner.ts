// Batch inference over many images for any registered model kind: preprocessing of the next batch (libuv threads) overlaps session.run of this one.
import { availableParallelism } from 'node:os'
import * as ort from 'onnxruntime-node'
import { decodeBatch } from './batch-decoding'
import type { ModelDescription } from '../models/model-description'
import type { BatchPreparer } from './preprocess-pool'
import type { RgbImage } from '../raster'
import { type ImageInput, type Letterbox, letterboxImage } from './preprocess'

export const EXECUTION_PROVIDERS = ['cpu', 'dml'] as const
export type ExecutionProvider = (typeof EXECUTION_PROVIDERS)[number]

export interface InferenceSettings {
  /** 'dml' (DirectML) exists only in the Windows build of onnxruntime-node. */
  executionProvider: ExecutionProvider
  /** Detectors: boxes below this score are dropped. */
  confidenceThreshold: number
  /** Detectors: NMS IoU above which the weaker box of the same class is dropped. */
  iouThreshold: number
  /** Images per session.run when the model's batch dimension is dynamic; fixed-batch models run one at a time. */
  batchSize: number
}

export const DEFAULT_INFERENCE_SETTINGS: InferenceSettings = { executionProvider: 'cpu', confidenceThreshold: 0.25, iouThreshold: 0.45, batchSize: 8 }

export interface PredictedBox {
  classId: number
  className: string
  confidence: number
  x: number
  y: number
  w: number
  h: number
}

export interface Region {
  x: number
  y: number
  w: number
  h: number
}

export type Prediction =
  | { kind: 'yolo-detector'; width: number; height: number; boxes: PredictedBox[] }
  | { kind: 'classifier'; width: number; height: number; classId: number; className: string; confidence: number; probabilities: number[] }
  | {
      kind: 'anomaly'
      width: number
      height: number
      score: number
      threshold: number
      anomalous: boolean
      /** The image region whose cells score above the threshold, in image pixels; null when nothing does. */
      region: Region | null
    }

export interface InferenceItem {
  id: string
  image: ImageInput
}

export interface ItemResult {
  id: string
  prediction?: Prediction
  /** Set when this one image failed (unreadable file…); the rest of the run goes on. */
  error?: string
}

export interface RunOptions {
  signal?: AbortSignal
  onProgress?: (progress: { done: number; total: number }) => void
  /** Results of each batch as soon as it is done, in input order. */
  onResults?: (results: ItemResult[]) => void
  /** Read image files synchronously (worker threads: cheaper than a thread hop per file). */
  syncRead?: boolean
  /**
   * Letterbox batches on another thread. session.run in onnxruntime-node blocks the calling thread for the whole run, so
   * without this, decoding and inference take turns on one thread.
   */
  preparer?: BatchPreparer
}

/** CPU sessions leave one core to decoding and letterboxing the next batch, which runs at the same time. */
export function sessionOptions(provider: ExecutionProvider): ort.InferenceSession.SessionOptions {
  return {
    executionProviders: provider === 'dml' ? ['dml', 'cpu'] : ['cpu'],
    graphOptimizationLevel: 'all',
    intraOpNumThreads: Math.max(1, availableParallelism() - 1),
  }
}

/** Dynamic batch dimension (a name or -1) → batches; a fixed 1 → one image per run. */
export function batchSizeFor(description: ModelDescription, wanted: number): number {
  const dim = description.inputShape[0]
  return typeof dim === 'number' && dim > 0 ? dim : Math.max(1, Math.floor(wanted))
}

interface PreparedBatch {
  items: InferenceItem[]
  letterboxes: (Letterbox | undefined)[]
  errors: (string | undefined)[]
  buffer: Float32Array
}

/**
 * Runs `items` through the session in batches. While batch k runs, batch k+1 is decoded and letterboxed into the other
 * of two reused tensor buffers, so decoding costs no extra wall time when inference is the slower side.
 */
export async function runInference(
  session: ort.InferenceSession,
  description: ModelDescription,
  items: readonly InferenceItem[],
  settings: InferenceSettings,
  options: RunOptions = {},
): Promise<ItemResult[]> {
  if (description.kind === 'anomaly' && !Number.isFinite(Number(description.metadata.otw_threshold ?? NaN)))
    throw new Error(`Anomaly model has no stored threshold (metadata otw_threshold) — train it in the app or add the metadata`)
  const { width, height } = description.inputSize
  const batchSize = batchSizeFor(description, settings.batchSize)
  const perImage = 3 * width * height
  const buffers: Float32Array[] = [new Float32Array(batchSize * perImage), new Float32Array(batchSize * perImage)]
  // What each image place of each buffer holds, so padding that is already there is not written again.
  const written: (Letterbox | undefined)[][] = [[], []]
  const prepare = async (start: number, slot: number): Promise<PreparedBatch> => {
    const chunk = items.slice(start, start + batchSize)
    const preparer = options.preparer
    if (preparer && chunk.every((item) => typeof item.image === 'string' || !Buffer.isBuffer(item.image))) {
      const images = chunk.map((item) => ({ source: item.id, image: item.image as string | RgbImage }))
      const prepared = await preparer.prepare(images, { width, height }, buffers[slot], written[slot])
      buffers[slot] = prepared.buffer
      written[slot] = prepared.letterboxes
      return { items: chunk, letterboxes: prepared.letterboxes, errors: prepared.errors, buffer: prepared.buffer }
    }
    const batch: PreparedBatch = { items: chunk, letterboxes: [], errors: [], buffer: buffers[slot] }
    const before = written[slot]
    written[slot] = batch.letterboxes
    await Promise.all(
      chunk.map(async (item, b) => {
        try {
          const letterboxOptions = { source: item.id, out: batch.buffer, offset: b * perImage, syncRead: options.syncRead, paddedFor: before[b] }
          batch.letterboxes[b] = (await letterboxImage(item.image, { width, height }, letterboxOptions)).letterbox
        } catch (error) {
          batch.errors[b] = error instanceof Error ? error.message : String(error)
          batch.buffer.fill(114 / 255, b * perImage, (b + 1) * perImage)
        }
      }),
    )
    return batch
  }
  const results: ItemResult[] = []
  const deliver = (decoded: ItemResult[]): void => {
    results.push(...decoded)
    options.onResults?.(decoded)
    options.onProgress?.({ done: results.length, total: items.length })
  }
  // Outputs are decoded on the preprocessing thread when there is one (it has time to spare while session.run keeps this
  // thread busy); results are still delivered in batch order.
  const decoder = options.preparer?.decode ? options.preparer : undefined
  let delivered: Promise<void> = Promise.resolve()
  const finish = (batch: PreparedBatch, outputs: ort.InferenceSession.OnnxValueMapType): void => {
    const decodable = { ids: batch.items.map((item) => item.id), letterboxes: batch.letterboxes, errors: batch.errors }
    if (!decoder?.decode) {
      deliver(decodeBatch(description, outputs, decodable, settings))
      return
    }
    const decoding = decoder.decode(description, settings, outputs, decodable)
    decoding.catch(() => undefined)
    delivered = delivered.then(() => decoding).then(deliver)
    delivered.catch(() => undefined) // awaited at the end; a cancel may leave it unawaited
  }
  // Batch k+1 is handed to the preparer (another thread) before batch k runs, and batch k-1 is decoded after: session.run
  // blocks this thread, so the overlap comes from the preparer thread (and libuv work when there is none). Two buffers
  // suffice: k-1 has finished running before k+1 is written.
  let slot = 0
  let next: Promise<PreparedBatch> | undefined = items.length > 0 ? prepare(0, slot) : undefined
  let previous: { batch: PreparedBatch; running: Promise<ort.InferenceSession.OnnxValueMapType> } | undefined
  for (let start = 0; start < items.length; start += batchSize) {
    options.signal?.throwIfAborted()
    const batch = await next!
    const previousOutputs = previous && (await previous.running)
    slot = 1 - slot
    const n = batch.items.length
    // Fixed-batch models get exactly their batch; dynamic ones get the images present (the last batch may be short).
    const runN = typeof description.inputShape[0] === 'number' && description.inputShape[0] > 0 ? batchSize : n
    const feeds = { [description.inputName]: new ort.Tensor('float32', batch.buffer.subarray(0, runN * perImage), [runN, 3, height, width]) }
    const running = batch.letterboxes.some(Boolean) ? session.run(feeds) : Promise.resolve({})
    // A failed run is awaited on the next turn; this only keeps Node from calling it unhandled meanwhile.
    running.catch(() => undefined)
    next = start + batchSize < items.length ? prepare(start + batchSize, slot) : undefined
    next?.catch(() => undefined)
    if (previous && previousOutputs) finish(previous.batch, previousOutputs)
    previous = { batch, running }
  }
  if (previous) finish(previous.batch, await previous.running)
  await delivered
  return results
}
