// Offline first: the historian is the sync's buffer, so its retention must not delete samples the tenant has not
// received without saying so first. This finds, per tag, the samples not yet synced (after the tag's cursor) that
// retention deletes within `aheadMs` (its cutoff then: now + aheadMs − the tag's or the global max age).
import type { RetentionPolicy, TagConfig } from '../historian'
import type { SyncCursor } from './sync-cursor-store'

export interface RetentionSource {
  tagIds(): string[] | Promise<string[]>
  getRetention(): RetentionPolicy | Promise<RetentionPolicy>
  getTagConfig(tagId: string): TagConfig | null | Promise<TagConfig | null>
  countRaw(items: readonly (readonly [string, number])[], to: number): number[] | Promise<number[]>
}

export interface UnsyncedAtRisk {
  /** Samples not in the tenant that retention deletes within the window. */
  points: number
  tags: string[]
  /** When retention reaches the oldest of them (ms since 1970; ≤ now: it is due now). */
  firstDeletionAt: number | null
}

export async function unsyncedBeforeRetention(
  source: RetentionSource,
  cursors: ReadonlyMap<string, SyncCursor>,
  now: number,
  aheadMs = 86_400_000,
): Promise<UnsyncedAtRisk> {
  const policy = await source.getRetention()
  const risk: UnsyncedAtRisk = { points: 0, tags: [], firstDeletionAt: null }
  for (const tagId of await source.tagIds()) {
    const maxAge = (await source.getTagConfig(tagId))?.retentionMs ?? policy.maxAgeMs ?? null
    if (maxAge === null || maxAge === undefined) continue
    const cutoff = now + aheadMs - maxAge
    const cursor = cursors.get(tagId)
    if (cursor && cursor.lastT >= cutoff) continue
    // Samples in [cursor, cutoff) not yet sent (those at the cursor's time that were sent are taken off).
    const [n] = await source.countRaw([[tagId, cursor?.lastT ?? 0]], cutoff - 1)
    const points = n - (cursor?.countAtT ?? 0)
    if (points <= 0) continue
    risk.points += points
    risk.tags.push(tagId)
    const deletion = (cursor?.lastT ?? cutoff - aheadMs) + maxAge
    risk.firstDeletionAt = risk.firstDeletionAt === null ? deletion : Math.min(risk.firstDeletionAt, deletion)
  }
  return risk
}
