// Messages between the main thread (inference-pool.ts) and the inference worker (inference-worker.ts).
import type { InferenceSettings, ItemResult } from './inference-runner'
import type { ModelDescription } from '../models/model-description'

export interface WorkerItem {
  id: string
  /** An image file, or raw RGB pixels (camera frames) — one of the two. */
  file?: string
  raw?: { width: number; height: number; data: Uint8Array }
}

export type WorkerRequest =
  | { type: 'run'; jobId: number; modelFile: string; description: ModelDescription; items: WorkerItem[]; settings: InferenceSettings }
  | { type: 'cancel'; jobId: number }
  /** Drop cached sessions of a model file (deleted or replaced). */
  | { type: 'release'; modelFile: string }

export type WorkerReply =
  | { type: 'results'; jobId: number; results: ItemResult[] }
  | { type: 'progress'; jobId: number; done: number; total: number }
  | { type: 'done'; jobId: number }
  | { type: 'failed'; jobId: number; cancelled: boolean; message: string }
