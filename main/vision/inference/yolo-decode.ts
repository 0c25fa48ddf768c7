// Ultralytics YOLO output → boxes (confidence filter + per-class NMS). No ONNX Runtime here, so the preprocessing thread
// can decode a batch's outputs while the inference thread runs the next batch.
import { type Detection, iouWith, nonMaxSuppression, type NmsOptions } from './nms'

export interface DetectOptions extends NmsOptions {
  confidenceThreshold?: number
}

/** Per-anchor best score and class, reused across calls (one inference thread decodes one image at a time). */
let bestScore = new Float32Array(0)
let bestClassOf = new Int32Array(0)

/**
 * Decodes Ultralytics output: channel-major [1, 4+C, N], rows cx, cy, w, h then one score per class.
 * Boxes come back in model-input pixels, after NMS.
 */
export function decodeYoloOutput(data: Float32Array, dims: readonly number[], options: DetectOptions = {}): Detection[] {
  if (dims.length !== 3 || dims[0] !== 1 || dims[1] < 5) throw new Error(`YOLO output has shape [${dims.join(', ')}]; expected [1, 4 + classes, boxes]`)
  const threshold = options.confidenceThreshold ?? 0.25
  const channels = dims[1]
  const n = dims[2]
  if (bestScore.length < n) {
    bestScore = new Float32Array(n).fill(-Infinity)
    bestClassOf = new Int32Array(n)
  }
  const best = bestScore
  const bestClass = bestClassOf
  // Class-major passes over contiguous rows (the layout's natural order). Only scores at the threshold matter — an anchor
  // whose best score is below it is dropped anyway — so most values cost one comparison and anchors touched are noted.
  // Strictly greater keeps the lowest class on ties, as a per-anchor scan would.
  const touched: number[] = []
  for (let c = 4; c < channels; c++) {
    const row = c * n
    for (let i = 0; i < n; i++) {
      const v = data[row + i]
      if (v >= threshold && v > best[i]) {
        if (best[i] === -Infinity) touched.push(i)
        best[i] = v
        bestClass[i] = c - 4
      }
    }
  }
  if (n > MAX_PACKED_ANCHORS) {
    // Anchor order, as a full scan would list them (NMS breaks confidence ties by input order).
    touched.sort((a, b) => a - b)
    const candidates = touched.map((i) => candidateAt(data, n, i, bestClass[i], best[i]))
    for (const i of touched) best[i] = -Infinity
    return nonMaxSuppression(candidates, options)
  }
  // Greedy NMS straight off the tensor: candidates sorted by one native numeric sort of packed keys (score bits above,
  // anchor index below, so ties keep anchor order as nonMaxSuppression does), objects made only for kept boxes.
  const keys = new Float64Array(touched.length)
  for (let k = 0; k < touched.length; k++) {
    const i = touched[k]
    keys[k] = sortableScore(best[i]) * MAX_PACKED_ANCHORS + (MAX_PACKED_ANCHORS - 1 - i)
  }
  keys.sort()
  const iouThreshold = options.iouThreshold ?? 0.45
  const max = options.maxDetections ?? 300
  const agnostic = options.classAgnostic === true
  const kept: Detection[] = []
  for (let k = keys.length - 1; k >= 0 && kept.length < max; k--) {
    // The low 20 bits (exact: dividing by a power of two and flooring is cheaper than a floating-point modulo).
    const i = MAX_PACKED_ANCHORS - 1 - (keys[k] - Math.floor(keys[k] * PACKED_SCALE) * MAX_PACKED_ANCHORS)
    const classId = bestClass[i]
    const w = data[2 * n + i]
    const h = data[3 * n + i]
    const x = data[i] - w / 2
    const y = data[n + i] - h / 2
    let suppressed = false
    for (let j = 0; j < kept.length && !suppressed; j++) {
      const other = kept[j]
      if (agnostic || other.classId === classId) suppressed = iouWith(other, x, y, w, h) > iouThreshold
    }
    if (!suppressed) kept.push({ classId, confidence: best[i], x, y, w, h })
  }
  for (const i of touched) best[i] = -Infinity
  return kept
}

/** Anchors per image up to which decoding packs the anchor index beside the score bits in one exact float64 (2^20). */
const MAX_PACKED_ANCHORS = 1 << 20
const PACKED_SCALE = 1 / MAX_PACKED_ANCHORS
const scoreBits = new Float32Array(1)
const scoreWord = new Uint32Array(scoreBits.buffer)

/** A float32 score as an unsigned integer with the same order (sign flipped for positives, all bits for negatives). */
function sortableScore(score: number): number {
  scoreBits[0] = score + 0 // −0 as +0, as comparisons treat them
  const bits = scoreWord[0]
  return bits & 0x80000000 ? ~bits >>> 0 : (bits | 0x80000000) >>> 0
}

function candidateAt(data: Float32Array, n: number, i: number, classId: number, confidence: number): Detection {
  const w = data[2 * n + i]
  const h = data[3 * n + i]
  return { classId, confidence, x: data[i] - w / 2, y: data[n + i] - h / 2, w, h }
}
