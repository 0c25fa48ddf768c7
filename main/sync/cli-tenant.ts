// `otw tenant plan|provision|status` and `otw sync`: the same core as the app, a password only from the environment.
import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { defaultDataDir } from '../data-dir'
import { openHistorian } from '../historian'
import { connectTenant, explainTenantError } from '../deploy/tenant/tenant-connection'
import { latestTenantVersion } from '../deploy/tenant/tenant-migrations'
import { planTenant, provisionTenant, tenantVersion } from '../deploy/tenant/tenant-provision'
import { targetFromUrl, type TenantTarget } from '../deploy/tenant/tenant-target'
import type { TenantPlan } from '../../preload/contract/tenant'
import { openWorkbenchDb } from '../connections/workbench-db'
import { WriteAuditLog } from '../connections/writes/audit-log'
import { SyncCursorStore } from './sync-cursor-store'
import { TenantSync } from './tenant-sync'
import { describeHeld, forceHeldRetention, heldRange, refreshRetentionHold, RetentionHoldError } from './retention-hold'
import { osUser } from '../os-user'

export interface TenantCliIo {
  stdout(text: string): void
  stderr(text: string): void
  untilInterrupted(): Promise<void>
}

export const TENANT_USAGE = `Usage: otw tenant plan|provision|status --pg postgres://user@host:5432/db[?sslmode=require|verify-full] [--password-env VAR] [--ca FILE] [--yes] [--json]
  plan       the migrations that would run (tables, indexes, views, roles) and any drift since the last apply
  provision  applies the plan (asks for --yes)
  status     reachable?, schema version, flavour, rows
A password is never taken on the command line: put it in an environment variable and name it with --password-env.
`
export const SYNC_USAGE = `Usage: otw sync --pg postgres://user@host:5432/db [--password-env VAR] [--data-dir D] [--from T --to T] [--once] [--json]
       otw sync --force-retention [--data-dir D] [--yes] [--json]
  Sends the historian of the data folder (<D>/historian/default.otwh) to the tenant from its durable cursors (<D>/sync.db).
  --once             send what is recorded and exit; without it, keep syncing until Ctrl+C
  --from/--to        backfill that range again (ISO time or epoch ms); the tenant skips what it has
  --force-retention  the historian's retention holds back what the tenant set up in the app has not got; this lists
                     those samples and, with --yes, deletes them anyway (written to the audit log)
`

class TenantUsageError extends Error {}

const common = { pg: { type: 'string' }, 'password-env': { type: 'string' }, ca: { type: 'string' }, json: { type: 'boolean' } } as const

function targetOf(values: { pg?: string; 'password-env'?: string; ca?: string }): TenantTarget {
  if (!values.pg) throw new TenantUsageError('--pg postgres://user@host:5432/database is required')
  let password: string | undefined
  if (values['password-env']) {
    password = process.env[values['password-env']]
    if (password === undefined) throw new TenantUsageError(`--password-env ${values['password-env']}: that environment variable is not set`)
  }
  if (values.ca && !existsSync(values.ca)) throw new TenantUsageError(`--ca ${values.ca}: no such file`)
  try {
    return targetFromUrl(values.pg, password, values.ca ? { mode: 'verify-full', ca: readFileSync(values.ca, 'utf8') } : {})
  } catch (error) {
    throw new TenantUsageError((error as Error).message)
  }
}

function printPlan(plan: TenantPlan, io: TenantCliIo): void {
  io.stdout(`${plan.target}: schema version ${plan.currentVersion} → ${plan.targetVersion}; ${plan.flavor.reason}\n`)
  for (const m of plan.migrations) {
    io.stdout(`  ${m.direction === 'up' ? '+' : '-'} ${m.version} ${m.name}\n`)
    for (const c of m.changes) io.stdout(`      ${c.action} ${c.kind} ${c.name}\n`)
  }
  if (plan.migrations.length === 0) io.stdout('  nothing to apply\n')
  for (const d of plan.drift) io.stdout(`  drift: ${d.change} ${d.kind} ${d.name}\n`)
}

async function guard(io: TenantCliIo, usage: string, work: () => Promise<number>): Promise<number> {
  try {
    return await work()
  } catch (error) {
    if (error instanceof TenantUsageError) {
      io.stderr(`${error.message}\n${usage}`)
      return 2
    }
    throw error
  }
}

export function runTenantCommand(args: string[], io: TenantCliIo): Promise<number> {
  return guard(io, TENANT_USAGE, async () => {
    const [sub, ...rest] = args
    if (sub !== 'plan' && sub !== 'provision' && sub !== 'status')
      throw new TenantUsageError(`otw tenant needs plan, provision or status${sub ? `, not "${sub}"` : ''}`)
    let values
    try {
      values = parseArgs({ args: rest, options: { ...common, yes: { type: 'boolean' } }, strict: true }).values
    } catch (error) {
      throw new TenantUsageError((error as Error).message)
    }
    const target = targetOf(values)
    const client = await connectTenant(target)
    try {
      if (sub === 'status') {
        const version = await tenantVersion(client)
        const plan = await planTenant(client, target)
        const rows = version > 0 ? Number((await client.query<{ n: string }>('SELECT count(*) AS n FROM sensor_data')).rows[0].n) : null
        const status = { target: plan.target, version, latestVersion: latestTenantVersion, flavor: plan.flavor, rows, drift: plan.drift }
        io.stdout(
          values.json
            ? `${JSON.stringify(status)}\n`
            : `${plan.target}: schema version ${version} of ${latestTenantVersion}, ${plan.flavor.kind}, ${rows ?? 0} rows, ${plan.drift.length} drift\n`,
        )
        return 0
      }
      const plan = await planTenant(client, target)
      if (sub === 'plan' || !values.yes) {
        if (values.json) io.stdout(`${JSON.stringify(plan)}\n`)
        else printPlan(plan, io)
        if (sub === 'provision' && plan.migrations.length > 0) {
          io.stderr('otw tenant provision: nothing applied — add --yes to apply this plan\n')
          return 1
        }
        return 0
      }
      const version = await provisionTenant(client, target, plan)
      io.stdout(values.json ? `${JSON.stringify({ plan, version })}\n` : `${plan.target}: provisioned, schema version ${version}\n`)
      return 0
    } catch (error) {
      throw explainTenantError(error, target)
    } finally {
      await client.end().catch(() => undefined)
    }
  })
}

function timeOption(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined
  const n = /^\d+$/.test(value) ? Number(value) : Date.parse(value)
  if (!Number.isFinite(n)) throw new TenantUsageError(`--${name} ${value}: not a time — use ISO (2026-12-01T08:00:00Z) or epoch ms`)
  return n
}

export function runSyncCommand(args: string[], io: TenantCliIo): Promise<number> {
  return guard(io, SYNC_USAGE, async () => {
    let values
    try {
      values = parseArgs({
        args,
        options: {
          ...common,
          'data-dir': { type: 'string' },
          from: { type: 'string' },
          to: { type: 'string' },
          once: { type: 'boolean' },
          'force-retention': { type: 'boolean' },
          yes: { type: 'boolean' },
        },
        strict: true,
      }).values
    } catch (error) {
      throw new TenantUsageError((error as Error).message)
    }
    if (values['force-retention']) return forceRetentionCommand(values, io)
    const target = targetOf(values)
    const from = timeOption(values.from, 'from')
    const to = timeOption(values.to, 'to')
    if ((from === undefined) !== (to === undefined)) throw new TenantUsageError('--from and --to go together')
    const dataDir = resolve(values['data-dir'] ?? defaultDataDir())
    const file = join(dataDir, 'historian', 'default.otwh')
    if (!existsSync(file)) throw new Error(`${file}: no historian here — pass the app's data folder with --data-dir`)
    const historian = openHistorian({ file, flushIntervalMs: 0, retentionIntervalMs: 0 })
    const cursors = new SyncCursorStore(join(dataDir, 'sync.db'))
    const sync = new TenantSync({ source: historian, cursors, target })
    const report = async (result: object) => {
      // The lag in points and time, counted in the historian (also when the tenant did not answer).
      await sync.measureLag().catch(() => undefined)
      const st = sync.status()
      const lag = st.lagMs === null ? 'lag unknown' : `lag ${Math.round(st.lagMs / 1000)} s, ${st.lagPoints ?? '?'} points`
      // The app's tenant holds the historian's retention at its cursors: moved up to what was just sent, and what is still held.
      await refreshRetentionHold(historian, cursors)
      const held = historian.retentionHeld()
      const holding = held && (held.points > 0 || held.overSizeCapBytes > 0) ? held : null
      io.stdout(
        values.json
          ? `${JSON.stringify({ ...st, ...result, retentionHeld: holding && { ...holding, ...heldRange(holding), tagCount: holding.tags.length } })}\n`
          : `${st.target}: ${JSON.stringify(result)}; ${lag}\n`,
      )
      if (holding && !values.json) io.stdout(`${describeHeld(holding, st.state)}\n`)
    }
    try {
      if (from !== undefined && to !== undefined) {
        await report(await sync.backfill(from, to))
      } else if (values.once) {
        let total = { rowsSent: 0, rowsSkipped: 0 }
        for (;;) {
          const r = await sync.syncOnce()
          total = { rowsSent: total.rowsSent + r.rowsSent, rowsSkipped: total.rowsSkipped + r.rowsSkipped }
          if (r.rowsSent + r.rowsSkipped === 0) break
        }
        await report(total)
      } else {
        sync.start()
        await io.untilInterrupted()
        await sync.stop()
        await report({ rowsSent: sync.status().rowsSent })
      }
      return 0
    } finally {
      cursors.close()
      historian.close()
    }
  })
}

function iso(t: number | null): string {
  return t === null ? '?' : new Date(t).toISOString()
}

/** `otw sync --force-retention`: lists what the historian's retention holds for the tenant; with --yes deletes it, audited. */
async function forceRetentionCommand(values: { 'data-dir'?: string; yes?: boolean; json?: boolean }, io: TenantCliIo): Promise<number> {
  const dataDir = resolve(values['data-dir'] ?? defaultDataDir())
  const file = join(dataDir, 'historian', 'default.otwh')
  if (!existsSync(file)) throw new Error(`${file}: no historian here — pass the app's data folder with --data-dir`)
  const historian = openHistorian({ file, flushIntervalMs: 0, retentionIntervalMs: 0 })
  const cursors = new SyncCursorStore(join(dataDir, 'sync.db'))
  try {
    const hold = await refreshRetentionHold(historian, cursors)
    const now = Date.now()
    const held = hold ? historian.retentionHeld(now) : null
    if (!held || (held.points === 0 && held.overSizeCapBytes === 0)) {
      const why = hold ? `retention holds nothing back for the ${hold.holder}` : 'no tenant sync is set up, so retention holds nothing back'
      io.stdout(values.json ? `${JSON.stringify({ held: null, deleted: false, message: why })}\n` : `${why}; nothing to delete\n`)
      return 0
    }
    if (!values.yes) {
      if (values.json) io.stdout(`${JSON.stringify({ held: { ...held, ...heldRange(held), tagCount: held.tags.length }, deleted: false })}\n`)
      else {
        io.stdout(`${describeHeld(held, 'see otw sync')}\n`)
        for (const t of held.tags) io.stdout(`  ${t.tagId}: ${t.points} samples, ${iso(t.from)} to ${iso(t.to)}\n`)
      }
      io.stderr(`otw sync --force-retention: nothing deleted — add --yes to delete these ${held.points} samples anyway (written to the audit log)\n`)
      return 1
    }
    const db = openWorkbenchDb(dataDir)
    try {
      const result = await forceHeldRetention({
        historian,
        store: cursors,
        audit: new WriteAuditLog(db),
        user: osUser(),
        at: now,
        confirmedPoints: held.points,
        now,
      })
      io.stdout(values.json ? `${JSON.stringify({ ...result, deleted: true })}\n` : `${result.message} (audit entry ${result.auditId})\n`)
      return 0
    } catch (error) {
      if (error instanceof RetentionHoldError) {
        io.stderr(`otw sync --force-retention: ${error.message}\n`)
        return 1
      }
      throw error
    } finally {
      db.close()
    }
  } finally {
    cursors.close()
    historian.close()
  }
}
