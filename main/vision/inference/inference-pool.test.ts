import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDemoCamera } from '../demo-camera'
import { makeTempDir } from '../formats/round-trip.fixture'
import { encodePng } from '../image-codec'
import { createInferenceWorker, InferenceCancelledError } from './inference-pool'
import { DEFAULT_INFERENCE_SETTINGS } from './inference-runner'
import { createModelRegistry } from '../models/model-registry'
import { constantYoloModel } from '../onnx-test-models.fixture'

// 64×64 model input; one scratch at the centre, one dent below the threshold.
const ANCHORS = [
  [32, 32, 16, 8, 0.9, 0.1],
  [10, 10, 4, 4, 0.1, 0.2],
]

let tmp: Awaited<ReturnType<typeof makeTempDir>>
const worker = createInferenceWorker()
beforeAll(async () => {
  tmp = await makeTempDir()
})
afterAll(async () => {
  await worker.close()
  await tmp.cleanup()
})

describe('inference worker', () => {
  it('runs a registered detector in a worker thread, in batches, with progress, and reports a bad image without stopping', async () => {
    const modelFile = path.join(tmp.dir, 'bottles.onnx')
    await writeFile(modelFile, constantYoloModel(ANCHORS, 64, { names: "{0: 'scratch', 1: 'dent'}" }))
    const model = await createModelRegistry(path.join(tmp.dir, 'models')).importModel(modelFile)
    const camera = createDemoCamera({ seed: 1 })
    const files: string[] = []
    for (let i = 0; i < 5; i++) {
      const file = path.join(tmp.dir, `part-${i}.png`)
      await writeFile(file, await encodePng((await camera.capture(i)).image))
      files.push(file)
    }
    const broken = path.join(tmp.dir, 'broken.png')
    await writeFile(broken, 'not an image')
    const progress: number[] = []
    const results = await worker.run(
      {
        modelFile: model.file,
        description: model,
        items: [...files, broken].map((file) => ({ id: path.basename(file), file })),
        settings: { ...DEFAULT_INFERENCE_SETTINGS, batchSize: 4 },
      },
      { onProgress: (p) => progress.push(p.done) },
    )
    expect(results.map((r) => r.id)).toEqual(['part-0.png', 'part-1.png', 'part-2.png', 'part-3.png', 'part-4.png', 'broken.png'])
    // 320×240 into 64×64: scale 0.2, 48 px tall, 8 px padding on top → the centre box (24, 28) 16×8 maps to (120, 100) 80×40.
    expect(results[0].prediction).toMatchObject({
      kind: 'yolo-detector',
      width: 320,
      height: 240,
      boxes: [{ className: 'scratch', x: 120, y: 100, w: 80, h: 40 }],
    })
    expect(results[5].error).toMatch(/Cannot decode image broken.png/)
    expect(progress.at(-1)).toBe(6)
  })

  it('cancels a running job', async () => {
    const modelFile = path.join(tmp.dir, 'models', 'bottles', '1', 'model.onnx')
    const model = await createModelRegistry(path.join(tmp.dir, 'models')).get('bottles')
    const cancel = new AbortController()
    const items = Array.from({ length: 400 }, (_, i) => ({ id: `frame-${i}`, raw: { width: 64, height: 64, data: new Uint8Array(64 * 64 * 3) } }))
    const job = worker.run(
      { modelFile, description: model, items, settings: { ...DEFAULT_INFERENCE_SETTINGS, batchSize: 1 } },
      {
        signal: cancel.signal,
        onProgress: () => cancel.abort(),
      },
    )
    await expect(job).rejects.toBeInstanceOf(InferenceCancelledError)
  })
})
