import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDetector, decodeYoloOutput } from './detector'
import { makeTempDir } from '../formats/round-trip.fixture'
import { ImageDecodeError } from '../image-codec'
import { ModelImportError } from '../models/model-description'
import { createModelRegistry } from '../models/model-registry'
import { constantOutputModel, constantYoloModel } from '../onnx-test-models.fixture'

// Rows: cx, cy, w, h (model pixels, 64×64 input), score scratch, score dent.
const ANCHORS = [
  [32, 32, 16, 8, 0.9, 0.1], // kept: scratch
  [33, 32, 16, 8, 0.8, 0.05], // same object, lower score: removed by NMS
  [33, 32, 16, 8, 0.02, 0.7], // same place, other class: kept (NMS is per class)
  [10, 20, 4, 4, 0.1, 0.2], // below the 0.25 threshold
]

let tmp: Awaited<ReturnType<typeof makeTempDir>>
beforeAll(async () => {
  tmp = await makeTempDir()
})
afterAll(() => tmp.cleanup())

describe('YOLO detector pipeline', () => {
  it('decodes [1, 4+C, N], filters by confidence and applies per-class NMS', () => {
    const data = new Float32Array(6 * 4)
    ANCHORS.forEach((row, i) => row.forEach((v, c) => (data[c * 4 + i] = v)))
    const boxes = decodeYoloOutput(data, [1, 6, 4], { confidenceThreshold: 0.25, iouThreshold: 0.45 })
    expect(boxes.map((b) => [b.classId, b.x, b.y, b.w, b.h])).toEqual([
      [0, 24, 28, 16, 8],
      [1, 25, 28, 16, 8],
    ])
  })

  it('runs an imported ONNX model end to end and maps boxes back through the letterbox', async () => {
    const modelFile = path.join(tmp.dir, 'bottle-defects.onnx')
    await writeFile(modelFile, constantYoloModel(ANCHORS, 64, { names: "{0: 'scratch', 1: 'dent'}", task: 'detect' }))
    const registry = createModelRegistry(path.join(tmp.dir, 'models'))
    const model = await registry.importModel(modelFile)
    expect(model).toMatchObject({
      name: 'bottle-defects',
      version: 1,
      kind: 'yolo-detector',
      classNames: ['scratch', 'dent'],
      inputName: 'images',
      inputSize: { width: 64, height: 64 },
    })
    // 128×96 letterboxed into 64×64: scale 0.5, resized 64×48, 8 px of padding on top.
    const image = await sharp({ create: { width: 128, height: 96, channels: 3, background: '#808080' } })
      .png()
      .toBuffer()
    const detector = createDetector(await registry.openSession(model), model)
    const found = await detector.detect(image)
    expect(found.map(({ classId, className, x, y, w, h }) => ({ classId, className, x, y, w, h }))).toEqual([
      { classId: 0, className: 'scratch', x: 48, y: 40, w: 32, h: 16 },
      { classId: 1, className: 'dent', x: 50, y: 40, w: 32, h: 16 },
    ])
    expect(found[0].confidence).toBeCloseTo(0.9, 6)
    expect(found[1].confidence).toBeCloseTo(0.7, 6)
    await detector.release()
  })

  it('detectMany gives the same boxes as detect, in order, with progress, and stops on abort', async () => {
    const registry = createModelRegistry(path.join(tmp.dir, 'models'))
    const model = await registry.get('bottle-defects', 1)
    const detector = createDetector(await registry.openSession(model), model)
    const image = await sharp({ create: { width: 128, height: 96, channels: 3, background: '#808080' } })
      .png()
      .toBuffer()
    const progress: number[] = []
    const many = await detector.detectMany([image, image, image, image], { onProgress: (p) => progress.push(p.done) })
    expect(many).toHaveLength(4)
    for (const found of many) expect(found).toEqual(await detector.detect(image))
    expect(progress).toEqual([1, 2, 3, 4])
    const controller = new AbortController()
    controller.abort()
    await expect(detector.detectMany([image], { signal: controller.signal })).rejects.toThrow()
    await detector.release()
  })

  it('versions models by content', async () => {
    const registry = createModelRegistry(path.join(tmp.dir, 'models'))
    const modelFile = path.join(tmp.dir, 'bottle-defects.onnx')
    expect((await registry.importModel(modelFile)).version).toBe(1) // same bytes: same version
    await writeFile(modelFile, constantYoloModel([[1, 1, 1, 1, 0.5, 0.5]], 64, { names: "{0: 'scratch', 1: 'dent'}" }))
    expect((await registry.importModel(modelFile)).version).toBe(2)
    expect((await registry.get('bottle-defects')).version).toBe(2)
    expect((await registry.get('bottle-defects', 1)).version).toBe(1)
    expect((await registry.list()).map((m) => `${m.name}@${m.version}`)).toEqual(['bottle-defects@1', 'bottle-defects@2'])
    await expect(registry.get('nope')).rejects.toThrow(/Model "nope" is not in the registry .* import it first/)
  })

  it('takes class names from a names file when the model has none', async () => {
    const modelFile = path.join(tmp.dir, 'anon.onnx')
    await writeFile(modelFile, constantYoloModel(ANCHORS))
    await writeFile(path.join(tmp.dir, 'names.txt'), 'scratch\ndent\n')
    const registry = createModelRegistry(path.join(tmp.dir, 'models'))
    expect((await registry.importModel(modelFile)).classNames).toEqual(['class0', 'class1'])
    expect((await registry.importModel(modelFile, { namesFile: path.join(tmp.dir, 'names.txt') })).classNames).toEqual(['scratch', 'dent'])
    await writeFile(path.join(tmp.dir, 'names3.txt'), 'a\nb\nc\n')
    await expect(registry.importModel(modelFile, { namesFile: path.join(tmp.dir, 'names3.txt') })).rejects.toThrow(
      /has 2 class scores but 3 class names were given/,
    )
  })

  it('says clearly when a file is not an ONNX model', async () => {
    const bogus = path.join(tmp.dir, 'notes.onnx')
    await writeFile(bogus, 'this is a text file, not a model')
    const registry = createModelRegistry(path.join(tmp.dir, 'models'))
    await expect(registry.importModel(bogus)).rejects.toThrow(ModelImportError)
    await expect(registry.importModel(bogus)).rejects.toThrow(new RegExp(`Model ${bogus}: not a usable ONNX model .* export the model to ONNX`))
  })

  it('refuses a model with the wrong input shape, naming the shape and the fix', async () => {
    const grey = path.join(tmp.dir, 'grey.onnx')
    await writeFile(grey, constantOutputModel({ inputShape: [1, 1, 64, 64], outputName: 'output0', outputShape: [1, 6, 1], values: [1, 1, 1, 1, 1, 1] }))
    const registry = createModelRegistry(path.join(tmp.dir, 'models'))
    await expect(registry.importModel(grey)).rejects.toThrow(
      /grey.onnx: input "images" has 1 channels \(\[1, 1, 64, 64\]\); the pipeline feeds RGB, 3 channels — re-export/,
    )
  })

  it('says which image is corrupt', async () => {
    const registry = createModelRegistry(path.join(tmp.dir, 'models'))
    const model = await registry.get('bottle-defects')
    const detector = createDetector(await registry.openSession(model), model)
    const broken = path.join(tmp.dir, 'broken.png')
    const png = await sharp({ create: { width: 32, height: 32, channels: 3, background: '#fff' } })
      .png()
      .toBuffer()
    await writeFile(broken, png.subarray(0, 40))
    await expect(detector.detect(broken)).rejects.toThrow(ImageDecodeError)
    await expect(detector.detect(broken)).rejects.toThrow(new RegExp(`Cannot decode image ${broken}: .* check that the file is a complete`))
    await detector.release()
  })
})
