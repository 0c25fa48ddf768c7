import { linkSync, mkdirSync, mkdtempSync, readdirSync, rmSync, existsSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { checkCocoAnnotations, checkUltralyticsDataset } from '../formats/format-rules.fixture'
import { THUMBS_FOLDER, VisionService } from './dataset-service'

describe('VisionService', () => {
  const dirs: string[] = []
  const open = () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'otw-vision-'))
    dirs.push(dataDir)
    return { dataDir, service: new VisionService({ dataDir }) }
  }
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
  })

  it('adds demo images unlabeled, keeps their truth aside, saves labels and survives a restart', async () => {
    const { dataDir, service } = open()
    const created = await service.createDataset('Line 1 bottles')
    expect(created.id).toBe('line-1-bottles')
    const summary = await service.addDemoImages(created.id, 6, false)
    expect(summary.images).toBe(6)
    expect(summary.byStatus.unlabeled).toBe(6)
    const images = await service.listImages(created.id)
    expect(images.every((i) => i.boxes.length === 0 && i.reference !== undefined)).toBe(true)

    const saved = await service.saveLabels(created.id, images[0].id, { boxes: [{ classId: 1, x: 300, y: 10, w: 50, h: 20 }], classes: [], status: 'labeled' })
    expect(saved.boxes).toEqual([{ classId: 1, x: 300, y: 10, w: 20, h: 20 }]) // clipped to the 320 px image
    await expect(
      service.saveLabels(created.id, images[0].id, { boxes: [{ classId: 9, x: 0, y: 0, w: 5, h: 5 }], classes: [], status: 'labeled' }),
    ).rejects.toThrow(/5 classes/)
    await service.close()

    const again = new VisionService({ dataDir })
    expect((await again.listImages(created.id, 'labeled')).map((i) => i.boxes)).toEqual([[{ classId: 1, x: 300, y: 10, w: 20, h: 20 }]])
    expect((await again.listDatasets()).map((d) => d.byStatus.labeled)).toEqual([1])
    const [thumb] = await again.thumbnails(created.id, [images[0].id])
    expect(thumb.url).toMatch(/^data:image\/jpeg;base64,/)
    expect(existsSync(path.join(dataDir, 'vision', 'datasets', created.id, THUMBS_FOLDER, `${images[0].id}.jpg`))).toBe(true)
    await expect(again.listImages('nope')).rejects.toThrow(/does not exist/)
    await again.close()
  })

  it('saves polygons and draft pre-labels with their confidence and reads them back after a restart', async () => {
    const { dataDir, service } = open()
    const { id } = await service.createDataset('shapes')
    await service.addDemoImages(id, 2, false)
    const [first] = await service.listImages(id)
    expect(first.polygons).toEqual([])
    const saved = await service.saveLabels(id, first.id, {
      boxes: [
        { classId: 0, x: 10, y: 10, w: 20, h: 20 },
        { classId: 2, x: 50, y: 40, w: 30, h: 10, confidence: 0.62, draft: true },
      ],
      polygons: [
        {
          classId: 1,
          points: [
            [5, 5],
            [400, 5],
            [40, 60],
          ],
        },
        {
          classId: 3,
          points: [
            [100, 100],
            [120, 100],
            [110, 130],
          ],
          confidence: 0.9,
          draft: true,
        },
      ],
      classes: [4, 4, 1],
      status: 'labeled',
    })
    expect(saved.polygons[0].points).toEqual([
      [5, 5],
      [320, 5],
      [40, 60],
    ]) // clipped to the 320 px image
    expect(saved.polygons[1]).toEqual({
      classId: 3,
      points: [
        [100, 100],
        [120, 100],
        [110, 130],
      ],
      confidence: 0.9,
      draft: true,
    })
    expect(saved.boxes[1]).toEqual({ classId: 2, x: 50, y: 40, w: 30, h: 10, confidence: 0.62, draft: true })
    expect(saved.classes).toEqual([1, 4])
    await expect(
      service.saveLabels(id, first.id, {
        boxes: [],
        polygons: [
          {
            classId: 7,
            points: [
              [0, 0],
              [1, 0],
              [0, 1],
            ],
          },
        ],
        classes: [],
        status: 'labeled',
      }),
    ).rejects.toThrow(/5 classes/)
    await service.close()
    const again = new VisionService({ dataDir })
    const [back] = await again.listImages(id, 'labeled')
    expect(back.polygons).toEqual(saved.polygons)
    expect(back.boxes).toEqual(saved.boxes)
    await again.close()
  })

  it('exports labelled images as YOLO with progress into vision/exports', async () => {
    const { service } = open()
    const { id } = await service.createDataset('export')
    await service.addDemoImages(id, 6, true)
    const progress: number[] = []
    const { dir, images } = await service.exportYolo(id, { onProgress: (p) => progress.push(p.done) })
    expect(images).toBe(6)
    expect(progress.at(-1)).toBe(6)
    expect(dir.startsWith(path.join(service['root'], 'exports'))).toBe(true)
    expect(readFileSync(path.join(dir, 'data.yaml'), 'utf8')).toMatch(/scratch/)
    // Written into a staging folder and renamed: data.yaml must name the final folder, and Ultralytics' checks must pass.
    const checked = await checkUltralyticsDataset(path.join(dir, 'data.yaml'))
    expect(checked.errors).toEqual([])
    expect(readFileSync(path.join(dir, 'data.yaml'), 'utf8')).toContain(`path: ${dir}\n`)
    await service.close()
  })

  it('leaves polygons in as ground truth: YOLO boxes or segments, COCO polygons, and no polygon-labelled part trains the anomaly model as good', async () => {
    const { service } = open()
    const { id } = await service.createDataset('polygons')
    await service.addDemoImages(id, 6, true)
    const images = await service.listImages(id)
    const good = images.filter((i) => i.boxes.length === 0 && i.classes.length === 0)
    expect(good.length).toBeGreaterThanOrEqual(3)
    // Two good parts get a polygon-only defect: they are not good any more, for training or anywhere else.
    for (const image of good.slice(0, 2))
      await service.saveLabels(id, image.id, {
        boxes: [],
        polygons: [
          {
            classId: 1,
            points: [
              [40, 40],
              [90, 45],
              [70, 100],
            ],
          },
        ],
        classes: [],
        status: 'labeled',
      })
    const stillGood = good.length - 2
    if (stillGood >= 2) expect((await service.trainAnomaly(id)).trainedOn).toBe(stillGood)
    else await expect(service.trainAnomaly(id)).rejects.toThrow(/confirmed good image/)

    const detect = (await service.exportAs(id, 'yolo', { dir: path.join(service['root'], 'out-detect') })).dir
    const detectReport = await checkUltralyticsDataset(path.join(detect, 'data.yaml'))
    expect(detectReport.errors).toEqual([])
    const labelFiles = readdirSync(detect, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.txt'))
    const polygonLabel = labelFiles.find((f) => f.includes(good[0].id))!
    expect(readFileSync(path.join(detect, polygonLabel), 'utf8').trim().split(' ')).toHaveLength(5) // its bounding box

    const segment = (await service.exportAs(id, 'yolo', { dir: path.join(service['root'], 'out-segment'), segments: true })).dir
    const segmentReport = await checkUltralyticsDataset(path.join(segment, 'data.yaml'), { task: 'segment' })
    expect(segmentReport.errors).toEqual([])
    expect(readFileSync(path.join(segment, polygonLabel), 'utf8').trim().split(' ')).toHaveLength(7) // class and 3 vertices

    const coco = (await service.exportAs(id, 'coco', { dir: path.join(service['root'], 'out-coco') })).dir
    const cocoReport = await checkCocoAnnotations(path.join(coco, 'annotations.json'), { imagesDir: path.join(coco, 'images') })
    expect(cocoReport.errors).toEqual([])
    await service.close()
  })

  it('trains the anomaly model on good images and scores an image with a heat map', async () => {
    const { service } = open()
    const { id } = await service.createDataset('anomaly')
    await expect(service.trainAnomaly(id)).rejects.toThrow(/at least 2/)
    await service.addDemoImages(id, 6, true)
    const good = (await service.listImages(id)).filter((i) => i.boxes.length === 0)
    expect(good.length).toBeGreaterThanOrEqual(2)
    const progress: number[] = []
    const trained = await service.trainAnomaly(id, { onProgress: (p) => progress.push(p.done) })
    expect(trained.trainedOn).toBe(good.length)
    expect(progress.length).toBeGreaterThan(0)
    const result = await service.runAnomaly(id, good[0].id)
    expect(result.anomalous).toBe(false)
    expect(result.score).toBeLessThanOrEqual(result.threshold)
    expect(result.overlay).toMatch(/^data:image\/png;base64,/)
    expect((await service.listDatasets())[0].anomalyModel?.trainedOn).toBe(good.length)
    await service.close()
  })

  it('exports COCO, VOC, class folders and YOLO into a chosen folder and imports each back as a new dataset with the same labels', async () => {
    const { dataDir, service } = open()
    const created = await service.createDataset('round trip')
    const id = created.id
    await service.addDemoImages(id, 5, true)
    const images = await service.listImages(id)
    await service.setImageClassMode(id, 'single')
    for (const [k, image] of images.entries()) await service.saveLabels(id, image.id, { boxes: image.boxes, classes: [k % 2], status: image.status })
    await service.saveLabels(id, images[0].id, {
      boxes: images[0].boxes,
      polygons: [
        {
          classId: 2,
          points: [
            [10, 10],
            [60, 12],
            [30, 50],
          ],
        },
      ],
      classes: [0],
      status: 'reviewed',
    })
    const original = await service.listImages(id)
    for (const format of ['coco', 'voc', 'class-folders', 'yolo'] as const) {
      const dir = path.join(dataDir, 'out', format)
      const progress: number[] = []
      const exported = await service.exportAs(id, format, { dir, onProgress: (p) => progress.push(p.done) })
      expect(exported).toMatchObject({ dir, images: 5 })
      expect(progress.at(-1)).toBe(5)
      expect(readdirSync(path.join(dataDir, 'out')).filter((f) => f.includes('.partial-'))).toEqual([])
      const imported = await service.importDataset(format, dir, `back ${format}`)
      expect(imported.images).toBe(5)
      const back = await service.listImages(imported.id)
      // YOLO stores normalised centres with 6 decimals, so compare at 1/1000 px.
      const sortBoxes = (boxes: { classId: number; x: number; y: number; w: number; h: number }[]) =>
        [...boxes]
          .sort((a, b) => a.x - b.x || a.y - b.y)
          .map((b) => ({ ...b, x: Math.round(b.x * 1000), y: Math.round(b.y * 1000), w: Math.round(b.w * 1000), h: Math.round(b.h * 1000) }))
      for (const image of original) {
        const twin = back.find((b) => b.id === image.id)!
        // Class folders number classes by sorted folder name, so compare names.
        if (format === 'class-folders') expect(twin.classes.map((c) => imported.classes[c])).toEqual(image.classes.map((c) => created.classes[c]))
        else {
          // YOLO detection labels carry a polygon as its bounding box.
          const polygonBoxes =
            format === 'yolo'
              ? image.polygons.map((p) => {
                  const xs = p.points.map(([x]) => x)
                  const ys = p.points.map(([, y]) => y)
                  return {
                    classId: p.classId,
                    x: Math.min(...xs),
                    y: Math.min(...ys),
                    w: Math.max(...xs) - Math.min(...xs),
                    h: Math.max(...ys) - Math.min(...ys),
                  }
                })
              : []
          expect(sortBoxes(twin.boxes), `${format} ${image.id}`).toEqual(sortBoxes([...image.boxes, ...polygonBoxes]))
        }
        if (format === 'coco') {
          expect(twin.polygons).toEqual(image.polygons)
          expect(twin.status).toBe(image.status)
        }
      }
    }
    await expect(service.exportAs(id, 'coco', { dir: path.join(dataDir, 'out', 'coco') })).rejects.toThrow(/is not empty .* choose an empty or new folder/)
    // Class folders hold one class per image: a multi-label image stops the export, and no partial folder stays behind.
    await service.setImageClassMode(id, 'multi')
    await service.saveLabels(id, images[1].id, { boxes: [], classes: [0, 1], status: 'labeled' })
    await expect(service.exportAs(id, 'class-folders', { dir: path.join(dataDir, 'out', 'folders-2') })).rejects.toThrow(
      /class folders export of "round trip" failed: .*has 2 classes .* one class per image/,
    )
    expect(readdirSync(path.join(dataDir, 'out')).sort()).toEqual(['class-folders', 'coco', 'voc', 'yolo'])
    await service.close()
  })

  it('refuses malformed import folders with a clear error and imports nothing', async () => {
    const { dataDir, service } = open()
    const before = () => readdirSync(path.join(dataDir, 'vision', 'datasets')).sort()
    await service.createDataset('keep')
    await expect(service.importDataset('coco', path.join(dataDir, 'missing'), 'x')).rejects.toThrow(/does not exist — enter the dataset's root folder/)

    // COCO: valid JSON, but an annotation points at a category that does not exist.
    const { id } = await service.createDataset('source')
    await service.addDemoImages(id, 3, true)
    const coco = path.join(dataDir, 'coco')
    await service.exportAs(id, 'coco', { dir: coco })
    const json = JSON.parse(readFileSync(path.join(coco, 'annotations.json'), 'utf8')) as { annotations: { category_id: number }[] }
    json.annotations[0].category_id = 99
    writeFileSync(path.join(coco, 'annotations.json'), JSON.stringify(json))
    const listed = before()
    await expect(service.importDataset('coco', coco, 'broken coco')).rejects.toThrow(/COCO JSON import of .* failed, nothing was imported: .*99/)
    writeFileSync(path.join(coco, 'annotations.json'), '{"images": [')
    await expect(service.importDataset('coco', coco, 'broken coco')).rejects.toThrow(/nothing was imported/)

    // VOC: one annotation file is not XML that describes an object.
    const voc = path.join(dataDir, 'voc')
    await service.exportAs(id, 'voc', { dir: voc })
    const xml = readdirSync(path.join(voc, 'Annotations'))[0]
    writeFileSync(path.join(voc, 'Annotations', xml), '<annotation><size><width>oops</width></size>')
    await expect(service.importDataset('voc', voc, 'broken voc')).rejects.toThrow(new RegExp(`Pascal VOC import .* failed, nothing was imported: .*${xml}`))

    // YOLO: a label line with a class beyond data.yaml.
    const yolo = path.join(dataDir, 'yolo')
    await service.exportAs(id, 'yolo', { dir: yolo })
    const labelDir = path.join(yolo, 'labels', 'train')
    const labelFile = readdirSync(labelDir)[0]
    writeFileSync(path.join(labelDir, labelFile), '42 0.5 0.5 0.1 0.1\n')
    await expect(service.importDataset('yolo', yolo, 'broken yolo')).rejects.toThrow(new RegExp(`${labelFile}:1`))

    // Class folders: an empty folder has no classes.
    mkdirSync(path.join(dataDir, 'empty'))
    await expect(service.importDataset('class-folders', path.join(dataDir, 'empty'), 'empty')).rejects.toThrow(/no class folders/)

    expect(before()).toEqual(listed)
    expect((await service.listDatasets()).map((d) => d.name)).toEqual(['keep', 'source'])
    await service.close()
  })

  it('cancelling an import or export leaves nothing behind', async () => {
    const { dataDir, service } = open()
    const { id } = await service.createDataset('cancel me')
    await service.addDemoImages(id, 4, true)
    const cancel = new AbortController()
    const out = path.join(dataDir, 'cancelled')
    await expect(service.exportAs(id, 'coco', { dir: out, signal: cancel.signal, onProgress: (p) => p.done === 2 && cancel.abort() })).rejects.toThrow()
    expect(readdirSync(dataDir).filter((f) => f.startsWith('cancelled'))).toEqual([])
    const source = path.join(dataDir, 'src')
    await service.exportAs(id, 'coco', { dir: source })
    const again = new AbortController()
    await expect(service.importDataset('coco', source, 'half', { signal: again.signal, onProgress: (p) => p.done === 6 && again.abort() })).rejects.toThrow()
    expect(readdirSync(path.join(dataDir, 'vision', 'datasets'))).toEqual(['cancel-me'])
    await service.close()
  })

  it('imports a YOLO folder of 600 linked copies, gives the grid a slim filtered index and records by id, and caches each thumbnail on disk, even when two calls ask for it at once', async () => {
    const { dataDir, service } = open()
    const demo = await service.createDataset('Source')
    await service.addDemoImages(demo.id, 3, true)
    const { dir } = await service.exportAs(demo.id, 'yolo', { dir: path.join(dataDir, 'three') })
    const big = path.join(dataDir, 'big')
    mkdirSync(path.join(big, 'images', 'train'), { recursive: true })
    mkdirSync(path.join(big, 'labels', 'train'), { recursive: true })
    writeFileSync(path.join(big, 'data.yaml'), readFileSync(path.join(dir, 'data.yaml'), 'utf8').replace(/^(val|test):.*$/gm, ''))
    const sources = readdirSync(path.join(dir, 'images', 'train')).map((name) => name.replace(/\.png$/, ''))
    const count = 600
    for (let i = 0; i < count; i++) {
      const from = sources[i % sources.length]
      const name = `img-${String(i).padStart(5, '0')}`
      linkSync(path.join(dir, 'images', 'train', `${from}.png`), path.join(big, 'images', 'train', `${name}.png`))
      // Every third image has no label file: unlabeled.
      if (i % 3 !== 2) writeFileSync(path.join(big, 'labels', 'train', `${name}.txt`), readFileSync(path.join(dir, 'labels', 'train', `${from}.txt`)))
    }
    const progress: number[] = []
    const imported = await service.importDataset('yolo', big, 'Big', { onProgress: (p) => progress.push(p.done / p.total) })
    expect(imported.images).toBe(count)
    expect(imported.byStatus.unlabeled).toBe(count / 3)
    expect(progress.at(-1)).toBe(1)
    expect(progress.every((p, i) => i === 0 || p >= progress[i - 1])).toBe(true)
    expect(readdirSync(path.join(dataDir, 'vision', 'datasets', imported.id, 'images', 'train'))).toHaveLength(count)

    const all = await service.imageIndex(imported.id)
    expect(all.total).toBe(count)
    expect(all.ids[0]).toBe('img-00000')
    expect(all.ids.at(-1)).toBe('img-00599')
    expect(all.status.slice(0, 6)).toBe('llullu')
    const unlabeled = await service.imageIndex(imported.id, { status: 'unlabeled', classId: 'any', minConfidence: 0, maxConfidence: 1 })
    expect(unlabeled.ids).toHaveLength(count / 3)
    expect(unlabeled.status).toBe('u'.repeat(count / 3))

    const records = await service.imagesById(imported.id, ['img-00599', 'nope', 'img-00000'])
    expect(records.map((r) => r.id)).toEqual(['img-00599', 'img-00000'])
    expect(records[1].status).toBe('labeled')
    const saved = await service.saveLabels(imported.id, 'img-00599', { boxes: [{ classId: 0, x: 1, y: 1, w: 9, h: 9 }], classes: [], status: 'reviewed' })
    expect(saved.status).toBe('reviewed')
    expect((await service.imageIndex(imported.id)).status.at(-1)).toBe('r')

    const ids = all.ids.slice(-10)
    const [first, second] = await Promise.all([service.thumbnails(imported.id, ids), service.thumbnails(imported.id, ids)])
    expect(first.map((t) => t.id)).toEqual(ids)
    expect(second.map((t) => t.url)).toEqual(first.map((t) => t.url))
    const thumbs = readdirSync(path.join(dataDir, 'vision', 'datasets', imported.id, THUMBS_FOLDER))
    expect(thumbs.sort()).toEqual(ids.map((id) => `${id}.jpg`))
    await service.close()
  })

  it('splits the labelled images stratified by class, shows the split on each image and in the index filter, re-splits on request, and exports by it', async () => {
    const { dataDir, service } = open()
    const { id } = await service.createDataset('split me')
    await service.addDemoImages(id, 30, true)
    const images = await service.listImages(id)
    await service.saveLabels(id, images[0].id, { boxes: [], classes: [], status: 'unlabeled' })
    await service.saveLabels(id, images[1].id, { boxes: [], classes: [], status: 'rejected' })
    await expect(service.split(id, { ratios: { train: 0, val: 1, test: 1 }, seed: 1 })).rejects.toThrow(/train must have a share above 0/)

    const first = await service.split(id, { ratios: { train: 60, val: 20, test: 20 }, seed: 1 })
    expect(first.dataset.bySplit.train + first.dataset.bySplit.val + first.dataset.bySplit.test).toBe(28)
    expect(first.dataset.bySplit).toMatchObject({ train: 17, none: 0 })
    for (const c of first.byClass) if (c.train + c.val + c.test >= 5) expect(c.train).toBeGreaterThan(c.val)
    const [unlabeled, rejected] = await service.imagesById(id, [images[0].id, images[1].id])
    expect(unlabeled.split).toBeUndefined()
    expect(rejected.split).toBeUndefined()
    const test = await service.imageIndex(id, { status: 'all', classId: 'any', minConfidence: 0, maxConfidence: 1, split: 'test' })
    expect(test.ids).toHaveLength(first.dataset.bySplit.test)
    expect(test.split).toBe('s'.repeat(test.ids.length))
    expect((await service.imagesById(id, test.ids)).every((i) => i.split === 'test')).toBe(true)

    // Same seed, same split; another seed moves images; a split image that becomes unlabeled leaves its split on the next run.
    const again = await service.split(id, { ratios: { train: 60, val: 20, test: 20 }, seed: 1 })
    expect(again.dataset.bySplit).toEqual(first.dataset.bySplit)
    await service.saveLabels(id, test.ids[0], { boxes: [], classes: [], status: 'unlabeled' })
    await service.split(id, { ratios: { train: 60, val: 20, test: 20 }, seed: 2 })
    expect((await service.imagesById(id, [test.ids[0]]))[0].split).toBeUndefined()
    const moved = await service.imageIndex(id, { status: 'all', classId: 'any', minConfidence: 0, maxConfidence: 1, split: 'test' })
    expect(moved.ids).not.toEqual(test.ids.slice(1))

    const out = path.join(dataDir, 'yolo-split')
    await service.exportAs(id, 'yolo', { dir: out })
    const { bySplit } = (await service.listDatasets())[0]
    for (const split of ['train', 'val', 'test'] as const) expect(readdirSync(path.join(out, 'images', split))).toHaveLength(bySplit[split])
    await service.close()
  })

  it('keeps one image class in single-label datasets', async () => {
    const { service } = open()
    const { id } = await service.createDataset('classify')
    await service.addDemoImages(id, 2, false)
    const [image] = await service.listImages(id)
    await service.saveLabels(id, image.id, { boxes: [], classes: [1, 3], status: 'labeled' })
    await expect(service.setImageClassMode(id, 'single')).rejects.toThrow(/several image-level classes .* reduce them to one/)
    await service.saveLabels(id, image.id, { boxes: [], classes: [3], status: 'labeled' })
    expect((await service.setImageClassMode(id, 'single')).imageClassMode).toBe('single')
    await expect(service.saveLabels(id, image.id, { boxes: [], classes: [1, 3], status: 'labeled' })).rejects.toThrow(/single-label/)
    await service.close()
  })
})
