// Runs an anomaly model (ours or any with `score` and `score_map` outputs) and returns the score, the verdict and the heat map grid.
import * as ort from 'onnxruntime-node'
import type { ModelDescription } from '../models/model-description'
import { type ImageInput, type Letterbox, letterboxImage } from '../inference/preprocess'

export interface AnomalyResult {
  score: number
  threshold: number
  anomalous: boolean
  /** Row-major [gridHeight, gridWidth] per-cell scores. */
  scoreMap: Float32Array
  gridWidth: number
  gridHeight: number
  letterbox: Letterbox
}

export interface AnomalyDetector {
  readonly description: ModelDescription
  readonly threshold: number
  score(image: ImageInput, options?: { source?: string }): Promise<AnomalyResult>
  release(): Promise<void>
}

export function createAnomalyDetector(session: ort.InferenceSession, description: ModelDescription, options: { threshold?: number } = {}): AnomalyDetector {
  if (description.kind !== 'anomaly') throw new Error(`Model is a ${description.kind}, not an anomaly model — open it with the matching pipeline`)
  const threshold = options.threshold ?? Number(description.metadata.otw_threshold ?? NaN)
  if (!Number.isFinite(threshold)) throw new Error('Anomaly model has no stored threshold (metadata otw_threshold) — pass one explicitly')
  const { width, height } = description.inputSize
  return {
    description,
    threshold,
    async score(image, { source } = {}) {
      const prepared = await letterboxImage(image, { width, height }, { source })
      const out = await session.run({ [description.inputName]: new ort.Tensor('float32', prepared.tensor, [1, 3, height, width]) })
      const score = (out.score.data as Float32Array)[0]
      const dims = out.score_map.dims
      return {
        score,
        threshold,
        anomalous: score > threshold,
        scoreMap: out.score_map.data as Float32Array,
        gridHeight: dims[dims.length - 2],
        gridWidth: dims[dims.length - 1],
        letterbox: prepared.letterbox,
      }
    },
    release: () => session.release(),
  }
}
