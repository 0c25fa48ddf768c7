import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir, userInfo } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { WorkbenchError } from '../../preload/contract'
import { main } from '../cli'
import { openWorkbenchDb } from '../connections/workbench-db'
import { WriteAuditLog } from '../connections/writes/audit-log'
import { postgresInstalled } from '../deploy/tenant/postgres-server.fixture'
import { sealTarget, type TenantTarget } from '../deploy/tenant/tenant-target'
import { openHistorian, type Historian } from '../historian'
import { KeyFileSecretBox } from '../secrets/secret-box'
import { SyncCursorStore } from './sync-cursor-store'
import { tenantHandlers } from './tenant-handlers'
import { TenantService } from './tenant-service'
import { NoticeCenter } from '../notices'
import { usePostgresTenants } from './tenant-postgres.fixture'

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR
// Samples are placed relative to the clock (the sync sends what is older than now); nothing asserts the time of day.
const END = Math.floor(Date.now() / MINUTE) * MINUTE - HOUR

/** One sample a minute for three days up to an hour ago, per tag, in blocks of an hour; returns how many. */
function record(h: Historian, tags: string[]): number {
  let n = 0
  for (let t = END - 3 * DAY; t < END; t += MINUTE) for (const tag of tags) if (h.append(tag, t, (t / MINUTE) % 100)) n++
  h.flush()
  return n
}

const openFile = (file: string) => openHistorian({ file, flushIntervalMs: 0, retentionIntervalMs: 0, blockSamples: 60 })
const samplesOf = (h: Historian, tag: string) => h.queryRaw([tag], 0, Number.MAX_SAFE_INTEGER)[0].t

function capture() {
  const out: string[] = []
  const err: string[] = []
  return { out, err, io: { stdout: (t: string) => void out.push(t), stderr: (t: string) => void err.push(t), untilInterrupted: () => Promise.resolve() } }
}

async function until(check: () => Promise<boolean> | boolean, what: string, ms = 60_000): Promise<void> {
  for (const start = Date.now(); Date.now() - start < ms; await new Promise((r) => setTimeout(r, 100))) if (await check()) return
  throw new Error(`timed out waiting for ${what}`)
}

describe('retention with no tenant sync set up (a real historian file)', () => {
  it('works as before: a hold left from an earlier tenant is lifted, old samples go, and there is nothing to force', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'otw-hold-none-'))
    const h = openFile(join(dir, 'h.otwh'))
    record(h, ['plc/a'])
    h.setRetention({ maxAgeMs: DAY })
    h.setRetentionHold({ holder: 'tenant gone', syncedBefore: {} })
    const service = new TenantService({ dataDir: dir, box: KeyFileSecretBox.inDataDir(dir), historian: h, audit: () => ({ append: () => 1 }) })
    await service.refreshHold()
    expect(h.getRetentionHold()).toBeNull()
    const passAt = Date.now()
    await h.enforceRetention()
    expect(samplesOf(h, 'plc/a')[0]).toBeGreaterThanOrEqual(passAt - DAY - HOUR)
    expect(h.retentionHeld()).toBeNull()
    expect(await service.checkHeld()).toBeNull()
    await expect(service.forceRetention(Date.now(), 0)).rejects.toThrow('No tenant sync is set up')
    await service.close()
    h.close()
    rmSync(dir, { recursive: true, force: true })
  })
})

describe.skipIf(!postgresInstalled)('retention held for the tenant at its sync cursors, real PostgreSQL 15 and a real historian', () => {
  const tenants = usePostgresTenants('hold')
  beforeAll(() => {
    process.env.OTW_TEST_HOLD_PG_PASSWORD = tenants.server.superPassword
  })
  const freshTenant = tenants.freshTenant

  async function tenantRows(target: TenantTarget, tag?: string): Promise<{ rows: number; keys: number }> {
    const where = tag ? `WHERE device_id || '/' || tag_name = '${tag}'` : ''
    const r = await tenants.server.sql(
      `SELECT count(*)::int AS rows, count(DISTINCT (device_id, tag_name, time, seq))::int AS keys FROM sensor_data ${where}`,
      target.database,
    )
    return r.rows[0]
  }

  /** A data folder with a historian and the tenant set up in sync.db (sealed, as the app stores it). */
  function dataDir(target: TenantTarget) {
    const dir = join(tenants.dir, `d${tenants.count}`)
    mkdirSync(join(dir, 'historian'), { recursive: true })
    const box = KeyFileSecretBox.inDataDir(dir)
    const store = new SyncCursorStore(join(dir, 'sync.db'))
    store.setTarget(sealTarget(target, box))
    store.close()
    return { dir, box, file: join(dir, 'historian', 'default.otwh') }
  }

  it('a crash between the hold and the sync loses nothing: the stored hold holds the first pass after the restart, the sync catches up, then retention deletes', async () => {
    const target = await freshTenant()
    const { dir, box, file } = dataDir(target)
    const before = openFile(file)
    const samples = record(before, ['plc/flow', 'plc/level'])
    before.setRetention({ maxAgeMs: DAY })
    before.close()
    // The app stand-in writes the hold (nothing sent yet: every tag held whole), starts syncing and is killed mid-sync.
    await new Promise<void>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'retention-hold-child.fixture.ts')], {
        env: { ...process.env, OTW_HOLD_HISTORIAN: file, OTW_HOLD_SYNC_DB: join(dir, 'sync.db'), OTW_HOLD_TARGET: JSON.stringify(target) },
        stdio: ['ignore', 'pipe', 'inherit'],
      })
      const polling = setInterval(() => {
        void tenantRows(target).then((r) => {
          if (r.rows >= 1000) child.kill('SIGKILL')
        })
      }, 20)
      child.on('exit', (code, signal) => {
        clearInterval(polling)
        if (signal === 'SIGKILL') resolve()
        else reject(new Error(`the child ended with ${code} before it was killed`))
      })
    })
    const between = await tenantRows(target)
    expect(between.rows).toBeGreaterThan(0)
    expect(between.rows).toBeLessThan(samples)

    // Restart: the first retention pass runs before any tenant service speaks — the stored hold keeps everything.
    const historian = openFile(file)
    await historian.enforceRetention()
    expect(samplesOf(historian, 'plc/flow').length + samplesOf(historian, 'plc/level').length).toBe(samples)
    const held = historian.retentionHeld()!
    expect(held.points).toBeGreaterThan(0)
    expect(held.tags.map((t) => t.tagId).sort()).toEqual(['plc/flow', 'plc/level'])
    expect(held.holder).toBe(`tenant PostgreSQL ${target.user}@${target.host}:${target.port}/${target.database}`)

    const notices: { level: string; message: string; code: string }[] = []
    const service = new TenantService({
      dataDir: dir,
      box,
      historian,
      onNotice: (level, message, code) => notices.push({ level, message, code }),
      sync: { intervalMs: 100, horizonMs: 0 },
    })
    await service.checkHeld()
    const notice = notices.find((x) => x.code === 'SYNC_RETENTION_HELD')!
    expect(notice.level).toBe('warning')
    expect(notice.message).toContain(`holding back ${held.points.toLocaleString('en-US')} samples of 2 tags`)
    expect(notice.message).toContain('plc/flow')
    expect(notice.message).toContain('otw sync --force-retention --yes')
    expect(service.syncStatus().retentionHeld).toMatchObject({ points: held.points, tagCount: 2 })

    await until(async () => (await tenantRows(target)).rows === samples, 'the sync to catch up')
    expect(await tenantRows(target)).toEqual({ rows: samples, keys: samples })
    // The hold moves to the cursors; now retention deletes what the tenant has.
    await service.refreshHold()
    const passAt = Date.now()
    await historian.enforceRetention()
    expect(historian.retentionHeld()!.points).toBe(0)
    for (const tag of ['plc/flow', 'plc/level']) expect(samplesOf(historian, tag)[0]).toBeGreaterThanOrEqual(passAt - DAY - HOUR)
    await service.checkHeld()
    expect(service.syncStatus().retentionHeld).toBeNull()
    await service.close()
    historian.close()
  }, 120_000)

  it('force, in the app and the CLI: deletes the held samples only as confirmed and audits who, when, which range and how many; otw sync shows the hold', async () => {
    const target = await freshTenant()
    const { dir, box, file } = dataDir(target)
    const historian = openFile(file)
    const synced = record(historian, ['plc/a'])
    historian.setRetention({ maxAgeMs: DAY })
    const db = openWorkbenchDb(dir)
    const audit = new WriteAuditLog(db)
    const notices = new NoticeCenter()
    const service = new TenantService({
      dataDir: dir,
      box,
      historian,
      audit: () => audit,
      user: 'tester',
      sync: { intervalMs: 100, horizonMs: 0 },
      onNotice: (level, message, code) => notices.post(level, message, code),
      withdrawNotices: (codes) => notices.withdraw(codes),
    })
    await until(async () => (await tenantRows(target)).rows === synced, 'plc/a in the tenant')
    service.pause()
    await until(() => service.syncStatus().state === 'paused', 'the sync to pause')
    // plc/b comes in (an import of old data, say) while the sync is paused: the tenant has none of it.
    record(historian, ['plc/b'])
    await service.refreshHold()
    const passAt = Date.now()
    await historian.enforceRetention()
    expect(samplesOf(historian, 'plc/a')[0]).toBeGreaterThanOrEqual(passAt - DAY - HOUR)
    expect(samplesOf(historian, 'plc/b')[0]).toBe(END - 3 * DAY)

    const h = tenantHandlers(service)
    const view = (await h['sync.retentionHeld'](undefined))!
    expect(view).toMatchObject({ tagCount: 1, tags: [{ tagId: 'plc/b', from: END - 3 * DAY }], from: END - 3 * DAY, overSizeCapBytes: 0 })
    expect(view.points).toBe(view.tags[0].points)
    // Two days and an hour of samples are past the cutoff (now − 1 day), less the part of a block that is not (blocks go whole).
    expect(view.points).toBeGreaterThan(2 * 1440)
    expect(view.points).toBeLessThanOrEqual(2 * 1440 + 60)

    // otw sync to another tenant: the app's tenant still holds, and the output says so.
    const other = await freshTenant()
    const out = capture()
    const pg = ['--pg', `postgres://${other.user}@${other.host}:${other.port}/${other.database}`, '--password-env', 'OTW_TEST_HOLD_PG_PASSWORD']
    expect(await main(['sync', ...pg, '--data-dir', dir, '--once'], out.io)).toBe(0)
    expect(out.out.join('')).toMatch(/holding back [\d,]+ samples of 1 tag \(plc\/b; .* that the tenant PostgreSQL .*\/hold\d+ has not got yet/)

    // The CLI without --yes lists and deletes nothing.
    const list = capture()
    expect(await main(['sync', '--force-retention', '--data-dir', dir], list.io)).toBe(1)
    expect(list.out.join('')).toMatch(/plc\/b: \d+ samples, /)
    expect(list.err.join('')).toContain('add --yes')
    expect(samplesOf(historian, 'plc/b')[0]).toBe(END - 3 * DAY)

    // Confirming fewer than are held is refused.
    const refused = await h['sync.forceRetention']({ at: view.at, points: view.points - 1 }).catch((e: unknown) => e as WorkbenchError)
    expect(refused).toBeInstanceOf(WorkbenchError)
    expect(refused).toMatchObject({ code: 'INVALID_INPUT' })
    expect((refused as WorkbenchError).message).toContain(`more than the ${view.points - 1} confirmed`)
    expect(audit.list()).toHaveLength(0)

    const forced = await h['sync.forceRetention']({ at: view.at, points: view.points })
    expect(forced).toMatchObject({ points: view.points, tags: 1, from: view.from, to: view.to })
    expect(samplesOf(historian, 'plc/b')[0]).toBeGreaterThanOrEqual(view.at - DAY - HOUR)
    const [entry] = audit.list()
    expect(entry).toMatchObject({
      id: forced.auditId,
      user: 'tester',
      connectionId: 'historian',
      connectionName: 'Historian retention',
      tagId: 'plc/b',
      result: 'ok',
    })
    expect(entry.time).toBeGreaterThanOrEqual(view.at)
    expect(entry.message).toContain(
      `Forced retention: deleted ${view.points} held samples of 1 tags (${new Date(view.from!).toISOString()} to ${new Date(view.to!).toISOString()})`,
    )
    expect(JSON.parse(entry.newValue!)).toMatchObject({ points: view.points, tags: 1, from: new Date(view.from!).toISOString() })
    expect(await h['sync.retentionHeld'](undefined)).toBeNull()

    // The CLI with --yes: plc/c arrives old and unsent; deleted anyway, audited under the OS user.
    record(historian, ['plc/c'])
    const yes = capture()
    expect(await main(['sync', '--force-retention', '--data-dir', dir, '--yes', '--json'], yes.io)).toBe(0)
    const result = JSON.parse(yes.out.join(''))
    expect(result).toMatchObject({ deleted: true, tags: 1 })
    expect(result.points).toBeGreaterThan(2 * 1440)
    expect(samplesOf(historian, 'plc/c')[0]).toBeGreaterThanOrEqual(passAt - DAY - HOUR)
    expect(audit.list()[0]).toMatchObject({ id: result.auditId, user: userInfo().username, tagId: 'plc/c', result: 'ok' })

    // The sync goes on with what is left; the tenant never gets the forced range, and nothing twice.
    service.resume()
    const left = samplesOf(historian, 'plc/b').length
    await until(async () => (await tenantRows(target, 'plc/b')).rows === left, 'the rest of plc/b in the tenant')
    expect(await tenantRows(target, 'plc/b')).toEqual({ rows: left, keys: left })

    // The tenant removed: the sync stops, and plc/d, recorded old and never sent, is no longer held.
    service.pause()
    await until(() => service.syncStatus().state === 'paused', 'the sync to pause again')
    record(historian, ['plc/d'])
    await service.refreshHold()
    await historian.enforceRetention()
    expect((await service.checkHeld())?.points).toBeGreaterThan(0)
    expect(notices.list().map((n) => n.code)).toContain('SYNC_RETENTION_HELD')
    notices.post('info', 'another subject', 'OTHER')
    expect(await h['tenant.removeTarget'](undefined)).toEqual({ removed: true })
    // Its retention notices are taken back (a window opened later does not show them); others stay.
    expect(notices.list().map((n) => n.code)).not.toContain('SYNC_RETENTION_HELD')
    expect(notices.list().map((n) => n.code)).toContain('OTHER')
    expect(service.syncStatus().state).toBe('not-configured')
    expect(service.getTarget()).toBeNull()
    // The historian's last pass still reports the hold, but no notice is raised for a tenant that is gone.
    expect(await service.checkHeld()).toBeNull()
    await historian.enforceRetention()
    expect(samplesOf(historian, 'plc/d')[0]).toBeGreaterThanOrEqual(Date.now() - DAY - HOUR)
    expect(await h['sync.retentionHeld'](undefined)).toBeNull()
    expect(await h['tenant.removeTarget'](undefined)).toEqual({ removed: false })
    await service.close()
    db.close()
    historian.close()
  }, 120_000)
})
