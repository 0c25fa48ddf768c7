// What the in-browser benchmarks (trend redraw, labeling drag, vision grid) share: a headless host started from source,
// Debian's Chromium, the renderer built when stale, and a percentile.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { readdirSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { type Browser, chromium } from '@playwright/test'

export const ROOT = resolve(import.meta.dirname, '../..')

export const percentile = (values: number[], q: number): number => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? NaN
}

function newestMtime(dir: string, only = /./): number {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = join(dir, entry.name)
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(file, only))
    else if (only.test(entry.name)) newest = Math.max(newest, statSync(file).mtimeMs)
  }
  return newest
}

/** Builds the renderer when out/renderer is missing or older than its sources; `label` names the bench in the message. */
export function ensureRendererBuilt(label: string): void {
  let built = 0
  try {
    built = statSync(join(ROOT, 'out/renderer/index.html')).mtimeMs
  } catch {
    built = 0
  }
  const sources = Math.max(
    newestMtime(join(ROOT, 'renderer/src')),
    statSync(join(ROOT, 'renderer/index.html')).mtimeMs,
    newestMtime(join(ROOT, 'preload/contract'), /\.ts$/),
  )
  if (built >= sources) return
  process.stderr.write(`${label}: building the renderer (electron-vite build)…\n`)
  const run = spawnSync(join(ROOT, 'node_modules/.bin/electron-vite'), ['build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] })
  if (run.status !== 0) throw new Error(`electron-vite build failed with exit code ${run.status} — run it by hand to see why`)
}

export interface BenchHost {
  url: string
  /** Ctrl+C, then at most 10 s for the host to write its last samples before it is killed. */
  stop(): Promise<void>
}

/** `otw serve` from source on free ports with `dataDir`; resolves with the tokened URL it prints. */
export async function startBenchHost(dataDir: string): Promise<BenchHost> {
  const child: ChildProcess = spawn(
    process.execPath,
    [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), join(ROOT, 'main/cli.ts'), 'serve', '--port', '0', '--demo-ports', 'auto', '--data-dir', dataDir],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
  )
  let out = ''
  const url = await new Promise<string>((resolveUrl, reject) => {
    child.stdout?.on('data', (d) => {
      out += String(d)
      const m = /Open (http:\/\/\S+)/.exec(out)
      if (m) resolveUrl(m[1])
    })
    child.once('exit', (code) => reject(new Error(`otw serve exited with ${code}`)))
  })
  return {
    url,
    stop: async () => {
      const exited = new Promise((r) => child.once('exit', r))
      child.kill('SIGINT')
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))])
      if (child.exitCode === null) child.kill('SIGKILL')
    },
  }
}

/** Debian's Chromium (OTW_CHROMIUM to use another), headless, without background traffic that would disturb timings. */
export function launchBenchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.OTW_CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
}
