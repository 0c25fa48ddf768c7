// Detection quality: P/R/F1 per class, AP (COCO 101-point by default, or all-point), mAP@0.5 and @0.5:0.95, confusion matrix, PR curves.
import { type BoxGeometry, type Detection, iou } from '../inference/nms'

export interface GroundTruthBox extends BoxGeometry {
  classId: number
}

export interface EvaluationImage {
  groundTruth: readonly GroundTruthBox[]
  predictions: readonly Detection[]
}

/**
 * '101-point': COCO — precision envelope sampled at recall 0, 0.01, …, 1 and averaged.
 * 'all-point': VOC 2010+ — exact area under the precision envelope.
 */
export type ApInterpolation = '101-point' | 'all-point'

export interface PrPoint {
  confidence: number
  precision: number
  recall: number
}

export interface ClassMetrics {
  classId: number
  name: string
  groundTruthCount: number
  /** At the confidence threshold and IoU 0.5. */
  truePositives: number
  falsePositives: number
  falseNegatives: number
  precision: number
  recall: number
  f1: number
  /** AP at IoU 0.5; NaN when the class has no ground truth (left out of the means). */
  ap50: number
  /** Mean AP over IoU 0.50, 0.55, …, 0.95. */
  ap50to95: number
  /** Precision and recall after each prediction, highest confidence first, at IoU 0.5. */
  prCurve: PrPoint[]
}

export interface DetectionMetrics {
  interpolation: ApInterpolation
  confidenceThreshold: number
  classes: ClassMetrics[]
  map50: number
  map50to95: number
  /**
   * matrix[true][predicted], index `classNames.length` is background:
   * [c][background] = missed object, [background][c] = false alarm.
   */
  confusionMatrix: number[][]
}

export const COCO_IOU_THRESHOLDS: readonly number[] = Array.from({ length: 10 }, (_, i) => Math.round((0.5 + 0.05 * i) * 100) / 100)

/** Marks each prediction of one class TP or FP: highest confidence first, each takes the best free ground truth (COCO rule). */
function matchClass(images: readonly EvaluationImage[], classId: number, iouThreshold: number, minConfidence: number): { confidence: number; tp: boolean }[] {
  const marks: { confidence: number; tp: boolean }[] = []
  for (const image of images) {
    const truths = image.groundTruth.filter((g) => g.classId === classId)
    const taken = new Array<boolean>(truths.length).fill(false)
    const predictions = image.predictions.filter((p) => p.classId === classId && p.confidence >= minConfidence).sort((a, b) => b.confidence - a.confidence)
    for (const p of predictions) {
      let best = -1
      let bestIou = iouThreshold
      truths.forEach((g, k) => {
        const overlap = iou(p, g)
        if (!taken[k] && overlap >= bestIou) {
          best = k
          bestIou = overlap
        }
      })
      if (best >= 0) taken[best] = true
      marks.push({ confidence: p.confidence, tp: best >= 0 })
    }
  }
  // Stable sort keeps image order among equal confidences, so results are repeatable.
  return marks
    .map((m, i) => ({ m, i }))
    .sort((a, b) => b.m.confidence - a.m.confidence || a.i - b.i)
    .map(({ m }) => m)
}

export function precisionRecallCurve(marks: readonly { confidence: number; tp: boolean }[], groundTruthCount: number): PrPoint[] {
  let tp = 0
  let fp = 0
  return marks.map((m) => {
    if (m.tp) tp++
    else fp++
    return { confidence: m.confidence, precision: tp / (tp + fp), recall: groundTruthCount > 0 ? tp / groundTruthCount : 0 }
  })
}

export function averagePrecision(curve: readonly PrPoint[], interpolation: ApInterpolation = '101-point'): number {
  if (curve.length === 0) return 0
  // Precision envelope: the best precision at this recall or any higher one.
  const envelope = curve.map((p) => p.precision)
  for (let i = envelope.length - 2; i >= 0; i--) envelope[i] = Math.max(envelope[i], envelope[i + 1])
  if (interpolation === 'all-point') {
    let area = 0
    let previousRecall = 0
    curve.forEach((p, i) => {
      area += (p.recall - previousRecall) * envelope[i]
      previousRecall = p.recall
    })
    return area
  }
  let sum = 0
  let index = 0
  for (let k = 0; k <= 100; k++) {
    const recall = k / 100
    while (index < curve.length && curve[index].recall < recall) index++
    if (index < curve.length) sum += envelope[index]
  }
  return sum / 101
}

export interface EvaluateOptions {
  classNames: readonly string[]
  interpolation?: ApInterpolation
  /** For P/R/F1 and the confusion matrix; AP always uses every prediction. */
  confidenceThreshold?: number
  /** For P/R/F1 and the confusion matrix. */
  iouThreshold?: number
}

export function evaluateDetections(images: readonly EvaluationImage[], options: EvaluateOptions): DetectionMetrics {
  const interpolation = options.interpolation ?? '101-point'
  const confidenceThreshold = options.confidenceThreshold ?? 0.25
  const iouThreshold = options.iouThreshold ?? 0.5
  const classes = options.classNames.map((name, classId): ClassMetrics => {
    const groundTruthCount = images.reduce((n, img) => n + img.groundTruth.filter((g) => g.classId === classId).length, 0)
    const apAt = (threshold: number) => averagePrecision(precisionRecallCurve(matchClass(images, classId, threshold, 0), groundTruthCount), interpolation)
    const prCurve = precisionRecallCurve(matchClass(images, classId, 0.5, 0), groundTruthCount)
    const atThreshold = matchClass(images, classId, iouThreshold, confidenceThreshold)
    const truePositives = atThreshold.filter((m) => m.tp).length
    const falsePositives = atThreshold.length - truePositives
    const falseNegatives = groundTruthCount - truePositives
    const precision = atThreshold.length > 0 ? truePositives / atThreshold.length : 0
    const recall = groundTruthCount > 0 ? truePositives / groundTruthCount : 0
    const hasTruth = groundTruthCount > 0
    return {
      classId,
      name,
      groundTruthCount,
      truePositives,
      falsePositives,
      falseNegatives,
      precision,
      recall,
      f1: precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0,
      ap50: hasTruth ? averagePrecision(prCurve, interpolation) : NaN,
      ap50to95: hasTruth ? averageOf(COCO_IOU_THRESHOLDS.map(apAt)) : NaN,
      prCurve,
    }
  })
  // COCO leaves classes without ground truth out of the mean.
  const scored = classes.filter((c) => c.groundTruthCount > 0)
  return {
    interpolation,
    confidenceThreshold,
    classes,
    map50: scored.length > 0 ? averageOf(scored.map((c) => c.ap50)) : 0,
    map50to95: scored.length > 0 ? averageOf(scored.map((c) => c.ap50to95)) : 0,
    confusionMatrix: confusionMatrix(images, options.classNames.length, confidenceThreshold, iouThreshold),
  }
}

function averageOf(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length
}

/** Class-agnostic matching by IoU, best pairs first, so a box with the wrong class shows up off the diagonal. */
export function confusionMatrix(images: readonly EvaluationImage[], classCount: number, confidenceThreshold = 0.25, iouThreshold = 0.5): number[][] {
  const background = classCount
  const matrix = Array.from({ length: classCount + 1 }, () => new Array<number>(classCount + 1).fill(0))
  for (const image of images) {
    const predictions = image.predictions.filter((p) => p.confidence >= confidenceThreshold)
    const pairs: { g: number; p: number; overlap: number }[] = []
    image.groundTruth.forEach((g, gi) =>
      predictions.forEach((p, pi) => {
        const overlap = iou(g, p)
        if (overlap >= iouThreshold) pairs.push({ g: gi, p: pi, overlap })
      }),
    )
    pairs.sort((a, b) => b.overlap - a.overlap || a.g - b.g || a.p - b.p)
    const usedTruth = new Set<number>()
    const usedPrediction = new Set<number>()
    for (const pair of pairs) {
      if (usedTruth.has(pair.g) || usedPrediction.has(pair.p)) continue
      usedTruth.add(pair.g)
      usedPrediction.add(pair.p)
      matrix[image.groundTruth[pair.g].classId][predictions[pair.p].classId]++
    }
    image.groundTruth.forEach((g, gi) => {
      if (!usedTruth.has(gi)) matrix[g.classId][background]++
    })
    predictions.forEach((p, pi) => {
      if (!usedPrediction.has(pi)) matrix[background][p.classId]++
    })
  }
  return matrix
}
