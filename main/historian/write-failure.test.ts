import { describe, it, expect } from 'vitest'
import { openHistorian, type HistorianErrorEvent } from './index'
import { tempDir } from './test-helpers'

const T0 = 1_700_000_000_000

async function until(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((r) => setTimeout(r, 10))
}

describe('failing writes keep data buffered', () => {
  it('disk full (SQLITE_FULL via max_page_count): reports, pauses, buffers, then writes everything after it clears', async () => {
    const d = tempDir()
    const errors: HistorianErrorEvent[] = []
    const file = d.file('full.otwh')
    const h = openHistorian({ file, flushIntervalMs: 20, retryBaseMs: 500, retryMaxMs: 500, retentionIntervalMs: 0, onError: (e) => errors.push(e) })
    h.append('Tank.Level', T0, 1)
    h.flush()
    const pages = h.database.pragma('page_count', { simple: true }) as number
    h.database.pragma(`max_page_count = ${pages}`) // simulate a full disk: no page may be added
    let x = 0
    for (let i = 1; i <= 50_000; i++) {
      x += Math.random() - 0.5
      h.append(`Tank.T${i % 50}`, T0 + i * 100, x)
    }
    const r = h.flush()
    expect(r.ok).toBe(false)
    expect(errors.length).toBeGreaterThan(0)
    expect(errors[0].code).toBe('SQLITE_FULL')
    expect(errors[0].message).toContain(file)
    expect(errors[0].message).toMatch(/full/i)
    expect(errors[0].message).toMatch(/free disk space/)
    expect(errors[0].message).toMatch(/nothing was dropped/)
    expect(h.stats().bufferedSamples).toBe(50_000)
    expect(h.stats().paused).toBe(true)
    // ingest continues while paused
    for (let i = 50_001; i <= 50_100; i++) h.append('Tank.T1', T0 + i * 100, i)
    expect(h.stats().bufferedSamples).toBe(50_100)
    h.database.pragma('max_page_count = 1073741823') // space freed
    await until(() => h.stats().bufferedSamples === 0) // the timer retries by itself
    expect(h.stats().storedSamples).toBe(1 + 50_100)
    expect(h.queryRaw(['Tank.T1'], T0, T0 + 1e9)[0].t.length).toBe(1000 + 100)
    h.close()
    d.remove()
  })

  it('read-only database: clear error, nothing dropped, data arrives once writable', () => {
    const d = tempDir()
    const errors: HistorianErrorEvent[] = []
    const h = openHistorian({ file: d.file('ro.otwh'), flushIntervalMs: 0, retentionIntervalMs: 0, onError: (e) => errors.push(e) })
    h.setTagConfig('A', { unit: 'bar' })
    h.database.pragma('query_only = ON') // root ignores chmod; this makes SQLite refuse writes the same way
    for (let i = 0; i < 1000; i++) h.append('A', T0 + i, i)
    h.append('NewTag', T0, 1) // a tag that still has to be created in the file
    expect(h.flush().ok).toBe(false)
    expect(errors[0].message).toMatch(/read-only|readonly/i)
    expect(h.stats().bufferedSamples).toBe(1001)
    expect(() => h.close()).toThrow(/kept in memory/)
    h.database.pragma('query_only = OFF')
    expect(h.flush().ok).toBe(true)
    expect(h.queryRaw(['A', 'NewTag'], T0, T0 + 1000).map((s) => s.t.length)).toEqual([1000, 1])
    h.close()
    d.remove()
  })

  it('throws loudly instead of dropping once the pending cap is reached', () => {
    const d = tempDir()
    const h = openHistorian({
      file: d.file('cap.otwh'),
      flushIntervalMs: 0,
      retentionIntervalMs: 0,
      maxPendingSamples: 100,
      flushAtSamples: 50,
      onError: () => undefined,
    })
    h.database.pragma('query_only = ON')
    for (let i = 0; i < 100; i++) h.append('A', T0 + i, i)
    expect(() => h.append('A', T0 + 100, 1)).toThrow(/was not recorded/)
    h.database.pragma('query_only = OFF')
    h.close()
    d.remove()
  })
})
