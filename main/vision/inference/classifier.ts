// Image classifier pipeline: resize → ONNX Runtime → softmax (skipped when the model already outputs probabilities: softmax or per-class sigmoids).
import * as ort from 'onnxruntime-node'
import type { ModelDescription } from '../models/model-description'
import { looksLikeProbabilities, softmax } from './class-scores'
import { type ImageInput, letterboxImage } from './preprocess'

export { looksLikeProbabilities, softmax } from './class-scores'

export interface Classification {
  classId: number
  className: string
  confidence: number
  probabilities: number[]
}

export interface Classifier {
  readonly description: ModelDescription
  classify(image: ImageInput, options?: { source?: string }): Promise<Classification>
  release(): Promise<void>
}

export function createClassifier(session: ort.InferenceSession, description: ModelDescription): Classifier {
  if (description.kind !== 'classifier') throw new Error(`Model is a ${description.kind}, not a classifier — open it with the matching pipeline`)
  const { width, height } = description.inputSize
  return {
    description,
    async classify(image, options = {}) {
      const prepared = await letterboxImage(image, { width, height }, { source: options.source })
      const output = (await session.run({ [description.inputName]: new ort.Tensor('float32', prepared.tensor, [1, 3, height, width]) }))[
        description.outputNames[0]
      ]
      const raw = output.data as Float32Array
      const probabilities = looksLikeProbabilities(raw) ? Array.from(raw) : softmax(raw)
      let classId = 0
      probabilities.forEach((p, i) => {
        if (p > probabilities[classId]) classId = i
      })
      return { classId, className: description.classNames[classId] ?? `class${classId}`, confidence: probabilities[classId], probabilities }
    },
    release: () => session.release(),
  }
}
