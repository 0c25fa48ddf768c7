// npm run bench:trend — 20 pens × 100,000 recorded points each in Chromium: p95 redraw time while panning.
// Peer in the same run: the same 20 pens over a short window drawn from raw samples (no bucket decimation).
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from '@playwright/test'
import { launchBenchChromium, percentile, startBenchHost } from './browser-bench'
import { openHistorian } from '../historian'
import { SIGNALS } from '../simulator/signals'

const PENS = 20
const POINTS = 100_000
const STEP_MS = 100
const PANS = 40

const p95 = (values: number[]): number => percentile(values, 0.95)

function prefill(dataDir: string, tagIds: string[], end: number): void {
  mkdirSync(join(dataDir, 'historian'), { recursive: true })
  const historian = openHistorian({ file: join(dataDir, 'historian', 'default.otwh'), flushIntervalMs: 0 })
  const start = end - POINTS * STEP_MS
  tagIds.forEach((tagId, k) => {
    let v = 50 + k
    for (let i = 0; i < POINTS; i++) {
      v += Math.sin(i / 500 + k) * 0.3 + ((i * 7919 + k * 104729) % 1000) / 1000 - 0.5
      historian.append(tagId, start + i * STEP_MS, Math.fround(v))
    }
    historian.flush()
  })
  historian.close()
}

async function measurePanning(page: Page): Promise<number[]> {
  await page.evaluate(() => performance.clearMeasures('otw:trend-redraw'))
  const chart = page.getByRole('img', { name: /^Trend of/ })
  await chart.focus()
  for (let i = 0; i < PANS; i++) {
    await page.keyboard.press(i % 2 === 0 ? 'ArrowLeft' : 'ArrowRight')
    await page.waitForTimeout(150)
  }
  return page.evaluate(() => performance.getEntriesByName('otw:trend-redraw').map((e) => e.duration))
}

const dataDir = mkdtempSync(join(tmpdir(), 'otw-bench-trend-'))
const tagIds = SIGNALS.filter((s) => s.dataType === 'float64')
  .concat(SIGNALS.filter((s) => s.dataType !== 'float64'))
  .slice(0, PENS)
  .map((s) => s.id)
const end = Date.now() - 60_000
process.stderr.write(`bench:trend: writing ${PENS} × ${POINTS.toLocaleString()} points…\n`)
prefill(dataDir, tagIds, end)
const host = await startBenchHost(dataDir)
const browser = await launchBenchChromium()
try {
  const page = await browser.newPage({ viewport: { width: 1600, height: 900 } })
  await page.goto(host.url)
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Trends' }).click()
  for (const id of tagIds) await page.getByRole('button', { name: `Add ${id}`, exact: true }).click()
  // The whole recording in view: 100,000 points per pen, drawn from buckets sized to the chart width.
  await page.getByRole('button', { name: 'Last 8 h' }).click()
  await page.waitForTimeout(2000)
  const decimated = await measurePanning(page)
  // Peer: a 10-minute window, drawn from every raw sample of the 20 pens.
  await page.getByRole('button', { name: 'Last 5 min' }).click()
  const chart = page.getByRole('img', { name: /^Trend of/ })
  await chart.focus()
  for (let i = 0; i < 6; i++) await page.keyboard.press('ArrowLeft')
  await page.waitForTimeout(2000)
  const raw = await measurePanning(page)
  const result = {
    pens: PENS,
    points_per_pen: POINTS,
    redraws: decimated.length,
    redraw_p50_ms: Number(([...decimated].sort((a, b) => a - b)[Math.floor(decimated.length / 2)] ?? NaN).toFixed(2)),
    redraw_p95_ms: Number(p95(decimated).toFixed(2)),
    raw_window_redraw_p95_ms: Number(p95(raw).toFixed(2)),
    target_ms: 16,
  }
  process.stdout.write(JSON.stringify(result) + '\n')
} finally {
  await browser.close()
  await host.stop()
  setTimeout(() => rmSync(dataDir, { recursive: true, force: true }), 2000)
}
