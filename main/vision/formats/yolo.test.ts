import { mkdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Dataset } from '../datasets/annotations'
import { LabelFileError } from '../datasets/dataset-files'
import { expectSameTree, makeTempDir, smallDemoDataset } from './round-trip.fixture'
import { exportYolo, formatYoloLabels, importYolo, parseYoloLabels } from './yolo'

let tmp: Awaited<ReturnType<typeof makeTempDir>>
let dataset: Dataset
beforeAll(async () => {
  tmp = await makeTempDir()
  dataset = await smallDemoDataset(path.join(tmp.dir, 'source'))
})
afterAll(() => tmp.cleanup())

describe('YOLO format', () => {
  it('writes class cx cy w h normalised to 6 decimals', () => {
    expect(formatYoloLabels([{ classId: 2, x: 10, y: 20, w: 30, h: 40 }], 320, 240)).toBe('2 0.078125 0.166667 0.093750 0.166667\n')
  })

  it('export → import → export gives the same files, byte for byte', async () => {
    const a = path.join(tmp.dir, 'yolo-a')
    const b = path.join(tmp.dir, 'yolo-b')
    const progress: number[] = []
    const first = await exportYolo(dataset, { sourceRoot: path.join(tmp.dir, 'source'), outDir: a, datasetPath: '.', onProgress: (p) => progress.push(p.done) })
    expect(progress.at(-1)).toBe(9) // the rejected image is left out
    expect(first.files).toContain('data.yaml')
    const imported = await importYolo(a)
    await exportYolo(imported, { sourceRoot: a, outDir: b, datasetPath: '.' })
    expect(await expectSameTree(a, b)).toEqual({ equal: true, differences: [] })
    const yaml = await readFile(path.join(a, 'data.yaml'), 'utf8')
    expect(yaml).toMatch(/^path: \.\ntrain: images\/train\nval: images\/val\ntest: images\/test\nnames:\n {2}0: scratch\n/)
  })

  it('imports boxes back to within rounding of the originals, and keeps unlabeled apart', async () => {
    const imported = await importYolo(path.join(tmp.dir, 'yolo-a'))
    for (const original of dataset.images.filter((i) => i.labels.status === 'labeled')) {
      const back = imported.images.find((i) => i.id === original.id)!
      expect(back.split).toBe(original.split)
      expect(back.labels.boxes.length).toBe(original.labels.boxes.length)
      back.labels.boxes.forEach((box, k) => {
        const o = original.labels.boxes[k]
        expect(box.classId).toBe(o.classId)
        for (const key of ['x', 'y', 'w', 'h'] as const) expect(Math.abs(box[key] - o[key])).toBeLessThan(0.001)
      })
    }
    expect(imported.images.find((i) => i.id === dataset.images[8].id)!.labels.status).toBe('unlabeled')
    expect(imported.images.some((i) => i.id === dataset.images[9].id)).toBe(false)
  })

  it.each([
    ['0 0.5 0.5 0.1\n', /:1: expected 5 fields/],
    ['\n0 0.5 abc 0.1 0.1\n', /:2: field 3 "abc" is not a number/],
    ['7 0.5 0.5 0.1 0.1\n', /:1: class 7 is not one of the 5 classes/],
    ['1 0.95 0.5 0.2 0.1\n', /:1: box .* reaches outside the image/],
    ['1 0.5 0.5 0 0.1\n', /:1: width and height must be > 0/],
  ])('rejects a malformed label line %j with file, line and reason', (text, message) => {
    expect(() => parseYoloLabels(text, 'labels/train/x.txt', 100, 100, 5)).toThrow(LabelFileError)
    expect(() => parseYoloLabels(text, 'labels/train/x.txt', 100, 100, 5)).toThrow(message)
  })

  it('names the broken label file when importing a folder', async () => {
    const dir = path.join(tmp.dir, 'yolo-broken')
    await exportYolo(dataset, { sourceRoot: path.join(tmp.dir, 'source'), outDir: dir })
    const labelFile = path.join(dir, 'labels', 'train', `${dataset.images.find((i) => i.split === 'train')!.id}.txt`)
    await mkdir(path.dirname(labelFile), { recursive: true })
    await writeFile(labelFile, '0 0.5 0.5 0.1 0.1\n0 0.5\n')
    await expect(importYolo(dir)).rejects.toThrow(`${labelFile}:2: expected 5 fields`)
  })
})
