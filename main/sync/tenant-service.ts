// The tenant and its sync inside the app: the stored target (secrets sealed), plan/provision, and one sync on its own
// worker thread (threaded-sync.ts) reading the app's threaded historian (queries run on the historian thread; the main
// thread only relays them) and the tag model (ISA-95 path, unit, range… for the tenant's `tags`).
import { join } from 'node:path'
import type { SecretBox } from '../secrets/secret-box'
import type { RetentionHeldView, SyncStatus, TenantPlan, TenantStatus, TenantTarget, TenantTargetView } from '../../preload/contract/tenant'
import type { RetentionHeld } from '../historian'
import { connectTenant, explainTenantError, TenantError, withTenant } from '../deploy/tenant/tenant-connection'
import { latestTenantVersion } from '../deploy/tenant/tenant-migrations'
import { planTenant, provisionTenant, tenantVersion } from '../deploy/tenant/tenant-provision'
import { describeTarget, openTarget, sealTarget, targetKey } from '../deploy/tenant/tenant-target'
import { SyncCursorStore } from './sync-cursor-store'
import { syncStatusAtStart } from './sync-status'
import type { HistorianSource, TenantTagMeta } from './tenant-sync'
import { ThreadedSync } from './threaded-sync'
import { unsyncedBeforeRetention, type RetentionSource, type UnsyncedAtRisk } from './retention-guard'
import {
  describeHeld,
  forceHeldRetention,
  heldRange,
  refreshRetentionHold,
  RetentionHoldError,
  type ForcedRetentionResult,
  type HoldingHistorian,
  type RetentionAudit,
} from './retention-hold'

/** The held samples as the contract shows them (`maxTags` most held tags listed). */
export function heldView(held: RetentionHeld, maxTags = Number.POSITIVE_INFINITY): RetentionHeldView {
  return { ...held, ...heldRange(held), tagCount: held.tags.length, tags: held.tags.slice(0, maxTags) }
}

export class TenantService {
  private readonly store: SyncCursorStore
  private sync: ThreadedSync | null = null

  constructor(
    private readonly options: {
      dataDir: string
      box: SecretBox
      historian: HistorianSource & Partial<RetentionSource> & Partial<HoldingHistorian>
      /** The app's audit log (a forced retention is written there) and who the app runs as. */
      audit?: () => RetentionAudit
      user?: string
      /** The tag model's description of tags (the workbench's connections). */
      tagMeta?: (tagIds: readonly string[]) => Record<string, TenantTagMeta>
      onNotice?: (level: 'error' | 'warning' | 'info', message: string, code: string) => void
      /** Takes back kept notices of these codes (a removed tenant's retention warnings). */
      withdrawNotices?: (codes: readonly string[]) => void
      /** Tests: a faster loop. */
      sync?: { intervalMs?: number; horizonMs?: number; batchRows?: number }
    },
  ) {
    this.store = new SyncCursorStore(join(options.dataDir, 'sync.db'))
    if (this.store.getTarget()) this.startSync()
    // The historian's stored hold already applies; this brings it up to the cursors (or lifts it: no tenant set up).
    this.holdRefreshed = this.refreshHold().catch(() => undefined)
    this.retentionTimer = setInterval(() => void this.checkRetention().catch(() => undefined), 60_000)
    this.retentionTimer.unref()
    // The historian's retention runs every 10 s; what it held shows as soon as it held it.
    this.heldTimer = setInterval(() => void this.checkHeld().catch(() => undefined), 10_000)
    this.heldTimer.unref()
  }

  private readonly retentionTimer: NodeJS.Timeout
  private readonly heldTimer: NodeJS.Timeout
  private lastRetentionNotice = 0
  private lastHeldNotice = 0
  private held: RetentionHeld | null = null
  private holdRefreshed: Promise<unknown>

  private holding(): HoldingHistorian | null {
    const h = this.options.historian
    return h.setRetentionHold && h.retentionHeld && h.forceRetention ? (h as HoldingHistorian) : null
  }

  /** Moves the historian's retention hold to the tenant's committed cursors (samples before them may go). */
  async refreshHold(): Promise<void> {
    const h = this.holding()
    if (!h) return
    await refreshRetentionHold(h, this.store)
  }

  /**
   * What retention holds back for the tenant, from the historian's last pass: a warning notice (at once, then at
   * most hourly while it lasts) says how many samples of which tags, for whom, and what to do.
   */
  async checkHeld(now = Date.now()): Promise<RetentionHeld | null> {
    const h = this.holding()
    if (!h) return null
    // The historian's last pass may still report a hold for a tenant removed since: no tenant, nothing held for it.
    const held = this.store.getTarget() ? await h.retentionHeld() : null
    this.held = held && (held.points > 0 || held.overSizeCapBytes > 0) ? held : null
    if (!this.held) this.lastHeldNotice = 0
    else if (now - this.lastHeldNotice >= 3_600_000) {
      this.lastHeldNotice = now
      this.options.onNotice?.('warning', describeHeld(this.held, this.syncStatus().state), 'SYNC_RETENTION_HELD')
    }
    return this.held
  }

  /** Every held tag, assessed now. */
  async retentionHeld(): Promise<RetentionHeldView | null> {
    const h = this.holding()
    if (!h || !this.store.getTarget()) return null
    await this.refreshHold()
    const held = await h.retentionHeld(Date.now())
    return held && (held.points > 0 || held.overSizeCapBytes > 0) ? heldView(held) : null
  }

  /** Deletes the held samples anyway (the person confirmed `points` of the report at `at`); written to the audit log. */
  async forceRetention(at: number, points: number): Promise<ForcedRetentionResult> {
    const h = this.holding()
    const audit = this.options.audit?.()
    if (!h || !audit) throw new TenantError('other', 'This workstation cannot force retention (no historian hold or audit log)')
    try {
      const result = await forceHeldRetention({ historian: h, store: this.store, audit, user: this.options.user ?? 'unknown', at, confirmedPoints: points })
      await this.checkHeld()
      this.options.onNotice?.('info', result.message, 'SYNC_RETENTION_FORCED')
      return result
    } catch (error) {
      if (error instanceof RetentionHoldError) throw new TenantError('other', error.message)
      throw error
    }
  }

  /**
   * Samples not yet in the tenant that the historian's retention deletes within a day: a warning notice (at most
   * hourly) says how many, of which tags, and from when — before anything is deleted.
   */
  async checkRetention(now = Date.now()): Promise<UnsyncedAtRisk | null> {
    await this.refreshHold()
    await this.checkHeld(now)
    const stored = this.store.getTarget()
    const h = this.options.historian
    if (!stored || !h.getRetention || !h.getTagConfig || !h.countRaw) return null
    const target = this.target()
    const risk = await unsyncedBeforeRetention(h as RetentionSource, this.store.all(targetKey(target)), now)
    if (risk.points > 0 && now - this.lastRetentionNotice >= 3_600_000) {
      this.lastRetentionNotice = now
      const when = risk.firstDeletionAt !== null && risk.firstDeletionAt > now ? `from ${new Date(risk.firstDeletionAt).toISOString()}` : 'now'
      const names = risk.tags.slice(0, 5).join(', ') + (risk.tags.length > 5 ? ` and ${risk.tags.length - 5} more` : '')
      this.options.onNotice?.(
        'warning',
        `Historian retention reaches ${risk.points} samples not yet sent to the tenant ${describeTarget(target)} (${names}) ${when}: it will hold them back until they are sent, and the historian grows meanwhile — bring the tenant back (sync state: ${this.syncStatus().state}) or lengthen the retention`,
        'SYNC_RETENTION',
      )
    }
    return risk
  }

  private target(): TenantTarget {
    const stored = this.store.getTarget()
    if (!stored) throw new TenantError('other', 'No cloud tenant is set up — enter the tenant (host, database, user) in Deploy → Tenant first')
    return openTarget(stored, this.options.box)
  }

  getTarget(): TenantTargetView | null {
    const stored = this.store.getTarget()
    if (!stored) return null
    return {
      host: stored.host,
      port: stored.port,
      database: stored.database,
      user: stored.user,
      hasPassword: stored.passwordSealed !== null,
      tls: { mode: stored.tls.mode, hasCa: stored.tls.ca !== null, hasClientCertificate: stored.tls.cert !== null },
    }
  }

  async setTarget(target: TenantTarget): Promise<TenantTargetView> {
    const previous = this.store.getTarget()
    // An empty password field keeps the stored one, so the form never has to show it.
    const password = target.password ?? (previous?.passwordSealed ? this.options.box.open(previous.passwordSealed) : undefined)
    this.store.setTarget(sealTarget({ ...target, password }, this.options.box))
    // Held from now on: the new tenant's cursors (none yet: every tag held whole until it is sent).
    await this.refreshHold()
    await this.sync?.stop()
    this.sync = null
    this.startSync()
    return this.getTarget()!
  }

  /**
   * Stops syncing to the tenant and forgets it (its sealed password too). What it has got stays in it; the historian's
   * retention no longer waits for it: the hold is lifted.
   */
  async removeTarget(): Promise<{ removed: boolean }> {
    await this.sync?.stop()
    this.sync = null
    const removed = this.store.removeTarget()
    this.held = null
    this.lastHeldNotice = 0
    await this.refreshHold()
    // Its retention warnings no longer hold: a window opened from now on does not show them.
    this.options.withdrawNotices?.(['SYNC_RETENTION', 'SYNC_RETENTION_HELD'])
    return { removed }
  }

  async test(): Promise<TenantStatus> {
    const target = this.target()
    try {
      return await withTenant(target, async (client) => {
        const version = await tenantVersion(client)
        const server = await client.query<{ v: string }>('SHOW server_version')
        const plan = await planTenant(client, target)
        const rows = version > 0 ? Number((await client.query<{ n: string }>('SELECT count(*) AS n FROM sensor_data')).rows[0].n) : null
        return {
          target: describeTarget(target),
          reachable: true,
          version,
          latestVersion: latestTenantVersion,
          flavor: plan.flavor,
          serverVersion: server.rows[0].v,
          rows,
          error: null,
        }
      })
    } catch (error) {
      const failure = explainTenantError(error, target)
      return {
        target: describeTarget(target),
        reachable: false,
        version: null,
        latestVersion: latestTenantVersion,
        flavor: null,
        serverVersion: null,
        rows: null,
        error: { kind: failure.kind, message: failure.message },
      }
    }
  }

  async plan(targetVersion?: number): Promise<TenantPlan> {
    const target = this.target()
    return withTenant(target, (client) => planTenant(client, target, targetVersion))
  }

  async provision(targetVersion?: number): Promise<{ plan: TenantPlan; version: number }> {
    const target = this.target()
    const client = await connectTenant(target)
    try {
      const plan = await planTenant(client, target, targetVersion)
      return { plan, version: await provisionTenant(client, target, plan) }
    } catch (error) {
      throw explainTenantError(error, target)
    } finally {
      await client.end().catch(() => undefined)
    }
  }

  private startSync(): void {
    const h = this.options.historian
    const source: HistorianSource = {
      tagIds: () => h.tagIds(),
      queryRaw: (tagIds, from, to) => h.queryRaw(tagIds, from, to),
      countRaw: h.countRaw ? (items, to) => h.countRaw!(items, to) : undefined,
      firstTimes: h.firstTimes ? (tagIds) => h.firstTimes!(tagIds) : undefined,
      tagMeta: this.options.tagMeta ?? h.tagMeta?.bind(h),
    }
    this.sync = new ThreadedSync({ dataDir: this.options.dataDir, target: this.target(), source, onNotice: this.options.onNotice, ...this.options.sync })
  }

  private running(): ThreadedSync {
    if (!this.sync) throw new TenantError('other', 'No cloud tenant is set up — enter the tenant in Deploy → Tenant first')
    return this.sync
  }

  syncStatus(): SyncStatus {
    if (!this.sync) return { ...syncStatusAtStart('not-configured', null, null), retentionHeld: null }
    return { ...this.sync.status(), retentionHeld: this.held ? heldView(this.held, 20) : null }
  }

  startSyncNow(): SyncStatus {
    if (!this.sync) this.startSync()
    else this.sync.resume()
    return this.syncStatus()
  }

  pause(): SyncStatus {
    this.running().pause()
    return this.syncStatus()
  }

  resume(): SyncStatus {
    this.running().resume()
    return this.syncStatus()
  }

  setRateLimit(rowsPerSecond: number | null): SyncStatus {
    this.running().setRateLimit(rowsPerSecond)
    return this.syncStatus()
  }

  backfill(from: number, to: number, tagIds?: string[]) {
    return this.running().backfill(from, to, tagIds)
  }

  reconcile(from: number, to: number, tagIds?: string[], resend?: boolean) {
    return this.running().reconcile(from, to, tagIds, resend)
  }

  async close(): Promise<void> {
    clearInterval(this.retentionTimer)
    clearInterval(this.heldTimer)
    await this.holdRefreshed
    await this.sync?.stop()
    this.store.close()
  }
}
