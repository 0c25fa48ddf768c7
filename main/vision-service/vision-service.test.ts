import { mkdtempSync, rmSync, existsSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { VisionService } from './vision-service'

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
    expect(existsSync(path.join(dataDir, 'vision', 'datasets', created.id, 'thumbs', `${images[0].id}.jpg`))).toBe(true)
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
        { classId: 1, points: [[5, 5], [400, 5], [40, 60]] },
        { classId: 3, points: [[100, 100], [120, 100], [110, 130]], confidence: 0.9, draft: true },
      ],
      classes: [4, 4, 1],
      status: 'labeled',
    })
    expect(saved.polygons[0].points).toEqual([[5, 5], [320, 5], [40, 60]]) // clipped to the 320 px image
    expect(saved.polygons[1]).toEqual({ classId: 3, points: [[100, 100], [120, 100], [110, 130]], confidence: 0.9, draft: true })
    expect(saved.boxes[1]).toEqual({ classId: 2, x: 50, y: 40, w: 30, h: 10, confidence: 0.62, draft: true })
    expect(saved.classes).toEqual([1, 4])
    await expect(
      service.saveLabels(id, first.id, { boxes: [], polygons: [{ classId: 7, points: [[0, 0], [1, 0], [0, 1]] }], classes: [], status: 'labeled' }),
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
})
