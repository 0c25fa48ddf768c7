import { mkdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Dataset } from '../datasets/annotations'
import { LabelFileError } from '../datasets/dataset-files'
import { expectSameTree, makeTempDir, smallDemoDataset } from './round-trip.fixture'
import { checkUltralyticsDataset } from './format-rules.fixture'
import { exportYolo, formatYoloLabels, formatYoloSegments, importYolo, parseYoloLabelFile, parseYoloLabels } from './yolo'

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
    expect(progress.at(-1)).toBe(8) // the rejected and the unlabeled image are left out
    expect(first.unlabeled).toBe(1)
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
    // Left out, not written as an image without labels (which Ultralytics trains on as a confirmed background).
    expect(imported.images.some((i) => i.id === dataset.images[8].id)).toBe(false)
    expect(imported.images.some((i) => i.id === dataset.images[9].id)).toBe(false)
  })

  it("passes Ultralytics' dataset checks: every image has its label file, no unlabeled image, val lists a folder that exists", async () => {
    const dir = path.join(tmp.dir, 'yolo-checked')
    await exportYolo(dataset, { sourceRoot: path.join(tmp.dir, 'source'), outDir: dir })
    const report = await checkUltralyticsDataset(path.join(dir, 'data.yaml'))
    expect(report.errors).toEqual([])
    expect(report.names).toEqual(dataset.classes)
    const labelled = dataset.images.filter((i) => i.labels.status === 'labeled' || i.labels.status === 'reviewed')
    const found = Object.values(report.splits).reduce((sum, s) => sum + s.images, 0)
    expect(found).toBe(labelled.length)
    expect(Object.values(report.splits).every((s) => s.missing === 0)).toBe(true)

    // No val images at all: val points at train (Ultralytics requires the key and checks the folder exists).
    const noVal = { ...dataset, images: dataset.images.map((i) => ({ ...i, split: i.split === 'val' ? ('train' as const) : i.split })) }
    const dirNoVal = path.join(tmp.dir, 'yolo-no-val')
    await exportYolo(noVal, { sourceRoot: path.join(tmp.dir, 'source'), outDir: dirNoVal })
    const yaml = await readFile(path.join(dirNoVal, 'data.yaml'), 'utf8')
    expect(yaml).toContain('val: images/train')
    expect(yaml).toMatch(/^# No val split/)
    expect((await checkUltralyticsDataset(path.join(dirNoVal, 'data.yaml'))).errors).toEqual([])
  })

  it('the checker itself catches what Ultralytics refuses', async () => {
    const dir = path.join(tmp.dir, 'yolo-bad')
    await exportYolo(dataset, { sourceRoot: path.join(tmp.dir, 'source'), outDir: dir, datasetPath: path.join(tmp.dir, 'renamed-away') })
    expect((await checkUltralyticsDataset(path.join(dir, 'data.yaml'))).errors.join('\n')).toMatch(/images not found, missing path/)
    await writeFile(path.join(dir, 'data.yaml'), `path: ${dir}\ntrain: images/train\nnames:\n  0: a\n`)
    const label = path.join(dir, 'labels', 'train', `${dataset.images.find((i) => i.split === 'train' && i.labels.status === 'labeled')!.id}.txt`)
    await writeFile(label, '3 0.5 0.5 1.2 0.1\n')
    const errors = (await checkUltralyticsDataset(path.join(dir, 'data.yaml'))).errors.join('\n')
    expect(errors).toMatch(/'val:' key missing/)
    expect(errors).toMatch(/exceeds dataset class count 1/)
    expect(errors).toMatch(/non-normalized or out of bounds/)
  })

  it('writes polygons as segment rows (boxes as their four corners) when asked, and as bounding boxes otherwise; reads segment rows back', () => {
    const polygon = {
      classId: 1,
      points: [
        [10, 10],
        [50, 10],
        [30, 40],
      ] as [number, number][],
    }
    const box = { classId: 0, x: 0, y: 0, w: 20, h: 10 }
    expect(formatYoloSegments([box], [polygon], 100, 50)).toBe(
      '0 0.000000 0.000000 0.200000 0.000000 0.200000 0.200000 0.000000 0.200000\n1 0.100000 0.200000 0.500000 0.200000 0.300000 0.800000\n',
    )
    const back = parseYoloLabelFile('1 0.1 0.2 0.5 0.2 0.3 0.8\n0 0.5 0.5 0.2 0.2\n', 'x.txt', 100, 50, 2)
    expect(back.polygons).toEqual([
      {
        classId: 1,
        points: [
          [10, 10],
          [50, 10],
          [30, 40],
        ],
      },
    ])
    expect(back.boxes).toHaveLength(1)
    expect(parseYoloLabels('1 0.1 0.2 0.5 0.2 0.3 0.8\n', 'x.txt', 100, 50, 2)).toEqual([{ classId: 1, x: 10, y: 10, w: 40, h: 30 }])
    expect(() => parseYoloLabelFile('1 0.1 0.2 0.5 0.2 0.3\n', 'x.txt', 100, 50, 2)).toThrow(/x.txt:1: expected/)
  })

  it.each([
    ['0 0.5 0.5 0.1\n', /:1: expected "class cx cy w h" \(5 fields\)/],
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
    await expect(importYolo(dir)).rejects.toThrow(`${labelFile}:2: expected "class cx cy w h"`)
  })
})
