import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { describe, it, expect } from 'vitest'
import { openHistorian } from './index'
import { openDatabase } from '../database/sqlite'
import { tempDir } from './test-helpers'

const ROOT = join(__dirname, '..', '..')
const T0 = 1_700_000_000_000

describe('crash safety', () => {
  it('survives SIGKILL mid-ingest: integrity ok, loses at most the unflushed samples', async () => {
    const d = tempDir()
    const file = d.file('crash.otwh')
    // `node --import tsx` (not the tsx CLI, which runs the script in a grandchild) so SIGKILL hits the writer itself.
    const child = spawn(join(ROOT, 'node_modules/.bin/node'), ['--import', 'tsx', join(__dirname, 'test-fixtures/crash-writer.ts'), file], {
      cwd: ROOT,
      env: { ...process.env, PATH: `${join(ROOT, 'node_modules/.bin')}:${process.env.PATH}` },
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    let last = { appended: 0, buffered: 0, flushes: 0 }
    let pending = ''
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)))
    await new Promise<void>((resolve, reject) => {
      child.on('error', reject)
      child.stdout.on('data', (chunk: Buffer) => {
        pending += chunk.toString()
        const lines = pending.split('\n')
        pending = lines.pop() ?? ''
        for (const line of lines) {
          const [appended, buffered, flushes] = line.split(' ').map(Number)
          last = { appended, buffered, flushes }
          // Kill mid-ingest, once several timer flushes have landed, at an unaligned moment.
          if (flushes >= 5 && appended % 7 !== 0) {
            child.kill('SIGKILL')
            resolve()
          }
        }
      })
    })
    expect(await exited).toBe('SIGKILL')

    const db = openDatabase(file)
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok')
    db.close()
    const h = openHistorian({ file, flushIntervalMs: 0, retentionIntervalMs: 0 })
    const stored = h.stats().storedSamples
    // Everything flushed before the last report is there; at most the then-unflushed samples are missing.
    expect(stored).toBeGreaterThanOrEqual(last.appended - last.buffered)
    expect(last.appended - stored).toBeLessThanOrEqual(last.buffered)
    // What survived is an exact, gap-free prefix for every tag.
    for (const s of h.queryRaw(['Crash.T0', 'Crash.T19'], T0, T0 + 1e9)) {
      const tag = Number(s.tagId.slice(7))
      for (let i = 0; i < s.t.length; i++) {
        if (s.t[i] !== T0 + i * 10 || s.v[i] !== i * 0.5 + tag) throw new Error(`sample ${i} of ${s.tagId} is wrong`)
      }
    }
    // The file accepts new writes after the crash.
    h.append('Crash.T0', T0 + 1e9, 1)
    h.close()
    d.remove()
  }, 30_000)
})
