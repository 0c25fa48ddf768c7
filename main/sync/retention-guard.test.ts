import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { openHistorian } from '../historian'
import { SyncCursorStore } from './sync-cursor-store'
import { unsyncedBeforeRetention } from './retention-guard'

describe('retention against the sync cursors (a real historian file and sync.db)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'otw-retention-guard-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('counts the samples not yet in the tenant that retention deletes within a day, per tag age, sent ones left out', async () => {
    const DAY = 86_400_000
    const now = Date.UTC(2026, 11, 2, 12)
    const h = openHistorian({ file: join(dir, 'h.otwh'), flushIntervalMs: 0, retentionIntervalMs: 0 })
    // Three days of one sample an hour for three tags.
    for (let t = now - 3 * DAY; t < now; t += 3_600_000) for (const tag of ['a/synced', 'a/behind', 'b/never']) h.append(tag, t, 1)
    h.flush()
    h.setRetention({ maxAgeMs: 3 * DAY })
    h.setTagConfig('b/never', { retentionMs: 10 * DAY })
    const store = new SyncCursorStore(join(dir, 'sync.db'))
    store.advance(
      'k',
      new Map([
        ['a/synced', { lastT: now - 3_600_000, countAtT: 1, sent: 72 }],
        ['a/behind', { lastT: now - 3 * DAY + 5 * 3_600_000, countAtT: 1, sent: 6 }],
      ]),
    )
    const risk = await unsyncedBeforeRetention(h, store.all('k'), now)
    // a/behind: cutoff = now + 1 day − 3 days = now − 2 days; unsent samples from −3 d + 6 h up to it: 18.
    expect(risk).toEqual({ points: 18, tags: ['a/behind'], firstDeletionAt: now + 5 * 3_600_000 })
    // Nothing at risk once the tag is synced past the cutoff.
    store.advance('k', new Map([['a/behind', { lastT: now - 3_600_000, countAtT: 1, sent: 66 }]]))
    expect((await unsyncedBeforeRetention(h, store.all('k'), now)).points).toBe(0)
    store.close()
    h.close()
  })
})
