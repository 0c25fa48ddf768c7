import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Dataset } from '../datasets/annotations'
import { exportCoco, importCoco } from './coco'
import { expectSameTree, makeTempDir, smallDemoDataset } from './round-trip.fixture'

let tmp: Awaited<ReturnType<typeof makeTempDir>>
let dataset: Dataset
beforeAll(async () => {
  tmp = await makeTempDir()
  dataset = await smallDemoDataset(path.join(tmp.dir, 'source'))
  dataset.images[0].labels.polygons.push({
    classId: 2,
    points: [
      [10, 10],
      [30, 12],
      [20, 25.5],
    ],
  })
  dataset.images[1].labels.boxes.push({ classId: 1, x: 1.5, y: 2.25, w: 10, h: 12, confidence: 0.87, draft: true })
  dataset.images[1].labels.classDrafts = [{ classId: 2, confidence: 0.64 }]
})
afterAll(() => tmp.cleanup())

describe('COCO format', () => {
  it('export → import → export gives the same files and the same dataset', async () => {
    const a = path.join(tmp.dir, 'coco-a')
    const b = path.join(tmp.dir, 'coco-b')
    await exportCoco(dataset, { sourceRoot: path.join(tmp.dir, 'source'), outDir: a, includeDrafts: true })
    const imported = await importCoco(a)
    await exportCoco(imported, { sourceRoot: a, outDir: b, includeDrafts: true })
    expect(await expectSameTree(a, b)).toEqual({ equal: true, differences: [] })
    // COCO carries everything we model, so the dataset itself survives (only the file paths move).
    expect(imported.images.map(({ file: _f, ...rest }) => rest)).toEqual(dataset.images.map(({ file: _f, ...rest }) => rest))
    expect(imported.classes).toEqual(dataset.classes)
  })

  it('writes category ids from 1 and polygon area and bbox', async () => {
    const coco = JSON.parse(await import('node:fs/promises').then((fs) => fs.readFile(path.join(tmp.dir, 'coco-a', 'annotations.json'), 'utf8')))
    expect(coco.categories[0]).toEqual({ id: 1, name: 'scratch', supercategory: 'defect' })
    const polygon = coco.annotations.find((a: { segmentation: unknown[] }) => a.segmentation.length > 0)
    expect(polygon.bbox).toEqual([10, 10, 20, 15.5])
    expect(polygon.area).toBeCloseTo(Math.abs(10 * 12 - 30 * 10 + (30 * 25.5 - 20 * 12) + (20 * 10 - 10 * 25.5)) / 2)
  })

  it('leaves drafts out unless asked', async () => {
    const dir = path.join(tmp.dir, 'coco-nodrafts')
    await exportCoco(dataset, { sourceRoot: path.join(tmp.dir, 'source'), outDir: dir })
    const imported = await importCoco(dir)
    expect(imported.images[1].labels.boxes.some((b) => b.draft)).toBe(false)
    expect(imported.images[1].labels.classDrafts).toBeUndefined()
  })

  it('says which annotation is wrong', async () => {
    const dir = path.join(tmp.dir, 'coco-bad')
    await exportCoco(dataset, { sourceRoot: path.join(tmp.dir, 'source'), outDir: dir })
    const file = path.join(dir, 'annotations.json')
    const coco = JSON.parse(await import('node:fs/promises').then((fs) => fs.readFile(file, 'utf8')))
    coco.annotations[0].category_id = 99
    await writeFile(file, JSON.stringify(coco))
    await expect(importCoco(dir)).rejects.toThrow(/annotations.json: annotations\[0\] \(id 1\): category_id 99 is not in "categories"/)
    await writeFile(file, '{"images": [')
    await expect(importCoco(dir)).rejects.toThrow(/annotations.json: not valid JSON/)
  })
})
