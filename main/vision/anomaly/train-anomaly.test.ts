import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDemoCamera, type DemoPart } from '../demo-camera'
import { makeTempDir } from '../formats/round-trip.fixture'
import { DEFAULT_INFERENCE_SETTINGS, runInference } from '../inference/inference-runner'
import { createModelRegistry } from '../models/model-registry'
import { createAnomalyDetector } from './anomaly-detector'
import { overlayHeatmap, scoreMapToImage } from './heatmap'
import { auroc } from './roc'
import { trainAnomalyModel, type TrainedAnomalyModel } from './train-anomaly'

// Same camera seed (same product); good parts for training, other frames for validation and test.
const goodCamera = createDemoCamera({ seed: 21, defectRate: 0 })
const lineCamera = createDemoCamera({ seed: 21, defectRate: 0.5 })
const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i)

let tmp: Awaited<ReturnType<typeof makeTempDir>>
let trained: TrainedAnomalyModel
let testParts: DemoPart[]
const progress: { done: number; total: number }[] = []

beforeAll(async () => {
  tmp = await makeTempDir()
  const validation = range(500, 20).map((i) => lineCamera.render(i))
  trained = await trainAnomalyModel({
    good: range(0, 30).map((i) => goodCamera.render(i).image),
    validation: validation.map((p) => ({ image: p.image, anomalous: p.defective })),
    onProgress: (p) => progress.push(p),
  })
  testParts = range(1000, 40).map((i) => lineCamera.render(i))
})
afterAll(() => tmp.cleanup())

describe('anomaly model trained from good parts only', () => {
  it('reports progress over training and validation images', () => {
    expect(progress.at(-1)).toEqual({ done: 50, total: 50 })
    expect(trained).toMatchObject({ trainedOn: 30, input: { width: 160, height: 120 }, gridWidth: 39, gridHeight: 29 })
  })

  it('runs as an imported ONNX model and separates defective from good parts (AUROC ≥ 0.95)', async () => {
    const file = path.join(tmp.dir, 'bottle-anomaly.onnx')
    await writeFile(file, trained.bytes)
    const registry = createModelRegistry(path.join(tmp.dir, 'models'))
    const model = await registry.importModel(file)
    expect(model).toMatchObject({ kind: 'anomaly', inputSize: { width: 160, height: 120 }, outputNames: ['score_map', 'score'] })
    const detector = createAnomalyDetector(await registry.openSession(model), model)
    expect(detector.threshold).toBeCloseTo(trained.threshold, 4)
    const results = []
    for (const part of testParts) results.push(await detector.score(part.image))
    const value = auroc(
      results.map((r) => r.score),
      testParts.map((p) => p.defective),
    )
    expect(testParts.filter((p) => p.defective).length).toBeGreaterThan(10)
    expect(value).toBeGreaterThanOrEqual(0.95)
    // The score is the hottest cell of the map.
    expect(results[0].score).toBeCloseTo(Math.max(...results[0].scoreMap), 5)
    await detector.release()
  })

  it('scores a batch of parts exactly as one part at a time (dynamic batch dimension)', async () => {
    const registry = createModelRegistry(path.join(tmp.dir, 'models'))
    const model = await registry.get('bottle-anomaly')
    expect(model.inputShape[0]).toBe('batch')
    const session = await registry.openSession(model)
    const parts = testParts.slice(0, 5)
    const batched = await runInference(
      session,
      model,
      parts.map((p, i) => ({ id: String(i), image: p.image })),
      { ...DEFAULT_INFERENCE_SETTINGS, batchSize: 4 },
    )
    const single = await runInference(
      session,
      model,
      parts.map((p, i) => ({ id: String(i), image: p.image })),
      { ...DEFAULT_INFERENCE_SETTINGS, batchSize: 1 },
    )
    const scores = (results: typeof batched) => results.map((r) => (r.prediction?.kind === 'anomaly' ? r.prediction.score : NaN))
    expect(batched).toHaveLength(5)
    scores(batched).forEach((score, i) => expect(score).toBeCloseTo(scores(single)[i], 4))
    expect(batched.map((r) => r.prediction)).toEqual(
      single.map((r) => r.prediction).map((p) => expect.objectContaining({ anomalous: (p as { anomalous: boolean }).anomalous })),
    )
    await session.release()
  })

  it('puts the heat where the defect is', async () => {
    const registry = createModelRegistry(path.join(tmp.dir, 'models'))
    const model = await registry.get('bottle-anomaly')
    const detector = createAnomalyDetector(await registry.openSession(model), model)
    const scratched = createDemoCamera({ seed: 21, defectRate: 1, defects: ['stain'] }).render(2000)
    const result = await detector.score(scratched.image)
    const perPixel = scoreMapToImage(result, trained.pool)
    let hottest = 0
    for (let p = 1; p < perPixel.length; p++) if (perPixel[p] > perPixel[hottest]) hottest = p
    const [x, y] = [hottest % 320, Math.floor(hottest / 320)]
    const box = scratched.boxes[0]
    const margin = 12 // a cell is 16 camera pixels
    expect(x).toBeGreaterThanOrEqual(box.x - margin)
    expect(x).toBeLessThanOrEqual(box.x + box.w + margin)
    expect(y).toBeGreaterThanOrEqual(box.y - margin)
    expect(y).toBeLessThanOrEqual(box.y + box.h + margin)
    const overlay = overlayHeatmap(scratched.image, perPixel, result.threshold)
    expect(overlay.data[hottest * 3]).toBeGreaterThan(scratched.image.data[hottest * 3] - 1)
    await detector.release()
  })

  it('can be cancelled and needs at least two good images', async () => {
    const controller = new AbortController()
    controller.abort()
    await expect(trainAnomalyModel({ good: range(0, 3).map((i) => goodCamera.render(i).image), signal: controller.signal })).rejects.toThrow()
    await expect(trainAnomalyModel({ good: [goodCamera.render(0).image] })).rejects.toThrow(/at least 2 are needed/)
  })
})
