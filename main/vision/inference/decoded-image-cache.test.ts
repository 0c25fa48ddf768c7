import { readFileSync, utimesSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import * as ort from 'onnxruntime-node'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodeYoloOutput } from './detector'
import { makeTempDir } from '../formats/round-trip.fixture'
import { DEFAULT_INFERENCE_SETTINGS, runInference } from './inference-runner'
import { describeOnnxModel } from '../models/model-description'
import { nonMaxSuppression, type Detection } from './nms'
import { constantYoloModel } from '../onnx-test-models.fixture'
import { DecodedImageCache, letterboxImage, planLetterbox } from './preprocess'
import { createBatchPreparer } from './preprocess-pool'
import { createSeededRandom } from '../seeded-random'

let tmp: Awaited<ReturnType<typeof makeTempDir>>
beforeAll(async () => {
  tmp = await makeTempDir()
})
afterAll(() => tmp.cleanup())

async function pngFile(name: string, width: number, height: number, seed: number): Promise<string> {
  const random = createSeededRandom(seed)
  const raw = Buffer.alloc(width * height * 3)
  for (let i = 0; i < raw.length; i++) raw[i] = random.int(0, 255)
  const file = path.join(tmp.dir, name)
  writeFileSync(
    file,
    await sharp(raw, { raw: { width, height, channels: 3 } })
      .png()
      .toBuffer(),
  )
  return file
}

describe('decoded-image cache', () => {
  it('gives the same tensor from the cache as from the file, for a same-size, a whole-factor and a resized image', async () => {
    const file = await pngFile('a.png', 64, 48, 1)
    for (const target of [
      { width: 64, height: 64 },
      { width: 32, height: 32 },
      { width: 50, height: 50 },
    ]) {
      const cache = new DecodedImageCache(1 << 20)
      const plain = await letterboxImage(file, target)
      const first = await letterboxImage(file, target, { cache })
      const second = await letterboxImage(file, target, { cache })
      expect(first.tensor).toEqual(plain.tensor)
      expect(second.tensor).toEqual(plain.tensor)
      expect(second.letterbox).toEqual(plain.letterbox)
      expect({ hits: cache.hits, misses: cache.misses, count: cache.count }).toEqual({ hits: 1, misses: 1, count: 1 })
    }
  })

  it('decodes a file again when it changed on disk, and gives a clear error when it is gone', async () => {
    const file = await pngFile('changing.png', 32, 24, 2)
    const cache = new DecodedImageCache(1 << 20)
    const target = { width: 32, height: 32 }
    await letterboxImage(file, target, { cache })
    const replaced = await pngFile('replacement.png', 32, 24, 3)
    writeFileSync(file, await sharp(replaced).toBuffer())
    utimesSync(file, new Date(), new Date(Date.now() + 5000))
    const after = await letterboxImage(file, target, { cache })
    expect(after.tensor).toEqual((await letterboxImage(replaced, target)).tensor)
    expect(cache.hits).toBe(0)
    writeFileSync(file, 'not a png any more')
    utimesSync(file, new Date(), new Date(Date.now() + 10000))
    await expect(letterboxImage(file, target, { cache, source: 'part 7' })).rejects.toThrow(/Cannot decode image part 7/)
    expect(cache.count).toBe(0)
  })

  it('keeps within its byte budget, dropping the least recently used image first', async () => {
    const files = await Promise.all([0, 1, 2].map((i) => pngFile(`lru-${i}.png`, 16, 16, 10 + i)))
    const target = { width: 16, height: 16 }
    const cache = new DecodedImageCache(2 * 16 * 16 * 3)
    await letterboxImage(files[0], target, { cache })
    await letterboxImage(files[1], target, { cache })
    await letterboxImage(files[0], target, { cache }) // 0 is now the most recent
    await letterboxImage(files[2], target, { cache }) // evicts 1
    expect(cache.bytes).toBeLessThanOrEqual(cache.budgetBytes)
    const hits = cache.hits
    await letterboxImage(files[0], target, { cache })
    expect(cache.hits).toBe(hits + 1)
    await letterboxImage(files[1], target, { cache })
    expect(cache.hits).toBe(hits + 1)
  })

  it('lets the preprocessing thread answer a second job over the same files from its cache, with the same tensors', async () => {
    const files = await Promise.all([0, 1, 2].map((i) => pngFile(`job-${i}.png`, 64, 48, 20 + i)))
    const preparer = createBatchPreparer({ cacheBytes: 1 << 20 })
    try {
      const images = files.map((file, i) => ({ source: `image ${i}`, image: file }))
      const size = { width: 32, height: 32 }
      const first = await preparer.prepare(images, size, new Float32Array(3 * 3 * 32 * 32))
      const firstTensor = first.buffer.slice()
      const second = await preparer.prepare(images, size, first.buffer, first.letterboxes)
      expect(second.cache).toMatchObject({ hits: 3, misses: 3, images: 3 })
      expect(second.buffer).toEqual(firstTensor)
    } finally {
      await preparer.close()
    }
  })
})

describe('outputs decoded on the preprocessing thread', () => {
  it('give the same predictions, in order, as decoding on the inference thread', async () => {
    const anchors = [
      [32, 32, 16, 8, 0.9, 0.1],
      [33, 32, 16, 8, 0.8, 0.05],
      [10, 20, 6, 6, 0.2, 0.6],
    ]
    const modelFile = path.join(tmp.dir, 'decode.onnx')
    writeFileSync(modelFile, constantYoloModel(anchors, 64, { names: "{0: 'scratch', 1: 'dent'}" }))
    const { description } = await describeOnnxModel(readFileSync(modelFile), 'decode')
    const session = await ort.InferenceSession.create(modelFile)
    const files = await Promise.all([0, 1, 2, 3, 4].map((i) => pngFile(`decode-${i}.png`, 128, 96, 40 + i)))
    const items = [...files, path.join(tmp.dir, 'missing.png')].map((image, i) => ({ id: `image ${i}`, image }))
    const settings = { ...DEFAULT_INFERENCE_SETTINGS, batchSize: 2 }
    const preparer = createBatchPreparer({ cacheBytes: 0 })
    try {
      const here = await runInference(session, description, items, settings)
      const progress: number[] = []
      const there = await runInference(session, description, items, settings, { preparer, onProgress: (p) => progress.push(p.done) })
      expect(there).toEqual(here)
      expect(there.map((r) => r.id)).toEqual(items.map((i) => i.id))
      expect(there[5].error).toMatch(/missing\.png/)
      expect(there[0].prediction).toMatchObject({ kind: 'yolo-detector', boxes: [{ className: 'scratch' }, { className: 'dent' }] })
      expect(progress).toEqual(items.map((_, i) => i + 1)) // this test model has a fixed batch of 1
    } finally {
      await preparer.close()
      await session.release()
    }
  })
})

describe('padding already in a reused batch buffer', () => {
  it('is skipped only when the place held the same letterbox, and written again when it did not', async () => {
    const wide = await pngFile('wide.png', 64, 32, 30)
    const tall = await pngFile('tall.png', 32, 64, 31)
    const target = { width: 64, height: 64 }
    const expected = (await letterboxImage(wide, target)).tensor
    const buffer = new Float32Array(3 * 64 * 64)
    const first = await letterboxImage(tall, target, { out: buffer })
    // The buffer holds the tall image's padding (left and right); the wide one needs top and bottom instead.
    await letterboxImage(wide, target, { out: buffer, paddedFor: first.letterbox })
    expect(buffer).toEqual(expected)
    const plan = planLetterbox(64, 32, 64, 64)
    await letterboxImage(wide, target, { out: buffer, paddedFor: plan })
    expect(buffer).toEqual(expected)
  })
})

describe('YOLO output decoding', () => {
  /** The straightforward per-anchor scan the sparse decoder must agree with. */
  function reference(data: Float32Array, channels: number, n: number, threshold: number): Detection[] {
    const candidates: Detection[] = []
    for (let i = 0; i < n; i++) {
      let best = -Infinity
      let cls = 0
      for (let c = 4; c < channels; c++)
        if (data[c * n + i] > best) {
          best = data[c * n + i]
          cls = c - 4
        }
      if (!(best >= threshold)) continue
      const w = data[2 * n + i]
      const h = data[3 * n + i]
      candidates.push({ classId: cls, confidence: best, x: data[i] - w / 2, y: data[n + i] - h / 2, w, h })
    }
    return nonMaxSuppression(candidates, { iouThreshold: 0.45 })
  }

  it('matches a per-anchor scan on random outputs, ties and repeated calls included', () => {
    const random = createSeededRandom(5)
    for (const [channels, n] of [
      [6, 50],
      [9, 400],
      [84, 300],
    ]) {
      for (let round = 0; round < 3; round++) {
        const data = new Float32Array(channels * n)
        for (let i = 0; i < n; i++) {
          data[i] = random.next() * 64
          data[n + i] = random.next() * 64
          data[2 * n + i] = 2 + random.next() * 20
          data[3 * n + i] = 2 + random.next() * 20
        }
        // Scores on a coarse grid so equal scores (ties between classes and between anchors) are common.
        for (let i = 4 * n; i < data.length; i++) data[i] = Math.floor(random.next() * 8) / 8
        for (const threshold of [0.25, 0.5, 0.875])
          expect(decodeYoloOutput(data, [1, channels, n], { confidenceThreshold: threshold })).toEqual(reference(data, channels, n, threshold))
      }
    }
  })
})
