// Fits an anomaly model from good parts only in seconds, picks its threshold on a validation split, and writes it as ONNX.
import * as ort from 'onnxruntime-node'
import type { LongTaskOptions } from '../datasets/dataset-files'
import { type ImageInput, letterboxImage } from '../inference/preprocess'
import { encodeAnomalyModel, encodeFeatureModel } from './anomaly-graph'
import { FEATURE_COUNT, gridSize, type PoolGeometry } from './feature-graph'
import { CellGaussianAccumulator } from './gaussian-fit'
import { auroc, chooseThreshold, type ThresholdChoice, type ThresholdRule } from './roc'

export interface TrainAnomalyOptions extends LongTaskOptions {
  /** Good parts only. */
  good: readonly ImageInput[]
  /** Labelled parts (good and anomalous) for the threshold; without them the threshold is 1.1 × the highest training score. */
  validation?: readonly { image: ImageInput; anomalous: boolean }[]
  /** Model input; images are letterboxed to it. Default 160×120 (a 320×240 camera halved). */
  input?: { width: number; height: number }
  pool?: PoolGeometry
  thresholdRule?: ThresholdRule
  /** Covariance regularisation relative to the cell's mean variance. */
  regularisation?: number
  name?: string
}

export interface TrainedAnomalyModel {
  bytes: Uint8Array
  threshold: number
  /** How the threshold was chosen and what it gives on the validation split. */
  thresholdChoice?: ThresholdChoice
  validationAuroc?: number
  input: { width: number; height: number }
  pool: PoolGeometry
  gridWidth: number
  gridHeight: number
  trainedOn: number
}

export async function trainAnomalyModel(options: TrainAnomalyOptions): Promise<TrainedAnomalyModel> {
  const input = options.input ?? { width: 160, height: 120 }
  const pool = options.pool ?? { cell: 8, stride: 4 }
  const { gridWidth, gridHeight } = gridSize(input, pool)
  if (options.good.length < 2)
    throw new Error(`Anomaly training: ${options.good.length} good image(s); at least 2 are needed (20+ recommended) — add good parts`)
  const validation = options.validation ?? []
  const total = options.good.length + validation.length
  let done = 0
  const tick = () => options.onProgress?.({ done: ++done, total })
  const tensorOf = async (image: ImageInput, index: number, set: string) => {
    options.signal?.throwIfAborted()
    const prepared = await letterboxImage(image, input, { source: typeof image === 'string' ? image : `${set} image ${index + 1}` })
    return new ort.Tensor('float32', prepared.tensor, [1, 3, input.height, input.width])
  }

  const featureSession = await ort.InferenceSession.create(encodeFeatureModel(input, pool))
  const accumulator = new CellGaussianAccumulator(FEATURE_COUNT, gridWidth * gridHeight)
  try {
    for (const [i, image] of options.good.entries()) {
      const { features } = await featureSession.run({ images: await tensorOf(image, i, 'good') })
      accumulator.add(features.data as Float32Array)
      tick()
    }
  } finally {
    await featureSession.release()
  }
  const { mean, whitening } = accumulator.finish(options.regularisation ?? 0.05)
  const spec = { input, pool, mean, whitening, trainedOn: options.good.length, name: options.name }

  const scoreAll = async (images: readonly ImageInput[], set: string): Promise<number[]> => {
    const session = await ort.InferenceSession.create(encodeAnomalyModel({ ...spec, threshold: 0 }))
    try {
      const scores: number[] = []
      for (const [i, image] of images.entries()) {
        scores.push(((await session.run({ images: await tensorOf(image, i, set) })).score.data as Float32Array)[0])
        if (set === 'validation') tick()
      }
      return scores
    } finally {
      await session.release()
    }
  }

  let threshold: number
  let thresholdChoice: ThresholdChoice | undefined
  let validationAuroc: number | undefined
  const labels = validation.map((v) => v.anomalous)
  if (validation.length > 0) {
    const scores = await scoreAll(
      validation.map((v) => v.image),
      'validation',
    )
    const hasBoth = labels.includes(true) && labels.includes(false)
    const rule = options.thresholdRule ?? (hasBoth ? { rule: 'max-f1' as const } : { rule: 'false-positive-rate' as const, rate: 0 })
    if (rule.rule === 'max-f1' && !hasBoth)
      throw new Error('Anomaly training: max-F1 needs good and anomalous validation images — add anomalous ones or use a false-positive-rate rule')
    thresholdChoice = chooseThreshold(scores, labels, rule)
    threshold = thresholdChoice.threshold
    if (hasBoth) validationAuroc = auroc(scores, labels)
  } else {
    threshold = 1.1 * Math.max(...(await scoreAll(options.good, 'good')))
  }
  return {
    bytes: encodeAnomalyModel({ ...spec, threshold }),
    threshold,
    thresholdChoice,
    validationAuroc,
    input,
    pool,
    gridWidth,
    gridHeight,
    trainedOn: options.good.length,
  }
}
