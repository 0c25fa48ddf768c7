// The tenant and its sync inside the app: the stored target (secrets sealed), plan/provision, and one TenantSync
// reading the app's threaded historian (queries run on the historian thread; the main thread only awaits them).
import { join } from 'node:path'
import type { SecretBox } from '../secrets/secret-box'
import type { SyncStatus, TenantPlan, TenantStatus, TenantTarget, TenantTargetView } from '../../preload/contract/tenant'
import { connectTenant, explainTenantError, TenantError, withTenant } from '../deploy/tenant/tenant-connection'
import { latestTenantVersion } from '../deploy/tenant/tenant-migrations'
import { planTenant, provisionTenant, tenantVersion } from '../deploy/tenant/tenant-provision'
import { describeTarget, openTarget, sealTarget } from '../deploy/tenant/tenant-target'
import { SyncCursorStore } from './sync-cursor-store'
import { TenantSync, type HistorianSource } from './tenant-sync'

export class TenantService {
  private readonly store: SyncCursorStore
  private sync: TenantSync | null = null

  constructor(private readonly options: { dataDir: string; box: SecretBox; historian: HistorianSource }) {
    this.store = new SyncCursorStore(join(options.dataDir, 'sync.db'))
    if (this.store.getTarget()) this.startSync()
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
    this.sync = new TenantSync({ source: this.options.historian, cursors: this.store, target: this.target() })
    this.sync.start()
  }

  private running(): TenantSync {
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
    await this.sync?.stop()
    this.store.close()
  }
}
