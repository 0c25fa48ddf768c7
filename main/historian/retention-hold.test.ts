import { describe, expect, it } from 'vitest'
import { openHistorian } from './index'
import { tempDir } from './test-helpers'

const HOUR = 3_600_000
const T0 = 1_700_000_000_000 - (1_700_000_000_000 % HOUR)

/** Ten hours of one sample every 10 s for each tag, in blocks of 60 samples (10 min). */
function recorded(file: string, now: () => number, tags: string[]) {
  const h = openHistorian({ file, flushIntervalMs: 0, retentionIntervalMs: 0, blockSamples: 60, retentionBatchRows: 4, now })
  for (let i = 0; i < 10 * 360; i++) for (const tag of tags) h.append(tag, T0 + i * 10_000, i)
  h.flush()
  return h
}

describe('retention held back for a consumer that has not got the samples (a real historian file)', () => {
  it('deletes by age only what the holder has, reports what it holds, keeps the hold across a restart, and a forced pass deletes the rest', async () => {
    const d = tempDir()
    const now = T0 + 10 * HOUR
    const h = recorded(d.file('h.otwh'), () => now, ['synced', 'behind', 'never'])
    h.setRetention({ maxAgeMs: 5 * HOUR })
    // 'synced' is in the tenant up to now − 1 h, 'behind' up to T0 + 2 h, 'never' is not listed: held whole.
    h.setRetentionHold({ holder: 'tenant T', syncedBefore: { synced: now - HOUR, behind: T0 + 2 * HOUR, unknown: T0 } })
    await h.enforceRetention()
    const [synced, behind, never] = h.queryRaw(['synced', 'behind', 'never'], 0, now)
    // Plain retention for the synced tag: blocks are deleted whole once their last sample is past the cutoff.
    expect(synced.t[0]).toBe(T0 + 5 * HOUR)
    // 'behind': only the blocks ending before T0 + 2 h went (the block of T0 + 1 h 50 min ends at 1 h 59 min 50 s).
    expect(behind.t[0]).toBe(T0 + 2 * HOUR)
    expect(never.t[0]).toBe(T0)
    const held = h.retentionHeld()!
    expect(held.holder).toBe('tenant T')
    expect(held.at).toBe(now)
    expect(held.overSizeCapBytes).toBe(0)
    // Held: 'never' from T0 up to the last block ending before the cutoff T0 + 5 h (30 blocks), 'behind' from T0 + 2 h (18 blocks).
    expect(held.tags).toEqual([
      { tagId: 'never', points: 30 * 60, from: T0, to: T0 + 5 * HOUR - 10_000 },
      { tagId: 'behind', points: 18 * 60, from: T0 + 2 * HOUR, to: T0 + 5 * HOUR - 10_000 },
    ])
    expect(held.points).toBe(48 * 60)
    h.close()

    // A crash or restart before the sync speaks again: the stored hold applies to the very first pass.
    const h2 = openHistorian({ file: d.file('h.otwh'), flushIntervalMs: 0, retentionIntervalMs: 0, now: () => now })
    expect(h2.getRetentionHold()).toEqual({ holder: 'tenant T', syncedBefore: { synced: now - HOUR, behind: T0 + 2 * HOUR } })
    await h2.enforceRetention()
    expect(h2.queryRaw(['never'], 0, now)[0].t.length).toBe(10 * 360)
    expect(h2.retentionHeld()!.points).toBe(48 * 60)

    // Forced: deletes exactly what retention at `at` deletes without the hold, and says what was held.
    const forced = await h2.forceRetention(now)
    expect(forced.held!.points).toBe(48 * 60)
    expect(forced.deleted).toBeGreaterThanOrEqual(48)
    const after = h2.queryRaw(['synced', 'behind', 'never'], 0, now)
    expect(after.map((s) => s.t[0])).toEqual([T0 + 5 * HOUR, T0 + 5 * HOUR, T0 + 5 * HOUR])
    // The hold stays for what comes later; nothing is held right now.
    expect(h2.retentionHeld()!.points).toBe(0)

    // Lifted: retention works as before.
    h2.setRetentionHold(null)
    expect(h2.getRetentionHold()).toBeNull()
    expect(h2.retentionHeld()).toBeNull()
    h2.close()
    d.remove()
  })

  it('under the size cap deletes only blocks the holder has and reports how far over the cap the held ones keep the file', async () => {
    const d = tempDir()
    const now = T0 + 10 * HOUR
    const h = recorded(d.file('s.otwh'), () => now, ['a', 'b'])
    const used = (h.database.pragma('page_count', { simple: true }) as number) * (h.database.pragma('page_size', { simple: true }) as number)
    h.setRetention({ maxBytes: Math.floor(used / 4) })
    // 'a' is synced up to T0 + 9 h; 'b' never.
    h.setRetentionHold({ holder: 'tenant T', syncedBefore: { a: T0 + 9 * HOUR } })
    await h.enforceRetention()
    const [a, b] = h.queryRaw(['a', 'b'], 0, now)
    expect(b.t.length).toBe(10 * 360)
    expect(a.t[0]).toBe(T0 + 9 * HOUR)
    const held = h.retentionHeld()!
    expect(held.overSizeCapBytes).toBeGreaterThan(0)
    // The oldest held blocks a pass would have to delete: all of 'b' from T0 first, of 'a' only what it has not got.
    expect(held.tags[0]).toMatchObject({ tagId: 'b', from: T0 })
    for (const t of held.tags.slice(1)) expect(t).toMatchObject({ tagId: 'a', from: T0 + 9 * HOUR })
    expect(held.points).toBeGreaterThan(0)
    expect(held.points).toBeLessThanOrEqual(10 * 360 + 360)
    h.close()
    d.remove()
  })
})
