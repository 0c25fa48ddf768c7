// A batch's model outputs → one prediction per image, for every model kind. No ONNX Runtime here: the preprocessing thread
// runs this on outputs handed over by transfer while the inference thread is already in the next session.run.
import { looksLikeProbabilities, softmax } from './class-scores'
import type { InferenceSettings, ItemResult, Region } from './inference-runner'
import type { ModelDescription } from '../models/model-description'
import { type Letterbox, unletterboxBox } from './preprocess'
import { decodeYoloOutput } from './yolo-decode'

/** One model output: an ONNX Runtime tensor, or its data and dims after crossing a thread boundary. */
export interface OutputArray {
  data: unknown
  dims: readonly number[]
}

/** What decoding needs to know of a batch: its images' ids and how each was letterboxed (or why it failed). */
export interface DecodableBatch {
  ids: string[]
  letterboxes: (Letterbox | undefined)[]
  errors: (string | undefined)[]
}

/** The hot cells of an anomaly map as one box in image pixels (the cells' receptive fields mapped through the letterbox). */
function anomalyRegion(map: Float32Array, gridW: number, gridH: number, threshold: number, lb: Letterbox): Region | null {
  let x0 = Infinity
  let y0 = Infinity
  let x1 = -Infinity
  let y1 = -Infinity
  for (let gy = 0; gy < gridH; gy++)
    for (let gx = 0; gx < gridW; gx++)
      if (map[gy * gridW + gx] > threshold) {
        x0 = Math.min(x0, gx)
        y0 = Math.min(y0, gy)
        x1 = Math.max(x1, gx + 1)
        y1 = Math.max(y1, gy + 1)
      }
  if (x0 === Infinity) return null
  const cellW = lb.targetWidth / gridW
  const cellH = lb.targetHeight / gridH
  const box = unletterboxBox({ x: x0 * cellW, y: y0 * cellH, w: (x1 - x0) * cellW, h: (y1 - y0) * cellH }, lb)
  return box.w > 0 && box.h > 0 ? { x: box.x, y: box.y, w: box.w, h: box.h } : null
}

/** Turns the outputs of one batch into predictions, image by image. */
export function decodeBatch(
  description: ModelDescription,
  outputs: Readonly<Record<string, OutputArray>>,
  batch: DecodableBatch,
  settings: InferenceSettings,
): ItemResult[] {
  const names = description.classNames
  return batch.ids.map((id, b): ItemResult => {
    const lb = batch.letterboxes[b]
    if (!lb) return { id: id, error: batch.errors[b] }
    const size = { width: lb.originalWidth, height: lb.originalHeight }
    if (description.kind === 'yolo-detector') {
      const out = outputs[description.outputNames[0]]
      const [, channels, n] = out.dims
      const data = (out.data as Float32Array).subarray(b * channels * n, (b + 1) * channels * n)
      const boxes = decodeYoloOutput(data, [1, channels, n], settings).map((d) => {
        const box = unletterboxBox(d, lb)
        return { classId: d.classId, className: names[d.classId] ?? `class${d.classId}`, confidence: d.confidence, x: box.x, y: box.y, w: box.w, h: box.h }
      })
      return { id: id, prediction: { kind: 'yolo-detector', ...size, boxes: boxes.filter((x) => x.w > 0 && x.h > 0) } }
    }
    if (description.kind === 'classifier') {
      const out = outputs[description.outputNames[0]]
      const classes = out.dims[out.dims.length - 1]
      const raw = (out.data as Float32Array).subarray(b * classes, (b + 1) * classes)
      const probabilities = looksLikeProbabilities(raw) ? Array.from(raw) : softmax(raw)
      let classId = 0
      probabilities.forEach((p, i) => {
        if (p > probabilities[classId]) classId = i
      })
      return {
        id: id,
        prediction: { kind: 'classifier', ...size, classId, className: names[classId] ?? `class${classId}`, confidence: probabilities[classId], probabilities },
      }
    }
    const threshold = Number(description.metadata.otw_threshold ?? NaN)
    const score = (outputs.score.data as Float32Array)[b]
    const dims = outputs.score_map.dims
    const gridH = dims[dims.length - 2]
    const gridW = dims[dims.length - 1]
    const map = (outputs.score_map.data as Float32Array).subarray(b * gridW * gridH, (b + 1) * gridW * gridH)
    return {
      id: id,
      prediction: { kind: 'anomaly', ...size, score, threshold, anomalous: score > threshold, region: anomalyRegion(map, gridW, gridH, threshold, lb) },
    }
  })
}
