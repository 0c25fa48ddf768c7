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
