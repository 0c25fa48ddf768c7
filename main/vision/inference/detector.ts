// YOLO detector pipeline: letterbox → ONNX Runtime → decode [1, 4+C, N] → confidence filter → per-class NMS → image coordinates.
import * as ort from 'onnxruntime-node'
import type { LongTaskOptions } from '../datasets/dataset-files'
import type { ModelDescription } from '../models/model-description'
import type { Detection } from './nms'
import { type ImageInput, letterboxImage, type PreparedImage, unletterboxBox } from './preprocess'
import { decodeYoloOutput, type DetectOptions } from './yolo-decode'

export { decodeYoloOutput, type DetectOptions }

export interface NamedDetection extends Detection {
  className: string
}

export interface Detector {
  readonly description: ModelDescription
  detect(image: ImageInput, options?: DetectOptions & { source?: string }): Promise<NamedDetection[]>
  detectMany(images: readonly ImageInput[], options?: DetectOptions & LongTaskOptions): Promise<NamedDetection[][]>
  release(): Promise<void>
}

export function createDetector(session: ort.InferenceSession, description: ModelDescription): Detector {
  if (description.kind !== 'yolo-detector') throw new Error(`Model is a ${description.kind}, not a YOLO detector — open it with the matching pipeline`)
  const { width, height } = description.inputSize
  const outputName = description.outputNames[0]
  const prepare = (image: ImageInput, source?: string) => letterboxImage(image, { width, height }, { source })
  const infer = async (prepared: PreparedImage, options: DetectOptions): Promise<NamedDetection[]> => {
    const feeds = { [description.inputName]: new ort.Tensor('float32', prepared.tensor, [1, 3, height, width]) }
    const output = (await session.run(feeds))[outputName]
    const boxes = decodeYoloOutput(output.data as Float32Array, output.dims, options)
    return boxes.map((b) => ({ ...unletterboxBox(b, prepared.letterbox), className: description.classNames[b.classId] ?? `class${b.classId}` }))
  }
  return {
    description,
    detect: async (image, options = {}) => infer(await prepare(image, options.source), options),
    async detectMany(images, options = {}) {
      // Decoding and resizing (sharp's thread pool) of the next images overlaps inference of this one.
      const lookahead = 2
      const pending: (Promise<PreparedImage> | undefined)[] = []
      const start = (i: number) => {
        if (i >= images.length || pending[i]) return
        const job = prepare(images[i])
        job.catch(() => undefined)
        pending[i] = job // awaited in order below; this only silences the early-rejection warning
      }
      const out: NamedDetection[][] = []
      for (let i = 0; i < images.length; i++) {
        options.signal?.throwIfAborted()
        for (let k = 0; k <= lookahead; k++) start(i + k)
        const prepared = await pending[i]!
        pending[i] = undefined
        out.push(await infer(prepared, options))
        options.onProgress?.({ done: i + 1, total: images.length })
      }
      return out
    },
    release: () => session.release(),
  }
}
