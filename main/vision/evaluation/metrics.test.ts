import { describe, expect, it } from 'vitest'
import { averagePrecision, COCO_IOU_THRESHOLDS, confusionMatrix, evaluateDetections, type EvaluationImage } from './metrics'

const box = (classId: number, x: number, y = 0, w = 10, h = 10) => ({ classId, x, y, w, h })
const pred = (classId: number, x: number, confidence: number, y = 0, w = 10, h = 10) => ({ classId, x, y, w, h, confidence })

// One class, 3 objects; predictions by confidence: TP, FP, TP, FP; one object never found.
// Precision 1, 1/2, 2/3, 1/2; recall 1/3, 1/3, 2/3, 2/3.
const handWorked: EvaluationImage[] = [
  {
    groundTruth: [box(0, 0), box(0, 100), box(0, 200)],
    predictions: [pred(0, 0, 0.9), pred(0, 50, 0.8), pred(0, 100, 0.7), pred(0, 300, 0.6)],
  },
]

describe('average precision', () => {
  it('all-point: 1/3 × 1 + 1/3 × 2/3 = 5/9', () => {
    const m = evaluateDetections(handWorked, { classNames: ['scratch'], interpolation: 'all-point' })
    expect(m.classes[0].ap50).toBeCloseTo(5 / 9, 12)
  })

  it('101-point (COCO): recall 0..0.33 at precision 1 (34 points), 0.34..0.66 at 2/3 (33 points) → 56/101', () => {
    const m = evaluateDetections(handWorked, { classNames: ['scratch'] })
    expect(m.interpolation).toBe('101-point')
    expect(m.classes[0].ap50).toBeCloseTo(56 / 101, 12)
  })

  it('gives the PR curve points in confidence order', () => {
    const m = evaluateDetections(handWorked, { classNames: ['scratch'] })
    expect(m.classes[0].prCurve.map((p) => [p.confidence, p.precision, p.recall])).toEqual([
      [0.9, 1, 1 / 3],
      [0.8, 0.5, 1 / 3],
      [0.7, 2 / 3, 2 / 3],
      [0.6, 0.5, 2 / 3],
    ])
  })

  it('is 1 for perfect detections and 0 with no predictions', () => {
    expect(averagePrecision([{ confidence: 0.9, precision: 1, recall: 1 }])).toBe(1)
    expect(averagePrecision([])).toBe(0)
  })
})

describe('evaluateDetections', () => {
  it('P/R/F1 at the confidence threshold', () => {
    const m = evaluateDetections(handWorked, { classNames: ['scratch'], confidenceThreshold: 0.65 })
    expect(m.classes[0]).toMatchObject({ truePositives: 2, falsePositives: 1, falseNegatives: 1, precision: 2 / 3, recall: 2 / 3 })
    expect(m.classes[0].f1).toBeCloseTo(2 / 3, 12)
  })

  it('mAP@0.5:0.95: a box with IoU exactly 0.75 counts at 6 of the 10 thresholds', () => {
    expect(COCO_IOU_THRESHOLDS).toEqual([0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95])
    const images = [{ groundTruth: [box(0, 0)], predictions: [pred(0, 0, 0.8, 0, 10, 7.5)] }]
    const m = evaluateDetections(images, { classNames: ['dent'] })
    expect(m.map50).toBe(1)
    expect(m.map50to95).toBeCloseTo(0.6, 12)
  })

  it('a prediction takes only one object, and one object only one prediction', () => {
    const images = [{ groundTruth: [box(0, 0)], predictions: [pred(0, 0, 0.9), pred(0, 1, 0.8)] }]
    expect(evaluateDetections(images, { classNames: ['a'] }).classes[0]).toMatchObject({ truePositives: 1, falsePositives: 1 })
  })

  it('leaves classes without ground truth out of mAP', () => {
    const images = [{ groundTruth: [box(0, 0)], predictions: [pred(0, 0, 0.9), pred(1, 50, 0.9)] }]
    const m = evaluateDetections(images, { classNames: ['a', 'b'] })
    expect(m.classes[1].ap50).toBeNaN()
    expect(m.map50).toBe(1)
  })
})

describe('confusion matrix', () => {
  it('rows are truth, columns prediction, last row/column background', () => {
    const images = [
      {
        groundTruth: [box(0, 0), box(1, 100), box(1, 200)],
        // right class on object 0, wrong class on object 1, a false alarm far away, object 2 missed, one below threshold.
        predictions: [pred(0, 0, 0.9), pred(0, 100, 0.8), pred(1, 400, 0.7), pred(1, 200, 0.1)],
      },
    ]
    expect(confusionMatrix(images, 2, 0.25)).toEqual([
      [1, 0, 0],
      [1, 0, 1],
      [0, 1, 0],
    ])
  })
})
