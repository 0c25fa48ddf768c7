import { describe, expect, it } from 'vitest'
import type { Dataset, DatasetImage } from '../datasets/annotations'
import type { RegisteredModel } from '../models/model-registry'
import { evaluateAnomaly, evaluateDetector } from './model-evaluation'

const triangle = (classId: number): DatasetImage['labels']['polygons'][number] => ({
  classId,
  points: [
    [20, 20],
    [60, 20],
    [40, 50],
  ],
})

const image = (id: string, labels: Partial<DatasetImage['labels']>): DatasetImage => ({
  id,
  file: `${id}.png`,
  width: 100,
  height: 80,
  context: {},
  split: 'test',
  labels: { classes: [], boxes: [], polygons: [], status: 'reviewed', ...labels },
})

describe('model evaluation counts polygon ground truth', () => {
  it('a polygon-only defect is an object to find: found by a box on its bounds, missed when nothing is predicted', () => {
    const dataset: Dataset = {
      name: 'p',
      classes: ['scratch', 'dent'],
      images: [image('a', { polygons: [triangle(1)] }), image('b', { polygons: [triangle(1)] })],
    }
    const model = { classNames: ['scratch', 'dent'] } as RegisteredModel
    const found = { classId: 1, className: 'dent', confidence: 0.9, x: 20, y: 20, w: 40, h: 30 }
    const result = evaluateDetector(
      model,
      dataset,
      [
        { image: dataset.images[0], prediction: { kind: 'yolo-detector', width: 100, height: 80, boxes: [found] } },
        { image: dataset.images[1], prediction: { kind: 'yolo-detector', width: 100, height: 80, boxes: [] } },
      ],
      0.25,
    )
    const dent = result.classes.find((c) => c.name === 'dent')!
    expect(dent).toMatchObject({ support: 2, truePositives: 1, falseNegatives: 1, falsePositives: 0 })
    expect(result.map50).not.toBeNull()
    expect(result.mistakes).toEqual([expect.objectContaining({ imageId: 'b', type: 'missed', className: 'dent', truthBox: { x: 20, y: 20, w: 40, h: 30 } })])
  })

  it('anomaly scoring takes a polygon-labelled part as defective, not as good', () => {
    const defect = image('d', { polygons: [triangle(0)] })
    const good = image('g', {})
    const anomaly = (score: number) => ({ kind: 'anomaly' as const, width: 100, height: 80, score, threshold: 1, anomalous: score > 1, region: null })
    const result = evaluateAnomaly([
      { image: defect, prediction: anomaly(0.5) },
      { image: good, prediction: anomaly(0.4) },
    ])
    // The polygon part passed inspection: a missed defect, not a correct "good".
    expect(result.mistakes).toEqual([expect.objectContaining({ imageId: 'd', type: 'missed' })])
  })
})
