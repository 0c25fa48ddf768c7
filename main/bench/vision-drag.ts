// Drag benchmark for the labeling canvas, in Debian's Chromium against the headless host: one box dragged among 500 on one
// image; p95 of the per-frame drawing work. Peers in the same run: the same drag among 50 boxes, and among 500 with the
// naive renderer that redraws every shape each frame (what the cached base layer avoids).
// Run alone: `tsx main/bench/vision-drag.ts`; `npm run bench:vision` calls runDragBench() and adds drag_frame_p95_ms.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { Page } from '@playwright/test'
import type { VisionBox } from '../../preload/contract'
import { ensureRendererBuilt, launchBenchChromium, percentile, startBenchHost } from './browser-bench'
import { VisionService } from '../vision/datasets/dataset-service'

const MOVES = 120
/** Page-side code is passed as strings: main has no DOM types, and tsx would wrap named functions in a helper the page lacks. */
const NEXT_FRAME = 'new Promise((resolve) => requestAnimationFrame(() => resolve(null)))'

export interface DragBenchResult {
  boxes: number
  frames: number
  /** p95 of the work per animation frame while dragging one box among 500 (pointer handling is a few µs; this is the redraw). */
  drag_frame_p95_ms: number
  drag_frame_p50_ms: number
  /** p95 interval between animation frames during the drag: about one display refresh when no frame is dropped. */
  drag_raf_interval_p95_ms: number
  /** Peer: the same drag among 50 boxes. */
  peer_50_boxes_frame_p95_ms: number
  /** Peer: 500 boxes, every shape redrawn each frame (no cached layer). */
  peer_full_redraw_frame_p95_ms: number
  target_ms: number
}

/** A grid of `count` small boxes over the 320×240 demo image, in the dataset's five classes. */
function gridBoxes(count: number): VisionBox[] {
  const columns = Math.ceil(Math.sqrt((count * 320) / 240))
  const rows = Math.ceil(count / columns)
  const cw = 320 / columns
  const ch = 240 / rows
  return Array.from({ length: count }, (_, i) => ({
    classId: i % 5,
    x: Math.floor((i % columns) * cw) + 1,
    y: Math.floor(Math.floor(i / columns) * ch) + 1,
    w: Math.max(2, Math.floor(cw) - 2),
    h: Math.max(2, Math.floor(ch) - 2),
  }))
}

async function prefill(dataDir: string): Promise<{ datasetName: string; images: { id: string; boxes: VisionBox[] }[] }> {
  const service = new VisionService({ dataDir })
  const dataset = await service.createDataset('Drag bench')
  await service.addDemoImages(dataset.id, 2, false)
  const [many, few] = await service.listImages(dataset.id)
  const images = [
    { id: many.id, boxes: gridBoxes(500) },
    { id: few.id, boxes: gridBoxes(50) },
  ]
  for (const image of images) await service.saveLabels(dataset.id, image.id, { boxes: image.boxes, classes: [], status: 'labeled' })
  await service.close()
  return { datasetName: dataset.name, images }
}

/** Opens an image in the labeling view and drags its middle box by (60, 45) image pixels, one animation frame per mouse move. */
async function measureDrag(page: Page, image: { id: string; boxes: VisionBox[] }): Promise<{ work: number[]; intervals: number[] }> {
  await page.getByRole('button', { name: new RegExp(`^Image ${image.id}, `) }).click()
  const canvas = page.getByRole('img', { name: new RegExp(`^Labeling canvas for ${image.id}: ${image.boxes.length} boxes`) })
  await canvas.waitFor()
  await page.waitForTimeout(500)
  const area = (await canvas.boundingBox())!
  const box = image.boxes[Math.floor(image.boxes.length / 2)]
  const toScreen = (x: number, y: number) => ({ x: area.x + (x / 320) * area.width, y: area.y + (y / 240) * area.height })
  const start = toScreen(box.x + box.w / 2, box.y + box.h / 2)
  await page.mouse.move(start.x, start.y)
  await page.mouse.down()
  await page.evaluate(NEXT_FRAME)
  await page.evaluate(NEXT_FRAME)
  await page.evaluate(`(() => {
    performance.clearMeasures('otw:vision-frame')
    window.__rafTimes = []
    window.__rafOn = true
    const tick = (t) => {
      window.__rafTimes.push(t)
      if (window.__rafOn) requestAnimationFrame(tick)
    }
    requestAnimationFrame(tick)
  })()`)
  for (let i = 1; i <= MOVES; i++) {
    const t = i / MOVES
    const to = toScreen(box.x + box.w / 2 + 60 * t, box.y + box.h / 2 + 45 * Math.sin(t * Math.PI))
    await page.mouse.move(to.x, to.y)
    await page.evaluate(NEXT_FRAME)
  }
  const result = (await page.evaluate(`(() => {
    window.__rafOn = false
    const times = window.__rafTimes
    return {
      work: performance.getEntriesByName('otw:vision-frame').map((e) => e.duration),
      intervals: times.slice(1).map((t, i) => t - times[i]),
    }
  })()`)) as { work: number[]; intervals: number[] }
  await page.mouse.up()
  // Undo the move so the next run starts from the same labels.
  await page.keyboard.press('Control+z')
  return result
}

export async function runDragBench(): Promise<DragBenchResult> {
  ensureRendererBuilt('drag bench')
  const dataDir = mkdtempSync(join(tmpdir(), 'otw-bench-drag-'))
  const { images } = await prefill(dataDir)
  const host = await startBenchHost(dataDir)
  const browser = await launchBenchChromium()
  try {
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } })
    await page.goto(host.url)
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Vision' }).click()
    // Warm-up drag (JIT, font and canvas caches), then the measured ones.
    await measureDrag(page, images[0])
    const cached = await measureDrag(page, images[0])
    // OTW_SCREENS=<folder> keeps a picture of the 500 boxes, to look at.
    if (process.env.OTW_SCREENS)
      await page.getByRole('region', { name: 'Labeling' }).screenshot({ path: join(process.env.OTW_SCREENS, 'vision-500-boxes.png') })
    const fewer = await measureDrag(page, images[1])
    await page.evaluate(`window.localStorage.setItem('otw.vision.fullRedraw', '1')`)
    await page.reload()
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Vision' }).click()
    await measureDrag(page, images[0])
    const naive = await measureDrag(page, images[0])
    await page.evaluate(`window.localStorage.removeItem('otw.vision.fullRedraw')`)
    const round = (v: number) => Number(v.toFixed(3))
    return {
      boxes: images[0].boxes.length,
      frames: cached.work.length,
      drag_frame_p95_ms: round(percentile(cached.work, 0.95)),
      drag_frame_p50_ms: round(percentile(cached.work, 0.5)),
      drag_raf_interval_p95_ms: round(percentile(cached.intervals, 0.95)),
      peer_50_boxes_frame_p95_ms: round(percentile(fewer.work, 0.95)),
      peer_full_redraw_frame_p95_ms: round(percentile(naive.work, 0.95)),
      target_ms: 16,
    }
  } finally {
    await browser.close()
    await host.stop()
    await new Promise((r) => setTimeout(r, 1500))
    rmSync(dataDir, { recursive: true, force: true })
  }
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  runDragBench()
    .then((result) => process.stdout.write(JSON.stringify(result) + '\n'))
    .catch((error: unknown) => {
      process.stderr.write(`drag bench failed: ${error instanceof Error ? error.message : String(error)}\n`)
      process.exit(1)
    })
}
