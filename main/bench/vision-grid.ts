// Large-dataset benchmark for the Vision grid: a 20,000-image YOLO folder (eight demo-camera parts linked under 20,000
// names) imported as a user does, then browsed in Debian's Chromium against the headless host. Prints one JSON line.
// Figures: import time and rate; host payloads of the grid's index against the full label list; thumbnail throughput
// (made, and from the disk cache); in Chromium the time to open the dataset, p95 frame interval and per-frame work while
// scrolling from top to bottom as a scrollbar drag does, and how long after the scroll stops the last row's thumbnails show.
// Peers in the same run: the same with 200 images, and the 20,000 scrolled with every row drawn in full (no empty cells
// during a fling). Run: `npm run bench:vision-grid` (OTW_GRID_IMAGES=<n> to change 20,000).
import { linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { Page } from '@playwright/test'
import { ensureRendererBuilt, launchBenchChromium, percentile, startBenchHost } from './browser-bench'
import { VisionService } from '../vision/datasets/dataset-service'

const LARGE = Number(process.env.OTW_GRID_IMAGES ?? 20_000)
const SMALL = 200
const SCROLL_FRAMES = 240

const round = (v: number, digits = 3): number => Number(v.toFixed(digits))

/** Eight labelled demo-camera parts exported as YOLO, linked under `count` names into one split; every third without labels. */
function linkYoloFolder(seed: string, out: string, count: number): void {
  const parts: { image: string; label: string }[] = []
  for (const split of readdirSync(join(seed, 'images')))
    for (const file of readdirSync(join(seed, 'images', split)))
      parts.push({ image: join(seed, 'images', split, file), label: join(seed, 'labels', split, file.replace(/\.png$/, '.txt')) })
  parts.sort((a, b) => a.image.localeCompare(b.image))
  const names = /^names:\n(?:\s+.*\n?)+/m.exec(readFileSync(join(seed, 'data.yaml'), 'utf8'))?.[0] ?? ''
  mkdirSync(join(out, 'images', 'train'), { recursive: true })
  mkdirSync(join(out, 'labels', 'train'), { recursive: true })
  writeFileSync(join(out, 'data.yaml'), `path: .\ntrain: images/train\n${names}`)
  for (let i = 0; i < count; i++) {
    const part = parts[i % parts.length]
    const stem = `img-${String(i).padStart(5, '0')}`
    linkSync(part.image, join(out, 'images', 'train', `${stem}.png`))
    if (i % 3 !== 2) writeFileSync(join(out, 'labels', 'train', `${stem}.txt`), readFileSync(part.label))
  }
}

interface HostFigures {
  import_s: number
  import_images_per_s: number
  /** A host that has not read this dataset yet: dataset.json read and checked, and the grid's index built. */
  dataset_cold_ms: number
  /** What the grid fetches per refresh: ids and status letters of the matching images. */
  index_payload_bytes: number
  index_ms: number
  /** What it fetched before (every image with all its labels), for comparison. */
  full_list_payload_bytes: number
  thumbs_made_per_s: number
  thumbs_cached_per_s: number
}

/** Imports `count` images from a linked YOLO folder and measures the host side, in this process. */
async function hostFigures(dataDir: string, seed: string, count: number, name: string): Promise<HostFigures> {
  const folder = join(dataDir, `folder-${count}`)
  linkYoloFolder(seed, folder, count)
  let service = new VisionService({ dataDir })
  let t = performance.now()
  const dataset = await service.importDataset('yolo', folder, name)
  const importS = (performance.now() - t) / 1000
  await service.close()
  rmSync(folder, { recursive: true, force: true })

  service = new VisionService({ dataDir })
  t = performance.now()
  await service.imageIndex(dataset.id)
  const cold = performance.now() - t
  t = performance.now()
  const index = await service.imageIndex(dataset.id)
  const indexMs = performance.now() - t
  const full = await service.listImages(dataset.id)
  // As the grid asks: a row of 10 at a time, four rows in flight; 400 images from the far end (not yet made).
  const sample = index.ids.slice(-Math.min(400, index.ids.length))
  const rows = Array.from({ length: Math.ceil(sample.length / 10) }, (_, r) => sample.slice(r * 10, r * 10 + 10))
  const thumbsOf = async (): Promise<number> => {
    const started = performance.now()
    for (let r = 0; r < rows.length; r += 4) await Promise.all(rows.slice(r, r + 4).map((ids) => service.thumbnails(dataset.id, ids)))
    return (sample.length / (performance.now() - started)) * 1000
  }
  const made = await thumbsOf()
  const cached = await thumbsOf()
  await service.close()
  return {
    import_s: round(importS, 2),
    import_images_per_s: Math.round(count / importS),
    dataset_cold_ms: round(cold, 1),
    index_payload_bytes: JSON.stringify(index).length,
    index_ms: round(indexMs, 2),
    full_list_payload_bytes: JSON.stringify(full).length,
    thumbs_made_per_s: Math.round(made),
    thumbs_cached_per_s: Math.round(cached),
  }
}

interface BrowserFigures {
  /** From picking the dataset until the grid says how many it shows and the first thumbnail is drawn. */
  open_ms: number
  scroll_frame_p95_ms: number
  scroll_frame_p50_ms: number
  /** Per scroll step: from setting scrollTop in a frame until the page's tasks after that frame (React's render) are done. */
  scroll_work_p95_ms: number
  /** Where the main thread's time went while scrolling, per frame (Chrome's Performance metrics). */
  scroll_script_ms_per_frame: number
  scroll_style_layout_ms_per_frame: number
  scroll_task_ms_per_frame: number
  /** After the scroll stops at the bottom: until every thumbnail of the last row is shown. */
  end_thumbs_ms: number
}

/** Page-side code as strings: main has no DOM types. */
const SCROLL_SCRIPT = (frames: number) => `(async () => {
  const grid = document.querySelector('.vision-grid')
  grid.scrollTop = 0
  await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))
  const max = grid.scrollHeight - grid.clientHeight
  const intervals = []
  const work = []
  let last = performance.now()
  for (let i = 1; i <= ${frames}; i++) {
    await new Promise((resolve) => requestAnimationFrame((t) => {
      intervals.push(t - last)
      last = t
      const start = performance.now()
      grid.scrollTop = Math.round((max * i) / ${frames})
      const channel = new MessageChannel()
      channel.port1.onmessage = () => {
        // Our message was posted after the scroll handler's render was scheduled; a second hop lets that render finish.
        const again = new MessageChannel()
        again.port1.onmessage = () => { work.push(performance.now() - start); resolve(null) }
        again.port2.postMessage(null)
      }
      channel.port2.postMessage(null)
    }))
  }
  return { intervals: intervals.slice(1), work }
})()`

async function browserFigures(page: Page, datasetLabel: string, count: number): Promise<BrowserFigures> {
  const shown = page.getByRole('status', { name: 'Images shown' })
  const started = Date.now()
  await page.getByRole('combobox', { name: 'Dataset' }).selectOption({ label: datasetLabel })
  await shown.filter({ hasText: `${count} of ${count} shown` }).waitFor()
  await page.locator('.vision-grid img').first().waitFor()
  const openMs = Date.now() - started
  await page.waitForTimeout(500)
  await page.evaluate(SCROLL_SCRIPT(40)) // warm-up
  const cdp = await page.context().newCDPSession(page)
  await cdp.send('Performance.enable')
  const metrics = async (): Promise<Record<string, number>> =>
    Object.fromEntries(((await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] }).metrics.map((m) => [m.name, m.value]))
  const before = await metrics()
  const { intervals, work } = (await page.evaluate(SCROLL_SCRIPT(SCROLL_FRAMES))) as { intervals: number[]; work: number[] }
  const after = await metrics()
  const perFrame = (...names: string[]): number => round((names.reduce((sum, n) => sum + (after[n] - before[n]), 0) * 1000) / SCROLL_FRAMES, 2)
  await cdp.detach()
  const stopped = Date.now()
  const lastRow = page.getByRole('button', { name: new RegExp(`^Image img-${String(count - 1).padStart(5, '0')}, `) })
  await lastRow.locator('img').waitFor({ timeout: 60_000 })
  const endThumbs = Date.now() - stopped
  return {
    open_ms: openMs,
    scroll_frame_p95_ms: round(percentile(intervals, 0.95)),
    scroll_frame_p50_ms: round(percentile(intervals, 0.5)),
    scroll_work_p95_ms: round(percentile(work, 0.95)),
    scroll_script_ms_per_frame: perFrame('ScriptDuration'),
    scroll_style_layout_ms_per_frame: perFrame('RecalcStyleDuration', 'LayoutDuration'),
    scroll_task_ms_per_frame: perFrame('TaskDuration'),
    end_thumbs_ms: endThumbs,
  }
}

export async function runGridBench(): Promise<Record<string, unknown>> {
  ensureRendererBuilt('grid bench')
  const dataDir = mkdtempSync(join(tmpdir(), 'otw-bench-grid-'))
  try {
    const seedService = new VisionService({ dataDir })
    const seedDataset = await seedService.createDataset('Seed')
    await seedService.addDemoImages(seedDataset.id, 8, true)
    const seed = join(dataDir, 'seed-yolo')
    await seedService.exportAs(seedDataset.id, 'yolo', { dir: seed })
    await seedService.close()
    process.stderr.write(`grid bench: importing ${LARGE} images…\n`)
    const large = await hostFigures(dataDir, seed, LARGE, 'Large')
    const small = await hostFigures(dataDir, seed, SMALL, 'Small')

    const host = await startBenchHost(dataDir)
    const browser = await launchBenchChromium()
    try {
      const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } })
      await page.goto(host.url)
      await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Vision' }).click()
      await page.getByRole('combobox', { name: 'Dataset' }).waitFor()
      const largeBrowser = await browserFigures(page, `Large (${LARGE} images)`, LARGE)
      if (process.env.OTW_SCREENS) {
        // OTW_SCREENS=<folder>: the grid mid-fling (empty cells) and at rest, to look at.
        const browserRegion = page.getByRole('region', { name: 'Image browser' })
        await page.evaluate(`(() => { const g = document.querySelector('.vision-grid'); g.scrollTop = g.scrollHeight / 2 })()`)
        await browserRegion.screenshot({ path: join(process.env.OTW_SCREENS, 'vision-grid-fling.png'), animations: 'allow' })
        await page.waitForTimeout(1500)
        await browserRegion.screenshot({ path: join(process.env.OTW_SCREENS, 'vision-grid-rest.png') })
      }
      const smallBrowser = await browserFigures(page, `Small (${SMALL} images)`, SMALL)
      // Peer: the 20,000 again with every row drawn in full during the fling (no empty cells), as before.
      await page.evaluate(`window.localStorage.setItem('otw.vision.gridFullRows', '1')`)
      await page.reload()
      await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Vision' }).click()
      await page.getByRole('combobox', { name: 'Dataset' }).selectOption({ label: `Small (${SMALL} images)` })
      const fullRows = await browserFigures(page, `Large (${LARGE} images)`, LARGE)
      await page.evaluate(`window.localStorage.removeItem('otw.vision.gridFullRows')`)
      return {
        images: LARGE,
        ...large,
        ...largeBrowser,
        scroll_frames: SCROLL_FRAMES,
        peer_images: SMALL,
        ...Object.fromEntries(Object.entries({ ...small, ...smallBrowser }).map(([k, v]) => [`peer_${k}`, v])),
        peer_full_rows_scroll_frame_p95_ms: fullRows.scroll_frame_p95_ms,
        peer_full_rows_scroll_frame_p50_ms: fullRows.scroll_frame_p50_ms,
        peer_full_rows_scroll_work_p95_ms: fullRows.scroll_work_p95_ms,
        target_frame_ms: 16.7,
      }
    } finally {
      await browser.close()
      await host.stop()
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true })
  }
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  runGridBench()
    .then((result) => process.stdout.write(JSON.stringify(result) + '\n'))
    .catch((error: unknown) => {
      process.stderr.write(`grid bench failed: ${error instanceof Error ? error.message : String(error)}\n`)
      process.exit(1)
    })
}
