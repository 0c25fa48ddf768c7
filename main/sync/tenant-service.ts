// The tenant and its sync inside the app: the stored target (secrets sealed), plan/provision, and one sync on its own
// worker thread (threaded-sync.ts) reading the app's threaded historian (queries run on the historian thread; the main
// thread only relays them) and the tag model (ISA-95 path, unit, range… for the tenant's `tags`).
import { join } from 'node:path'
import type { SecretBox } from '../secrets/secret-box'
import type { SyncStatus, TenantPlan, TenantStatus, TenantTarget, TenantTargetView } from '../../preload/contract/tenant'
import { connectTenant, explainTenantError, TenantError, withTenant } from '../deploy/tenant/tenant-connection'
import { latestTenantVersion } from '../deploy/tenant/tenant-migrations'
import { planTenant, provisionTenant, tenantVersion } from '../deploy/tenant/tenant-provision'
import { describeTarget, openTarget, sealTarget, targetKey } from '../deploy/tenant/tenant-target'
import { SyncCursorStore } from './sync-cursor-store'
import type { HistorianSource, TenantTagMeta } from './tenant-sync'
import { ThreadedSync } from './threaded-sync'
import { unsyncedBeforeRetention, type RetentionSource, type UnsyncedAtRisk } from './retention-guard'

export class TenantService {
  private readonly store: SyncCursorStore
  private sync: ThreadedSync | null = null

  constructor(
    private readonly options: {
      dataDir: string
      box: SecretBox
      historian: HistorianSource & Partial<RetentionSource>
      /** The tag model's description of tags (the workbench's connections). */
      tagMeta?: (tagIds: readonly string[]) => Record<string, TenantTagMeta>
      onNotice?: (level: 'error' | 'warning' | 'info', message: string, code: string) => void
      /** Tests: a faster loop. */
      sync?: { intervalMs?: number; horizonMs?: number; batchRows?: number }
    },
  ) {
    this.store = new SyncCursorStore(join(options.dataDir, 'sync.db'))
    if (this.store.getTarget()) this.startSync()
    this.retentionTimer = setInterval(() => void this.checkRetention().catch(() => undefined), 60_000)
    this.retentionTimer.unref()
  }

  private readonly retentionTimer: NodeJS.Timeout
  private lastRetentionNotice = 0

  /**
   * Samples not yet in the tenant that the historian's retention deletes within a day: a warning notice (at most
   * hourly) says how many, of which tags, and from when — before anything is deleted.
   */
  async checkRetention(now = Date.now()): Promise<UnsyncedAtRisk | null> {
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
        `Historian retention deletes ${risk.points} samples not yet sent to the tenant ${describeTarget(target)} (${names}) ${when} — bring the tenant back (sync state: ${this.syncStatus().state}) or lengthen the retention before they go`,
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
    await this.sync?.stop()
    this.sync = null
    this.startSync()
    return this.getTarget()!
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
      tagMeta: this.options.tagMeta ?? h.tagMeta?.bind(h),
    }
    this.sync = new ThreadedSync({ dataDir: this.options.dataDir, target: this.target(), source, onNotice: this.options.onNotice, ...this.options.sync })
  }

  private running(): ThreadedSync {
    if (!this.sync) throw new TenantError('other', 'No cloud tenant is set up — enter the tenant in Deploy → Tenant first')
    return this.sync
  }

  syncStatus(): SyncStatus {
    if (!this.sync)
      return {
        state: 'not-configured',
        target: null,
        lagMs: null,
        lagPoints: null,
        rowsPerSecond: 0,
        rowsSent: 0,
        rowsSkipped: 0,
        tags: 0,
        lastSyncAt: null,
        lastError: null,
        rateLimitRowsPerSecond: null,
        backfill: null,
      }
    return this.sync.status()
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
    await this.sync?.stop()
    this.store.close()
  }
}
