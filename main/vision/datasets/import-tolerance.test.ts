// Datasets as other tools write them (CVAT's COCO layout, crowd RLE masks, BMP and TIFF images) and folders with some bad
// entries, imported through VisionService as vision.import does, on real files made here: the good entries come in, each bad
// one is named with its reason, and nothing lands outside the data folder.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { encode as encodeBmp } from 'bmp-ts'
import sharp from 'sharp'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { WorkbenchError } from '../../../preload/contract'
import { encodeRleString, maskRuns } from '../formats/coco-rle.fixture'
import { VisionService } from './dataset-service'

let png: Buffer
let tiff: Buffer
let bmp: Buffer
beforeAll(async () => {
  png = await sharp({ create: { width: 8, height: 6, channels: 3, background: '#808080' } })
    .png()
    .toBuffer()
  tiff = await sharp({ create: { width: 10, height: 4, channels: 3, background: '#336699' } })
    .tiff({ compression: 'lzw' })
    .toBuffer()
  bmp = encodeBmp({ width: 12, height: 5, data: Buffer.alloc(12 * 5 * 4, 0x80), bitPP: 24 }).data
})

const roots: string[] = []
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true })
})

function write(file: string, content: string | Buffer): void {
  mkdirSync(path.dirname(file), { recursive: true })
  writeFileSync(file, content)
}

function setup() {
  const root = mkdtempSync(path.join(tmpdir(), 'otw-tolerant-'))
  roots.push(root)
  const dataDir = path.join(root, 'data')
  return { root, dataDir, service: new VisionService({ dataDir }) }
}

const refusal = async (run: Promise<unknown>): Promise<WorkbenchError> => {
  const error = await run.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(WorkbenchError)
  return error as WorkbenchError
}

describe('imports as other tools write them', () => {
  it("reads CVAT's annotations/instances_default.json with a crowd region as an RLE mask (string and counts) and a polygon", async () => {
    const { root, service } = setup()
    const dir = path.join(root, 'cvat-task')
    write(path.join(dir, 'images', 'a.png'), png)
    write(path.join(dir, 'images', 'b.png'), png)
    // A 3×2 blob at x 2–4, y 1–2 of the 8×6 image.
    const mask = Array.from({ length: 6 }, (_, y) => Array.from({ length: 8 }, (_, x) => (x >= 2 && x <= 4 && y >= 1 && y <= 2 ? 1 : 0)))
    const counts = maskRuns(mask)
    write(
      path.join(dir, 'annotations', 'instances_default.json'),
      JSON.stringify({
        licenses: [{ name: '', id: 0, url: '' }],
        info: { contributor: '', description: '' },
        categories: [
          { id: 1, name: 'scratch', supercategory: '' },
          { id: 2, name: 'dent', supercategory: '' },
        ],
        images: [
          { id: 1, width: 8, height: 6, file_name: 'a.png', license: 0, flickr_url: '', coco_url: '', date_captured: 0 },
          { id: 2, width: 8, height: 6, file_name: 'b.png', license: 0, flickr_url: '', coco_url: '', date_captured: 0 },
        ],
        annotations: [
          { id: 1, image_id: 1, category_id: 1, segmentation: { counts: encodeRleString(counts), size: [6, 8] }, area: 6, bbox: [2, 1, 3, 2], iscrowd: 1 },
          { id: 2, image_id: 2, category_id: 2, segmentation: { counts, size: [6, 8] }, area: 6, bbox: [2, 1, 3, 2], iscrowd: 1 },
          { id: 3, image_id: 2, category_id: 1, segmentation: [[1, 1, 5, 1, 5, 4]], area: 6, bbox: [1, 1, 4, 3], iscrowd: 0 },
        ],
      }).replace(/"date_captured":0/g, '"date_captured":"2026-01-01 00:00:00"'),
    )
    const imported = await service.importDataset('coco', dir, 'CVAT task')
    expect(imported.skipped).toEqual([])
    expect(imported.classes).toEqual(['scratch', 'dent'])
    const [a, b] = await service.listImages(imported.id)
    expect(a.boxes).toEqual([{ classId: 0, x: 2, y: 1, w: 3, h: 2 }])
    expect(b.boxes).toEqual([{ classId: 1, x: 2, y: 1, w: 3, h: 2 }])
    expect(b.polygons).toHaveLength(1)
    await service.close()
  })

  it("reads Datumaro's subsets (instances_train.json, instances_val.json with images/<subset>/) as splits", async () => {
    const { root, service } = setup()
    const dir = path.join(root, 'datumaro')
    const file = (subset: string, names: string[], categories = [{ id: 1, name: 'stain' }]) =>
      write(
        path.join(dir, 'annotations', `instances_${subset}.json`),
        JSON.stringify({
          categories,
          images: names.map((n, i) => ({ id: i + 1, width: 8, height: 6, file_name: n })),
          annotations: names.map((_, i) => ({ id: i + 1, image_id: i + 1, category_id: categories[0].id, bbox: [1, 1, 2, 2], iscrowd: 0 })),
        }),
      )
    for (const n of ['t1.png', 't2.png']) write(path.join(dir, 'images', 'train', n), png)
    write(path.join(dir, 'images', 'val', 'v1.png'), png)
    file('train', ['t1.png', 't2.png'])
    // Another id for the same class name, and a class only this subset has: merged by name.
    file(
      'val',
      ['v1.png'],
      [
        { id: 7, name: 'dent' },
        { id: 9, name: 'stain' },
      ],
    )
    const imported = await service.importDataset('coco', dir, 'subsets')
    expect(imported.classes).toEqual(['stain', 'dent'])
    const images = await service.listImages(imported.id)
    expect(images.map((i) => [i.id, i.split, i.boxes[0].classId])).toEqual([
      ['t1', 'train', 0],
      ['t2', 'train', 0],
      ['v1', 'val', 1],
    ])
    await service.close()
  })

  it('imports BMP and TIFF images with their sizes, and shows them (thumbnail and canvas image) like any other', async () => {
    const { root, service } = setup()
    const dir = path.join(root, 'yolo-bmp')
    write(path.join(dir, 'data.yaml'), 'train: images/train\nnames: [scratch]\n')
    write(path.join(dir, 'images', 'train', 'line.bmp'), bmp)
    write(path.join(dir, 'labels', 'train', 'line.txt'), '0 0.5 0.5 0.5 0.4\n')
    write(path.join(dir, 'images', 'train', 'scan.tif'), tiff)
    const imported = await service.importDataset('yolo', dir, 'bitmaps')
    const images = await service.listImages(imported.id)
    expect(images.map((i) => [i.id, i.width, i.height, i.status])).toEqual([
      ['line', 12, 5, 'labeled'],
      ['scan', 10, 4, 'unlabeled'],
    ])
    expect(images[0].boxes).toEqual([{ classId: 0, x: 3, y: 1.5, w: 6, h: 2 }])
    for (const image of images) {
      const full = await service.fullImage(imported.id, image.id)
      // Browsers show no TIFF and the canvas wants one format: both arrive as PNG at their own size.
      expect(full.url).toMatch(/^data:image\/png;base64,/)
      const meta = await sharp(Buffer.from(full.url.split(',')[1], 'base64')).metadata()
      expect([meta.width, meta.height]).toEqual([image.width, image.height])
    }
    const thumbs = await service.thumbnails(imported.id, ['line', 'scan'])
    expect(thumbs.every((t) => t.url.startsWith('data:image/jpeg;base64,'))).toBe(true)
    await service.close()
  })
})

describe('EXIF orientation', () => {
  it('labels, shows and thumbnails a JPEG from a camera held sideways upright', async () => {
    const { root, service } = setup()
    const dir = path.join(root, 'sideways')
    // 60×40 as stored, red on the left; orientation 6 shows it 40×60 with the red on top.
    const pixels = Buffer.alloc(60 * 40 * 3)
    for (let i = 0; i < 60 * 40; i++) pixels.set(i % 60 < 30 ? [255, 0, 0] : [0, 0, 255], i * 3)
    const jpeg = await sharp(pixels, { raw: { width: 60, height: 40, channels: 3 } })
      .jpeg({ quality: 95 })
      .withMetadata({ orientation: 6 })
      .toBuffer()
    write(path.join(dir, 'good', 'turned.jpg'), jpeg)
    const imported = await service.importDataset('class-folders', dir, 'sideways')
    const [image] = await service.listImages(imported.id)
    expect([image.width, image.height]).toEqual([40, 60])
    const full = await service.fullImage(imported.id, image.id)
    const shown = sharp(Buffer.from(full.url.split(',')[1], 'base64'))
    expect(full.url).toMatch(/^data:image\/png;base64,/)
    const { data, info } = await shown.raw().toBuffer({ resolveWithObject: true })
    expect([info.width, info.height]).toEqual([40, 60])
    expect(data[(5 * 40 + 20) * info.channels]).toBeGreaterThan(200) // red at the top
    expect(data[(55 * 40 + 20) * info.channels]).toBeLessThan(60)
    const [thumb] = await service.thumbnails(imported.id, [image.id])
    const thumbMeta = await sharp(Buffer.from(thumb.url.split(',')[1], 'base64')).metadata()
    expect([thumbMeta.width, thumbMeta.height]).toEqual([120, 180])
    // A box drawn on the upright image fits it (it would leave a 60×40 one).
    await service.saveLabels(imported.id, image.id, { boxes: [{ classId: 0, x: 5, y: 40, w: 30, h: 18 }], classes: [0], status: 'labeled' })
    expect((await service.listImages(imported.id))[0].boxes).toEqual([{ classId: 0, x: 5, y: 40, w: 30, h: 18 }])
    await service.close()
  })
})

describe('import the rest', () => {
  /** A COCO folder with two good images and four bad entries of different kinds, and a secret beside it. */
  function mixedCoco(root: string): string {
    const dir = path.join(root, 'in', 'coco')
    write(path.join(dir, 'images', 'good1.png'), png)
    write(path.join(dir, 'images', 'good2.png'), png)
    write(path.join(dir, 'images', 'broken-label.png'), png)
    write(path.join(dir, 'images', 'outside.png'), png)
    write(path.join(root, 'in', 'secret.png'), png)
    write(
      path.join(dir, 'annotations.json'),
      JSON.stringify({
        categories: [{ id: 1, name: 'scratch' }],
        images: [
          { id: 1, width: 8, height: 6, file_name: 'good1.png' },
          { id: 2, width: 8, height: 6, file_name: '../../secret.png' },
          { id: 3, width: 8, height: 6, file_name: 'gone.png' },
          { id: 4, width: 8, height: 6, file_name: 'broken-label.png' },
          { id: 5, width: 8, height: 6, file_name: 'outside.png' },
          { id: 6, width: 8, height: 6, file_name: 'good2.png' },
        ],
        annotations: [
          { id: 1, image_id: 1, category_id: 1, bbox: [1, 1, 2, 2] },
          { id: 2, image_id: 4, category_id: 5, bbox: [1, 1, 2, 2] },
          { id: 3, image_id: 5, category_id: 1, bbox: [4, 4, 20, 20] },
          { id: 4, image_id: 99, category_id: 1, bbox: [1, 1, 2, 2] },
          { id: 5, image_id: 6, category_id: 1, bbox: [0, 0, 3, 3] },
        ],
      }),
    )
    return dir
  }

  it('refuses a folder with bad entries, listing each with its reason, then imports the rest when asked; nothing leaves the folder', async () => {
    const { root, dataDir, service } = setup()
    const dir = mixedCoco(root)
    const error = await refusal(service.importDataset('coco', dir, 'mixed'))
    expect(error.code).toBe('INVALID_INPUT')
    expect(error.message).toMatch(/nothing was imported: .*images\[1\]\.file_name: path "\.\.\/\.\.\/secret\.png" climbs out/)
    expect(error.message).toMatch(/ — 5 entries cannot be imported, 2 can: fix them, or import the rest$/)
    const details = error.details as {
      entry: string
      rule: string
      failures: { entry: string; reason: string; rule?: string }[]
      failureCount: number
      importable: number
    }
    // The first failure's own details stay on top, as a refused path always had them.
    expect(details).toMatchObject({ entry: '../../secret.png', rule: 'climbs-out', failureCount: 5, importable: 2 })
    expect(details.failures.map((f) => [f.entry, f.rule])).toEqual([
      ['../../secret.png', 'climbs-out'],
      ['gone.png', 'missing'],
      ['broken-label.png', undefined],
      ['annotations.json annotations[3]', undefined],
      ['outside.png', undefined],
    ])
    expect(details.failures[1].reason).toMatch(/gone\.png/)
    expect(details.failures[1].reason).not.toMatch(/^ENOENT/)
    expect(details.failures[2].reason).toMatch(/category_id 5 is not in "categories"/)
    expect(details.failures[3].reason).toMatch(/image_id 99 is not in "images"/)
    expect(details.failures[4].reason).toMatch(/box 0 .* leaves the 8×6 image/)
    expect(await service.listDatasets()).toEqual([])

    const imported = await service.importDataset('coco', dir, 'mixed', { importRest: true })
    expect(imported.images).toBe(2)
    expect(imported.skipped.map((f) => f.entry)).toEqual(details.failures.map((f) => f.entry))
    expect((await service.listImages(imported.id)).map((i) => [i.id, i.boxes.length])).toEqual([
      ['good1', 1],
      ['good2', 1],
    ])
    // The secret was never copied, and the dataset folder holds only the two good images.
    expect(readdirSync(path.join(dataDir, 'vision', 'datasets', imported.id, 'images')).sort()).toEqual(['good1.png', 'good2.png'])
    expect(existsSync(path.join(dataDir, 'vision', 'secret.png'))).toBe(false)
    expect(existsSync(path.join(dataDir, 'vision', 'datasets', 'secret.png'))).toBe(false)
    await service.close()
  })

  it('YOLO: a broken label line, an image that is no image and a link out of the folder are left out; labels of the rest kept', async () => {
    const { root, service } = setup()
    const dir = path.join(root, 'yolo')
    write(path.join(dir, 'data.yaml'), 'train: images/train\nnames: [scratch, dent]\n')
    write(path.join(dir, 'images', 'train', 'ok.png'), png)
    write(path.join(dir, 'labels', 'train', 'ok.txt'), '1 0.5 0.5 0.25 0.5\n')
    write(path.join(dir, 'images', 'train', 'bad-line.png'), png)
    write(path.join(dir, 'labels', 'train', 'bad-line.txt'), '0 0.5 0.5 0.2\n')
    write(path.join(dir, 'images', 'train', 'not-an-image.png'), 'GIF89a, or rather a text file')
    write(path.join(root, 'private.png'), png)
    symlinkSync(path.join(root, 'private.png'), path.join(dir, 'images', 'train', 'linked.png'))
    const error = await refusal(service.importDataset('yolo', dir, 'yolo mixed'))
    const { failures } = error.details as { failures: { entry: string; reason: string; rule?: string }[] }
    expect(failures.map((f) => f.entry).sort()).toEqual(['images/train/bad-line.png', 'images/train/linked.png', 'images/train/not-an-image.png'])
    const byEntry = Object.fromEntries(failures.map((f) => [f.entry, f]))
    expect(byEntry['images/train/linked.png'].rule).toBe('link-leaves-folder')
    expect(byEntry['images/train/bad-line.png'].reason).toMatch(/bad-line\.txt:1/)
    expect(byEntry['images/train/not-an-image.png'].reason).toMatch(/Cannot read the size of image .*not-an-image\.png/)

    const imported = await service.importDataset('yolo', dir, 'yolo mixed', { importRest: true })
    expect(imported.skipped).toHaveLength(3)
    expect((await service.listImages(imported.id)).map((i) => [i.id, i.boxes.map((b) => b.classId)])).toEqual([['ok', [1]]])
    await service.close()
  })

  it('says so when no entry at all can be imported, and names the first reason', async () => {
    const { root, service } = setup()
    const dir = path.join(root, 'class-folders')
    write(path.join(dir, 'good', 'a.png'), 'not a png')
    const error = await refusal(service.importDataset('class-folders', dir, 'none', { importRest: true }))
    expect(error.message).toMatch(/none of its 1 image\(s\) can be imported — first: good\/a\.png: Cannot read the size/)
    expect(await service.listDatasets()).toEqual([])
    await service.close()
  })
})
