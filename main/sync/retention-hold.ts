// Retention never deletes what the tenant has not got without a person saying so: the tenant set up in sync.db holds
// the historian's retention at its cursors (per tag, blocks ending before the cursor may go), and a forced deletion of
// the held samples is confirmed and written to the audit log. No tenant set up: no hold, retention as before.
import type { ForcedRetention, RetentionHeld, RetentionHold } from '../historian'
import { describeTarget, targetKey } from '../deploy/tenant/tenant-target'
import type { SyncCursorStore } from './sync-cursor-store'

/** The historian calls the hold needs (the historian itself, or the threaded one). */
export interface HoldingHistorian {
  setRetentionHold(hold: RetentionHold | null): void | Promise<void>
  retentionHeld(now?: number): RetentionHeld | null | Promise<RetentionHeld | null>
  forceRetention(at: number): Promise<ForcedRetention>
}

/** Appends one row to the app's audit log (workbench.db `write_audit`); returns its id. */
export interface RetentionAudit {
  append(entry: {
    time: number
    user: string
    connectionId: string
    connectionName: string
    tagId: string
    address: string | null
    oldValue: unknown
    newValue: unknown
    result: 'ok' | 'failed' | 'refused'
    message: string
  }): number
}

export interface ForcedRetentionResult {
  /** Held samples deleted. */
  points: number
  tags: number
  from: number | null
  to: number | null
  auditId: number
  message: string
}

export class RetentionHoldError extends Error {}

/** The hold for the tenant set up in sync.db at its committed cursors; null when no tenant is set up. */
export function tenantHold(store: SyncCursorStore): RetentionHold | null {
  const stored = store.getTarget()
  if (!stored) return null
  const syncedBefore: Record<string, number> = {}
  // Every sample before a tag's cursor time is committed in the tenant (those at the time itself may not all be).
  for (const [tagId, cursor] of store.all(targetKey(stored))) syncedBefore[tagId] = cursor.lastT
  return { holder: `tenant ${describeTarget(stored)}`, syncedBefore }
}

/** Writes the current hold into the historian (persisted there, so a crash before the next refresh still holds). */
export async function refreshRetentionHold(historian: HoldingHistorian, store: SyncCursorStore): Promise<RetentionHold | null> {
  const hold = tenantHold(store)
  await historian.setRetentionHold(hold)
  return hold
}

function iso(t: number | null): string {
  return t === null ? '?' : new Date(t).toISOString()
}

export function heldRange(held: RetentionHeld): { from: number | null; to: number | null } {
  if (held.tags.length === 0) return { from: null, to: null }
  return { from: Math.min(...held.tags.map((t) => t.from)), to: Math.max(...held.tags.map((t) => t.to)) }
}

export function heldTagNames(held: RetentionHeld, max = 5): string {
  const names = held.tags.slice(0, max).map((t) => t.tagId)
  return names.join(', ') + (held.tags.length > max ? ` and ${held.tags.length - max} more` : '')
}

/** The notice: how many samples of which tags are held, for whom, and what to do. */
export function describeHeld(held: RetentionHeld, syncState: string): string {
  const { from, to } = heldRange(held)
  const size = held.overSizeCapBytes > 0 ? `; the file is kept ${Math.ceil(held.overSizeCapBytes / 1_048_576)} MB over its size cap for them` : ''
  return (
    `Historian retention is holding back ${held.points.toLocaleString('en-US')} samples of ${held.tags.length} tag${held.tags.length === 1 ? '' : 's'} ` +
    `(${heldTagNames(held)}; ${iso(from)} to ${iso(to)}) that the ${held.holder} has not got yet (sync: ${syncState})${size}. ` +
    `They are kept until the sync sends them, so the historian grows past its retention meanwhile — bring the tenant back, ` +
    `or delete them anyway with Deploy → Tenant → "Delete held samples…" or \`otw sync --force-retention --yes\``
  )
}

/**
 * Deletes the samples held at `at` (a report's time, so the person deletes what they saw) and audits it: who, when,
 * which range and tags, how many. `confirmedPoints`: the count the person confirmed; more held now is refused.
 */
export async function forceHeldRetention(options: {
  historian: HoldingHistorian
  store: SyncCursorStore
  audit: RetentionAudit
  user: string
  at: number
  confirmedPoints?: number
  now?: number
}): Promise<ForcedRetentionResult> {
  const now = options.now ?? Date.now()
  if (!options.store.getTarget()) throw new RetentionHoldError('No tenant sync is set up, so retention holds nothing back — there is nothing to force')
  if (options.at > now) throw new RetentionHoldError(`The retention time ${iso(options.at)} is in the future — force what a retention pass reported`)
  // The latest cursors first: what the sync sent meanwhile is not force-deleted, it goes the normal way.
  await refreshRetentionHold(options.historian, options.store)
  const before = await options.historian.retentionHeld(options.at)
  if (!before || (before.points === 0 && before.overSizeCapBytes === 0))
    throw new RetentionHoldError('Retention holds nothing back any more (the sync sent it) — nothing deleted')
  if (options.confirmedPoints !== undefined && before.points > options.confirmedPoints)
    throw new RetentionHoldError(
      `${before.points} samples are held now, more than the ${options.confirmedPoints} confirmed — look at the held samples again and confirm those`,
    )
  const entry = (result: 'ok' | 'failed', held: RetentionHeld, message: string) => {
    const { from, to } = heldRange(held)
    return options.audit.append({
      time: now,
      user: options.user,
      connectionId: 'historian',
      connectionName: 'Historian retention',
      tagId: heldTagNames(held),
      address: `held for the ${held.holder}`,
      oldValue: null,
      newValue: {
        points: held.points,
        tags: held.tags.length,
        from: from === null ? null : iso(from),
        to: to === null ? null : iso(to),
        overSizeCapBytes: held.overSizeCapBytes,
        perTag: held.tags.map((t) => `${t.tagId}: ${t.points} (${iso(t.from)}..${iso(t.to)})`),
      },
      result,
      message,
    })
  }
  let forced: ForcedRetention
  try {
    forced = await options.historian.forceRetention(options.at)
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    entry('failed', before, `Forced retention failed: ${reason}`)
    throw error
  }
  const held = forced.held ?? before
  const { from, to } = heldRange(held)
  const message = `Forced retention: deleted ${held.points} held samples of ${held.tags.length} tags (${iso(from)} to ${iso(to)}) that the ${held.holder} had not got`
  const auditId = entry('ok', held, message)
  return { points: held.points, tags: held.tags.length, from, to, auditId, message }
}
