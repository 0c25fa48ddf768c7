import { describe, it, expect } from 'vitest'
import { openHistorian } from './index'
import { tempDir } from './test-helpers'

const HOUR = 3_600_000
const T0 = 1_700_000_000_000 - (1_700_000_000_000 % HOUR)

describe('retention', () => {
  it('deletes raw blocks and 1 s rollups older than the per-tag or global age, in batches', async () => {
    const d = tempDir()
    let now = T0 + 10 * HOUR
    const h = openHistorian({
      file: d.file('r.otwh'),
      flushIntervalMs: 0,
      retentionIntervalMs: 0,
      blockSamples: 64,
      retentionBatchRows: 3,
      now: () => now,
      rollupWidthsMs: [1000, 60_000, 3_600_000],
    })
    h.setTagConfig('Short', { retentionMs: 2 * HOUR })
    for (let i = 0; i < 10 * 360; i++) {
      h.append('Short', T0 + i * 10_000, i)
      h.append('Long', T0 + i * 10_000, i)
      if (i % 100 === 0) h.flush()
    }
    h.flush()
    h.setRetention({ maxAgeMs: 5 * HOUR, rollupMaxAgeMs: { 60_000: 6 * HOUR } })
    const deleted = await h.enforceRetention()
    expect(deleted).toBeGreaterThan(0)
    const [short, long] = h.queryRaw(['Short', 'Long'], 0, now)
    // blocks are deleted whole once their last sample is past the cutoff
    expect(short.t[0]).toBeGreaterThanOrEqual(now - 2 * HOUR - 64 * 10_000)
    expect(short.t[0]).toBeLessThanOrEqual(now - 2 * HOUR)
    expect(long.t[0]).toBeGreaterThanOrEqual(now - 5 * HOUR - 64 * 10_000)
    expect(long.t[0]).toBeLessThanOrEqual(now - 5 * HOUR)
    expect(long.t[long.t.length - 1]).toBe(T0 + 3599 * 10_000)
    const minuteOldest = h.database.prepare<{ b: number }>('SELECT min(bucket) AS b FROM rollups WHERE width_ms = 60000').get()!.b
    expect(minuteOldest).toBeGreaterThanOrEqual(now - 6 * HOUR - 60_000)
    const hourOldest = h.database.prepare<{ b: number }>('SELECT min(bucket) AS b FROM rollups WHERE width_ms = 3600000').get()!.b
    expect(hourOldest).toBe(T0) // kept: no age given for 1 h
    // the policy is persisted in the file
    now += HOUR
    h.close()
    const h2 = openHistorian({ file: d.file('r.otwh'), flushIntervalMs: 0, retentionIntervalMs: 0, now: () => now })
    await h2.enforceRetention()
    expect(h2.queryRaw(['Long'], 0, now)[0].t[0]).toBeGreaterThanOrEqual(now - 5 * HOUR - 64 * 10_000)
    h2.close()
    d.remove()
  })

  it('deletes the oldest blocks while the used size exceeds maxBytes', async () => {
    const d = tempDir()
    const h = openHistorian({ file: d.file('s.otwh'), flushIntervalMs: 0, retentionIntervalMs: 0, blockSamples: 256, rollupWidthsMs: [3_600_000] })
    let x = 0
    for (let i = 0; i < 200_000; i++) {
      x += Math.sin(i * 0.37) * Math.random()
      h.append(`Tag${i % 10}`, T0 + Math.floor(i / 10) * 100, x)
    }
    h.flush()
    const before = h.stats().usedBytes
    h.setRetention({ maxBytes: Math.floor(before / 2) })
    await h.enforceRetention()
    const after = h.stats()
    expect(after.usedBytes).toBeLessThanOrEqual(before / 2)
    expect(after.storedSamples).toBeGreaterThan(0)
    expect(after.storedSamples).toBeLessThan(200_000)
    // what remains is the newest data
    const [s] = h.queryRaw(['Tag0'], 0, T0 + 10_000_000)
    expect(s.t[s.t.length - 1]).toBe(T0 + 19_999 * 100)
    h.close()
    d.remove()
  })
})
