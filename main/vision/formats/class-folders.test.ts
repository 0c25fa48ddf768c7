import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Dataset } from '../datasets/annotations'
import { exportClassFolders, importClassFolders } from './class-folders'
import { expectSameTree, makeTempDir, smallDemoDataset } from './round-trip.fixture'

let tmp: Awaited<ReturnType<typeof makeTempDir>>
let dataset: Dataset
beforeAll(async () => {
  tmp = await makeTempDir()
  dataset = await smallDemoDataset(path.join(tmp.dir, 'source'))
  // One class per image: keep the first defect only.
  for (const image of dataset.images) image.labels.classes = image.labels.classes.slice(0, 1)
})
afterAll(() => tmp.cleanup())

describe('class folders', () => {
  it('export → import → export gives the same files; good parts go to the background class', async () => {
    const a = path.join(tmp.dir, 'cf-a')
    const b = path.join(tmp.dir, 'cf-b')
    const { files } = await exportClassFolders(dataset, { sourceRoot: path.join(tmp.dir, 'source'), outDir: a, backgroundClass: 'good' })
    expect(files.length).toBe(8) // unlabeled and rejected are left out
    const imported = await importClassFolders(a)
    expect(imported.classes).toEqual([...dataset.classes, 'good'].sort())
    await exportClassFolders(imported, { sourceRoot: a, outDir: b })
    expect(await expectSameTree(a, b)).toEqual({ equal: true, differences: [] })
    const good = dataset.images.find((i) => i.labels.status === 'labeled' && i.labels.classes.length === 0)!
    expect(imported.classes[imported.images.find((i) => i.id === good.id)!.labels.classes[0]]).toBe('good')
  })

  it('explains what to do with a labelled image that has no class', async () => {
    await expect(exportClassFolders(dataset, { sourceRoot: path.join(tmp.dir, 'source'), outDir: path.join(tmp.dir, 'cf-c') })).rejects.toThrow(
      /has no image-level class — set one, or pass a background class/,
    )
  })
})
