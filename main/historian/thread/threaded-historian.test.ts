import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { TagValue } from '../../../preload/contract'
import { openHistorian } from '..'
import { ThreadedHistorian, type ThreadedHistorianOptions } from './threaded-historian'

const ROOT = resolve(import.meta.dirname, '../../..')
const T0 = 1_700_000_000_000

const values = (tagId: string, from: number, count: number, step = 100): TagValue[] =>
  Array.from({ length: count }, (_, i) => ({ tagId, value: i, quality: { status: 'good' }, sourceTime: from + i * step, receiveTime: from + i * step }))

/** The values in the file, read by a plain historian after the threaded one is gone (the closing "no data" mark aside). */
function storedCount(file: string, tagId: string): number {
  const h = openHistorian({ file, flushIntervalMs: 0, retentionIntervalMs: 0 })
  try {
    const { v } = h.queryRaw([tagId], 0, 2 ** 45)[0]
    expect(v[v.length - 1], 'a clean close ends with a NaN mark').toBeNaN()
    return v.length - 1
  } finally {
    h.close()
  }
}

describe('ThreadedHistorian (writes on a worker thread)', () => {
  const dirs: string[] = []
  const open: ThreadedHistorian[] = []
  const start = (options: Partial<ThreadedHistorianOptions> = {}): { historian: ThreadedHistorian; file: string; notices: string[] } => {
    const dir = mkdtempSync(join(tmpdir(), 'otw-threaded-'))
    dirs.push(dir)
    const notices: string[] = []
    const file = join(dir, 'h.otwh')
    const historian = new ThreadedHistorian({ file, onNotice: (_level, message) => notices.push(message), ...options })
    open.push(historian)
    return { historian, file, notices }
  }
  afterEach(async () => {
    for (const h of open.splice(0)) await h.close().catch(() => undefined)
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
  })

  it('records live values that queries see before and after the flush, with quality, gaps and reasons', async () => {
    const { historian } = start({ flushIntervalMs: 60_000 })
    historian.record(values('Line1.Speed', T0, 50))
    historian.record([
      { tagId: 'Line1.Running', value: true, quality: { status: 'good' }, sourceTime: T0, receiveTime: T0 },
      { tagId: 'Line1.Running', value: null, quality: { status: 'bad', reason: 'comm lost' }, sourceTime: T0 + 100, receiveTime: T0 + 100 },
      { tagId: 'Line1.Recipe', value: 'A12', quality: { status: 'good' }, sourceTime: T0, receiveTime: T0 },
      { tagId: 'Line1.Speed', value: 99, quality: { status: 'good' }, sourceTime: T0 + 10_000, receiveTime: T0 + 10_000, stale: true },
    ])
    // Buffered on the thread, not yet in the file: queries see them already.
    const [speed, running, recipe] = await historian.queryRaw(['Line1.Speed', 'Line1.Running', 'Line1.Recipe'], T0, 2 ** 45)
    // A stale value (its connection was lost) is not recorded; it ends the recording: a NaN "no data" mark, now.
    expect(Array.from(speed.v.subarray(0, 50))).toEqual(Array.from({ length: 50 }, (_, i) => i))
    expect(speed.v).toHaveLength(51)
    expect(speed.v[50]).toBeNaN()
    expect(speed.t[50]).toBeGreaterThan(T0 + 10_000)
    expect(running.v[0]).toBe(1)
    expect(running.v[1]).toBeNaN()
    expect(running.q[1]).toBe(2)
    expect(running.qualityChanges.at(-1)?.reason).toBe('comm lost')
    expect(recipe.t).toHaveLength(0)
    const flushed = await historian.flush()
    expect(flushed).toMatchObject({ ok: true, samples: 53 })
    expect(historian.heldSamples()).toBe(0)
    const [buckets] = await historian.queryBuckets(['Line1.Speed'], T0, T0 + 5000, 5)
    expect(Array.from(buckets.count)).toEqual([10, 10, 10, 10, 10])
    expect((await historian.stats()).storedSamples).toBe(53)
  })

  it('answers the reads of the OEE service: raw samples and the sample before a time', async () => {
    const { historian } = start()
    historian.record(values('Line1.State', T0, 10, 1000))
    const [raw] = await historian.queryRaw(['Line1.State'], T0, T0 + 20_000)
    expect(raw.t).toHaveLength(10)
    expect((await historian.valueAt(['Line1.State'], T0 + 4500))[0]).toMatchObject({ t: T0 + 4000, v: 4 })
  })

  it('writes everything still buffered when it closes', async () => {
    const { historian, file } = start({ flushIntervalMs: 60_000 })
    historian.record(values('A', T0, 1000))
    await historian.close()
    expect(storedCount(file, 'A')).toBe(1000)
  })

  it('restarts a writer thread that died, with a notice, and records the unflushed samples again without duplicates', async () => {
    const { historian, file, notices } = start({ flushIntervalMs: 60_000 })
    historian.record(values('A', T0, 300))
    expect(await historian.flush()).toMatchObject({ ok: true, samples: 300 })
    historian.record(values('A', T0 + 30_000, 200))
    historian.record(values('B', T0, 50))
    // The thread has them in its buffer (a query sees them), and then it dies with its memory.
    expect((await historian.queryRaw(['A'], 0, 2 ** 45))[0].t).toHaveLength(500)
    expect(historian.heldSamples()).toBe(250)
    const first = historian.thread!
    const pending = historian.stats()
    await first.terminate()
    // A request in flight either got its answer before the thread died or fails saying so; it never hangs.
    const outcome = await pending.then(
      () => 'answered',
      (error: unknown) => (error instanceof Error ? error.message : String(error)),
    )
    expect(outcome).toMatch(/^answered$|writer thread stopped/)
    expect(notices.join('\n')).toMatch(/writer thread stopped .* restart.*250 samples not yet written are kept/)
    await expect.poll(() => historian.thread !== undefined && historian.thread !== first, { timeout: 10_000 }).toBe(true)
    await historian.whenReady()
    // Recorded while the thread was away, then everything arrives once.
    historian.record(values('A', T0 + 60_000, 10))
    const [a, b] = await historian.queryRaw(['A', 'B'], 0, 2 ** 45)
    expect(a.t).toHaveLength(510)
    expect(b.t).toHaveLength(50)
    await historian.close()
    expect(storedCount(file, 'A')).toBe(510)
    expect(storedCount(file, 'B')).toBe(50)
  })

  it('writes what it holds when closed while a dead thread waits to be restarted', async () => {
    const { historian, file } = start({ flushIntervalMs: 60_000 })
    historian.record(values('A', T0, 120))
    await historian.whenReady()
    await historian.thread!.terminate()
    expect(historian.thread).toBeUndefined()
    await historian.close()
    expect(storedCount(file, 'A')).toBe(120)
  })

  it('tells what is wrong when the file cannot be opened, and keeps the samples', async () => {
    const { historian, file, notices } = start({ flushIntervalMs: 60_000 })
    await historian.close()
    writeFileSync(file, 'this is not a historian file '.repeat(200))
    const broken = new ThreadedHistorian({ file, onNotice: (_level, message) => notices.push(message) })
    open.push(broken)
    broken.record(values('A', T0, 5))
    await expect(broken.whenReady()).rejects.toThrow(/not a database|file is not/)
    await expect.poll(() => notices.join('\n'), { timeout: 10_000 }).toMatch(/could not open the file: .*not a database.*5 samples not yet written are kept/)
    // The 5 values and the "recording stopped" mark.
    await expect(broken.close()).rejects.toThrow(/6 samples could not be written/)
  })

  it('loses at most the unflushed interval when the process is killed (SIGKILL)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'otw-threaded-kill-'))
    dirs.push(dir)
    const file = join(dir, 'h.otwh')
    const script = join(dir, 'writer.ts')
    writeFileSync(
      script,
      `import { ThreadedHistorian } from ${JSON.stringify(join(ROOT, 'main/historian/thread/threaded-historian.ts'))}
const h = new ThreadedHistorian({ file: ${JSON.stringify(file)}, flushIntervalMs: 200 })
let t = ${T0}
let i = 0
setInterval(() => {
  const batch = []
  for (let k = 0; k < 100; k++) batch.push({ tagId: 'K', value: i++, quality: { status: 'good' }, sourceTime: t++, receiveTime: 0 })
  h.record(batch)
}, 5)
setInterval(async () => {
  const s = await h.stats()
  process.stdout.write('stored ' + s.storedSamples + '\\n')
}, 300)
`,
    )
    const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    const stored = await new Promise<number>((resolveStored, reject) => {
      child.stdout.on('data', (d) => {
        out += String(d)
        const counts = [...out.matchAll(/stored (\d+)/g)].map((m) => Number(m[1]))
        if (counts.length >= 3 && counts.at(-1)! > 0) resolveStored(counts.at(-1)!)
      })
      child.once('exit', (code) => reject(new Error(`writer exited with ${code}: ${out}`)))
    })
    const exited = new Promise((r) => child.once('exit', r))
    child.kill('SIGKILL')
    await exited
    const h = openHistorian({ file, flushIntervalMs: 0, retentionIntervalMs: 0 })
    try {
      expect(h.database.pragma('integrity_check', { simple: true })).toBe('ok')
      const [k] = h.queryRaw(['K'], 0, 2 ** 45)
      // Everything committed before the kill is there, in order and without holes.
      expect(k.t.length).toBeGreaterThanOrEqual(stored)
      expect(k.v[k.v.length - 1]).toBe(k.v.length - 1)
    } finally {
      h.close()
    }
  })
})
