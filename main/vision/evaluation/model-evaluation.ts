// Scoring a model on a dataset's test split: detectors (mAP, PR curves, confusion matrix), classifiers and anomaly models.
// Pure: takes the predictions already made and the reviewed labels; the models service runs the inference.
import type { VisionEvaluation, VisionMistake } from '../../../preload/contract'
import { type Dataset, type DatasetImage, groundTruthBoxes } from '../datasets/annotations'
import type { Prediction } from '../inference/inference-runner'
import { iou } from '../inference/nms'
import type { RegisteredModel } from '../models/model-registry'
import { averagePrecision, evaluateDetections, type EvaluationImage, precisionRecallCurve } from './metrics'

/** Evaluation keeps every box down to this score, so AP sees the whole precision/recall curve (as Ultralytics val does). */
export const EVAL_CONFIDENCE_FLOOR = 0.001
const MAX_MISTAKES = 24
const PR_POINTS = 200

/** Model classes → dataset class ids, by name (case-insensitive); by index only when no name matches at all (class0, class1…). */
export function mapClasses(modelClasses: readonly string[], datasetClasses: readonly string[]): (number | undefined)[] {
  const byName = new Map(datasetClasses.map((name, i) => [name.toLowerCase(), i]))
  const mapped = modelClasses.map((name) => byName.get(name.toLowerCase()))
  if (mapped.every((m) => m === undefined)) return modelClasses.map((_, i) => (i < datasetClasses.length ? i : undefined))
  return mapped
}

function thinCurve(recall: number[], precision: number[]): { recall: number[]; precision: number[] } {
  if (recall.length <= PR_POINTS) return { recall, precision }
  const step = recall.length / PR_POINTS
  const keep = Array.from({ length: PR_POINTS }, (_, i) => Math.floor(i * step)).concat(recall.length - 1)
  return { recall: keep.map((i) => recall[i]), precision: keep.map((i) => precision[i]) }
}

export type Scored = { image: DatasetImage; prediction: Prediction }
export type EvalPart = Omit<VisionEvaluation, 'model' | 'kind' | 'datasetId' | 'images' | 'skipped'>

/** Ground truth is every confirmed box and the bounding box of every confirmed polygon. */
const confirmedBoxes = (image: DatasetImage) => groundTruthBoxes(image)
const isDefective = (image: DatasetImage) => confirmedBoxes(image).length > 0 || image.labels.classes.length > 0

export function evaluateDetector(model: RegisteredModel, dataset: Dataset, scored: Scored[], confidenceThreshold: number): EvalPart {
  // Labels are in dataset classes; predictions in model classes: score in the model's classes.
  const toModel = new Map<number, number>()
  mapClasses(model.classNames, dataset.classes).forEach((d, m) => d !== undefined && toModel.set(d, m))
  const images: (EvaluationImage & { id: string })[] = scored.map(({ image, prediction }) => ({
    id: image.id,
    groundTruth: confirmedBoxes(image)
      .filter((b) => toModel.has(b.classId))
      .map((b) => ({ classId: toModel.get(b.classId)!, x: b.x, y: b.y, w: b.w, h: b.h })),
    predictions: prediction.kind === 'yolo-detector' ? prediction.boxes : [],
  }))
  const metrics = evaluateDetections(images, { classNames: model.classNames, confidenceThreshold })
  const names = model.classNames
  const mistakes: VisionMistake[] = []
  const geometry = (b: { x: number; y: number; w: number; h: number }) => ({ x: b.x, y: b.y, w: b.w, h: b.h })
  for (const image of images) {
    const predictions = image.predictions.filter((p) => p.confidence >= confidenceThreshold)
    const pairs: { g: number; p: number; overlap: number }[] = []
    image.groundTruth.forEach((g, gi) =>
      predictions.forEach((p, pi) => {
        const overlap = iou(g, p)
        if (overlap >= 0.5) pairs.push({ g: gi, p: pi, overlap })
      }),
    )
    pairs.sort((a, b) => b.overlap - a.overlap)
    const usedG = new Set<number>()
    const usedP = new Set<number>()
    for (const pair of pairs) {
      if (usedG.has(pair.g) || usedP.has(pair.p)) continue
      usedG.add(pair.g)
      usedP.add(pair.p)
      const g = image.groundTruth[pair.g]
      const p = predictions[pair.p]
      if (g.classId !== p.classId)
        mistakes.push({
          imageId: image.id,
          type: 'wrong-class',
          className: names[p.classId],
          truthClassName: names[g.classId],
          confidence: p.confidence,
          box: geometry(p),
          truthBox: geometry(g),
        })
    }
    predictions.forEach((p, pi) => {
      if (!usedP.has(pi))
        mistakes.push({ imageId: image.id, type: 'false-positive', className: names[p.classId], confidence: p.confidence, box: geometry(p), truthBox: null })
    })
    image.groundTruth.forEach((g, gi) => {
      if (!usedG.has(gi)) mistakes.push({ imageId: image.id, type: 'missed', className: names[g.classId], confidence: null, box: null, truthBox: geometry(g) })
    })
  }
  return {
    confidenceThreshold,
    classes: metrics.classes.map((c) => ({
      name: c.name,
      support: c.groundTruthCount,
      truePositives: c.truePositives,
      falsePositives: c.falsePositives,
      falseNegatives: c.falseNegatives,
      precision: c.precision,
      recall: c.recall,
      f1: c.f1,
      ap50: Number.isNaN(c.ap50) ? null : c.ap50,
      ap50to95: Number.isNaN(c.ap50to95) ? null : c.ap50to95,
    })),
    // Without any labelled object there is nothing to average: say so rather than print 0.
    map50: metrics.classes.some((c) => c.groundTruthCount > 0) ? metrics.map50 : null,
    map50to95: metrics.classes.some((c) => c.groundTruthCount > 0) ? metrics.map50to95 : null,
    accuracy: null,
    confusion: { labels: [...names, 'background'], matrix: metrics.confusionMatrix },
    prCurves: metrics.classes
      .filter((c) => c.groundTruthCount > 0)
      .map((c) => ({ name: c.name, ...thinCurve([0, ...c.prCurve.map((p) => p.recall)], [1, ...c.prCurve.map((p) => p.precision)]) })),
    mistakes: worstFirst(mistakes),
  }
}

/** Confident false alarms first, then missed objects and wrong classes; a bounded gallery. */
function worstFirst(mistakes: VisionMistake[]): VisionMistake[] {
  const fp = mistakes.filter((m) => m.type !== 'missed').sort((a, b) => (b.confidence ?? 0) - (a.confidence ?? 0))
  const missed = mistakes.filter((m) => m.type === 'missed')
  const half = MAX_MISTAKES / 2
  const takeFp = Math.max(half, MAX_MISTAKES - missed.length)
  return [...fp.slice(0, takeFp), ...missed.slice(0, MAX_MISTAKES - Math.min(fp.length, takeFp))]
}

function perClass(names: string[], truth: number[], predicted: number[]) {
  const n = names.length
  const matrix = Array.from({ length: n }, () => new Array<number>(n).fill(0))
  truth.forEach((t, i) => matrix[t][predicted[i]]++)
  const classes = names.map((name, c) => {
    const tp = matrix[c][c]
    const fp = matrix.reduce((s, row, r) => s + (r === c ? 0 : row[c]), 0)
    const fn = matrix[c].reduce((s, v, p) => s + (p === c ? 0 : v), 0)
    const precision = tp + fp > 0 ? tp / (tp + fp) : 0
    const recall = tp + fn > 0 ? tp / (tp + fn) : 0
    return {
      name,
      support: tp + fn,
      truePositives: tp,
      falsePositives: fp,
      falseNegatives: fn,
      precision,
      recall,
      f1: precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0,
      ap50: null as number | null,
      ap50to95: null,
    }
  })
  const correct = truth.filter((t, i) => t === predicted[i]).length
  return { matrix, classes, accuracy: truth.length > 0 ? correct / truth.length : 0 }
}

/** One-vs-rest PR curve of a score over images. */
function scoreCurve(name: string, items: { score: number; positive: boolean }[]) {
  const positives = items.filter((i) => i.positive).length
  const marks = [...items].sort((a, b) => b.score - a.score).map((i) => ({ confidence: i.score, tp: i.positive }))
  const curve = precisionRecallCurve(marks, positives)
  return {
    curve,
    ap: positives > 0 ? averagePrecision(curve) : null,
    pr: { name, ...thinCurve([0, ...curve.map((p) => p.recall)], [1, ...curve.map((p) => p.precision)]) },
  }
}

export function evaluateClassifier(model: RegisteredModel, dataset: Dataset, scored: Scored[]): EvalPart {
  const names = model.classNames
  const toModel = new Map<number, number>()
  mapClasses(names, dataset.classes).forEach((d, m) => d !== undefined && toModel.set(d, m))
  const goodClass = names.findIndex((n) => /^(good|ok|pass|normal)$/i.test(n))
  const rows = scored
    .map(({ image, prediction }) => {
      const labelled = image.labels.classes.find((c) => toModel.has(c))
      const truth = labelled !== undefined ? toModel.get(labelled)! : !isDefective(image) && goodClass >= 0 ? goodClass : undefined
      return prediction.kind === 'classifier' && truth !== undefined ? { image, prediction, truth } : undefined
    })
    .filter((r) => r !== undefined)
  const { matrix, classes, accuracy } = perClass(
    names,
    rows.map((r) => r.truth),
    rows.map((r) => r.prediction.classId),
  )
  const curves = names.map((name, c) =>
    scoreCurve(
      name,
      rows.map((r) => ({ score: r.prediction.probabilities[c] ?? 0, positive: r.truth === c })),
    ),
  )
  curves.forEach((c, i) => (classes[i].ap50 = c.ap))
  const mistakes: VisionMistake[] = rows
    .filter((r) => r.truth !== r.prediction.classId)
    .sort((a, b) => b.prediction.confidence - a.prediction.confidence)
    .slice(0, MAX_MISTAKES)
    .map((r) => ({
      imageId: r.image.id,
      type: 'wrong-class',
      className: r.prediction.className,
      truthClassName: names[r.truth],
      confidence: r.prediction.confidence,
      box: null,
      truthBox: null,
    }))
  return {
    confidenceThreshold: 0,
    classes,
    map50: null,
    map50to95: null,
    accuracy,
    confusion: { labels: names, matrix },
    prCurves: curves.filter((_, i) => classes[i].support > 0).map((c) => c.pr),
    mistakes,
  }
}

export function evaluateAnomaly(scored: Scored[]): EvalPart {
  const rows = scored
    .filter((s) => s.prediction.kind === 'anomaly')
    .map(({ image, prediction }) => ({ image, p: prediction as Prediction & { kind: 'anomaly' }, defective: isDefective(image) }))
  const { matrix, classes, accuracy } = perClass(
    ['good', 'defect'],
    rows.map((r) => (r.defective ? 1 : 0)),
    rows.map((r) => (r.p.anomalous ? 1 : 0)),
  )
  const curve = scoreCurve(
    'defect',
    rows.map((r) => ({ score: r.p.score, positive: r.defective })),
  )
  classes[1].ap50 = curve.ap
  const falseAlarms = rows.filter((r) => !r.defective && r.p.anomalous).sort((a, b) => b.p.score - a.p.score)
  const missed = rows.filter((r) => r.defective && !r.p.anomalous).sort((a, b) => a.p.score - b.p.score)
  const mistake = (r: (typeof rows)[number], type: 'false-positive' | 'missed'): VisionMistake => ({
    imageId: r.image.id,
    type,
    className: 'defect',
    confidence: r.p.score,
    box: r.p.region,
    truthBox: null,
  })
  return {
    confidenceThreshold: rows[0]?.p.threshold ?? 0,
    classes,
    map50: null,
    map50to95: null,
    accuracy,
    confusion: { labels: ['good', 'defect'], matrix },
    prCurves: [curve.pr],
    mistakes: worstFirst([...falseAlarms.map((r) => mistake(r, 'false-positive')), ...missed.map((r) => mistake(r, 'missed'))]),
  }
}
