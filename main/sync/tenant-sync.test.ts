import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openHistorian, type Historian } from '../historian'
import { postgresInstalled } from '../deploy/tenant/postgres-server.fixture'
import type { TenantTarget } from '../deploy/tenant/tenant-target'
import { SyncCursorStore } from './sync-cursor-store'
import { TenantSync } from './tenant-sync'
import { usePostgresTenants } from './tenant-postgres.fixture'

const T0 = Date.UTC(2026, 10, 30, 22, 0, 0)
const TAGS = ['plc1/speed', 'plc1/temp', 'plc2/count', 'loose']

/** Two hours across midnight of 4 tags at 1 Hz (one outage mark, two samples sharing a time): 28,802 samples. */
function recordPlant(file: string, seconds = 7200): number {
  const h = openHistorian({ file, flushIntervalMs: 0, retentionIntervalMs: 0 })
  let n = 0
  for (let s = 0; s < seconds; s++) {
    for (const [k, tag] of TAGS.entries())
      if (
        h.append(
          tag,
          T0 + s * 1000,
          s === 100 && k === 0 ? NaN : Math.sin(s / 60 + k) * 10 + k,
          s === 100 && k === 0 ? 2 : 0,
          s === 100 ? 'comm lost' : undefined,
        )
      )
        n++
    if (s === 50 && h.append('plc2/count', T0 + s * 1000, 999)) n++
    if (s % 600 === 0) h.flush()
  }
  h.close()
  return n
}

describe.skipIf(!postgresInstalled)('historian → tenant sync against a real PostgreSQL 15', () => {
  const tenants = usePostgresTenants('sync')
  const freshTenant = tenants.freshTenant

  async function tenantCounts(target: TenantTarget): Promise<{ rows: number; keys: number; hourly: number }> {
    const r = await tenants.server.sql(
      `SELECT count(*)::int AS rows, count(DISTINCT (device_id, tag_name, time, seq))::int AS keys, (SELECT sum(count)::int FROM sensor_data_hourly) AS hourly FROM sensor_data`,
      target.database,
    )
    return r.rows[0]
  }

  it('sends every sample once, with the same-time pair numbered by seq, rollups from what was new, and a second pass sends nothing', async () => {
    const target = await freshTenant()
    const file = join(tenants.dir, `a${tenants.count}.otwh`)
    const samples = recordPlant(file)
    const historian = openHistorian({ file, flushIntervalMs: 0, retentionIntervalMs: 0 })
    const cursors = new SyncCursorStore(join(tenants.dir, `a${tenants.count}.sync.db`))
    // The tag model as the workbench gives it: ISA-95 path, unit, range, type, protocol, address.
    const source = {
      tagIds: () => historian.tagIds(),
      queryRaw: (ids: readonly string[], from: number, to: number) => historian.queryRaw(ids, from, to),
      countRaw: (items: readonly (readonly [string, number])[], to: number) => historian.countRaw(items, to),
      tagMeta: (ids: readonly string[]) =>
        Object.fromEntries(
          ids
            .filter((id) => id === 'plc1/speed')
            .map((id) => [
              id,
              {
                isa95Path: 'Acme/Lyon/Packaging/Line 1/Filler',
                unit: 'rpm',
                rangeLow: 0,
                rangeHigh: 1200,
                dataType: 'Float',
                protocol: 'opcua',
                address: 'ns=2;s=Speed',
              },
            ]),
        ),
    }
    const sync = new TenantSync({ source, cursors, target, batchRows: 5000, horizonMs: 0 })
    expect(await sync.measureLag()).toBe(samples)
    expect(await sync.syncOnce()).toEqual({ rowsSent: samples, rowsSkipped: 0 })
    expect(sync.status().lagPoints).toBe(0)
    expect(await sync.syncOnce()).toEqual({ rowsSent: 0, rowsSkipped: 0 })
    const counts = await tenantCounts(target)
    expect(counts.rows).toBe(samples)
    expect(counts.keys).toBe(samples)
    expect(counts.hourly).toBe(samples - 1) // the NaN mark has no value to roll up
    const tagRows = await tenants.server.sql(
      `SELECT t.device_id, tag_name, isa95_path, unit, range_low, range_high, data_type, source_protocol, source_address, d.protocol FROM tags t JOIN devices d USING (device_id) ORDER BY 1, 2`,
      target.database,
    )
    expect(tagRows.rows).toHaveLength(TAGS.length)
    expect(tagRows.rows.find((r) => r.tag_name === 'speed')).toEqual({
      device_id: 'plc1',
      tag_name: 'speed',
      isa95_path: 'Acme/Lyon/Packaging/Line 1/Filler',
      unit: 'rpm',
      range_low: 0,
      range_high: 1200,
      data_type: 'Float',
      source_protocol: 'opcua',
      source_address: 'ns=2;s=Speed',
      protocol: 'opcua',
    })
    // Cursors lost (a crash between the tenant's commit and sync.db's, here all of them): the direct COPY meets the
    // unique key, the batch goes again through the temporary table with ON CONFLICT DO NOTHING; nothing counts twice.
    const forgetful = new TenantSync({
      source,
      cursors: new SyncCursorStore(join(tenants.dir, `a${tenants.count}.lost.db`)),
      target,
      batchRows: 5000,
      horizonMs: 0,
    })
    expect(await forgetful.syncOnce()).toEqual({ rowsSent: 0, rowsSkipped: samples })
    expect(await tenantCounts(target)).toEqual(counts)
    const pair = await tenants.server.sql(
      `SELECT value, seq FROM sensor_data WHERE device_id = 'plc2' AND tag_name = 'count' AND time = '${new Date(T0 + 50_000).toISOString()}' ORDER BY seq`,
      target.database,
    )
    expect(pair.rows.map((r) => r.seq)).toEqual([0, 1])
    const mark = await tenants.server.sql(
      `SELECT value::text AS v, quality FROM sensor_data WHERE tag_name = 'speed' AND time = '${new Date(T0 + 100_000).toISOString()}'`,
      target.database,
    )
    expect(mark.rows[0]).toEqual({ v: 'NaN', quality: 2 })
    const loose = await tenants.server.sql(`SELECT count(*)::int AS n FROM sensor_data WHERE device_id = 'workstation' AND tag_name = 'loose'`, target.database)
    expect(loose.rows[0].n).toBe(7200)
    const reconcile = await sync.reconcile(T0, T0 + 7200_000)
    expect(reconcile.mismatches).toEqual([])
    expect(reconcile.hours).toBe(TAGS.length * 2)
    await tenants.server.sql(`DELETE FROM sensor_data WHERE tag_name = 'temp' AND time < '${new Date(T0 + 600_000).toISOString()}'`, target.database)
    const broken = await sync.reconcile(T0, T0 + 7200_000, undefined, true)
    expect(broken.mismatches).toEqual([{ tagId: 'plc1/temp', hour: T0, local: 3600, tenant: 3000 }])
    expect(broken.resent).toBe(600)
    expect((await sync.reconcile(T0, T0 + 7200_000)).mismatches).toEqual([])
    const backfill = await sync.backfill(T0, T0 + 59_999, ['plc1/speed'])
    expect(backfill).toEqual({ rowsSent: 0, rowsSkipped: 60 })
    cursors.close()
    historian.close()
  })

  it('kill -9 of the sync process mid-run, then a restart: the tenant holds exactly the historian samples, no duplicate key', async () => {
    const target = await freshTenant()
    const file = join(tenants.dir, `b${tenants.count}.otwh`)
    const samples = recordPlant(file)
    const env = {
      ...process.env,
      OTW_SYNC_HISTORIAN: file,
      OTW_SYNC_DB: join(tenants.dir, `b${tenants.count}.sync.db`),
      OTW_SYNC_TARGET: JSON.stringify(target),
      OTW_SYNC_BATCH: '500',
    }
    const run = (killAfterRows: number | null) =>
      new Promise<void>((resolve, reject) => {
        const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'sync-child.fixture.ts')], {
          env,
          stdio: ['ignore', 'pipe', 'inherit'],
        })
        let polling: NodeJS.Timeout | undefined
        if (killAfterRows !== null)
          polling = setInterval(() => {
            void tenants.server.sql('SELECT count(*)::int AS n FROM sensor_data', target.database).then((r) => {
              if (r.rows[0].n >= killAfterRows) child.kill('SIGKILL')
            })
          }, 20)
        child.on('exit', (code, signal) => {
          clearInterval(polling)
          if (killAfterRows !== null ? signal === 'SIGKILL' : code === 0) resolve()
          else reject(new Error(`sync child ended with ${code ?? signal}`))
        })
      })
    await run(5000)
    const between = await tenantCounts(target)
    expect(between.rows).toBeGreaterThan(0)
    expect(between.rows).toBeLessThan(samples)
    await run(null)
    const after = await tenantCounts(target)
    expect(after).toEqual({ rows: samples, keys: samples, hourly: samples - 1 })
  }, 120_000)

  it('a tenant not reached since the first sample: the lag of tags never synced is as old as their oldest sample kept', async () => {
    // The tenant is provisioned, then the workstation cannot reach it (a closed port) before its first sync.
    const target = { ...(await freshTenant()), port: 1 }
    const historian: Historian = openHistorian({ file: join(tenants.dir, `never${tenants.count}.otwh`), flushIntervalMs: 0, retentionIntervalMs: 0 })
    let clock = T0
    const cursors = new SyncCursorStore(join(tenants.dir, `never${tenants.count}.sync.db`))
    const sync = new TenantSync({ source: historian, cursors, target, batchRows: 1000, horizonMs: 0, intervalMs: 50, now: () => clock })
    for (let s = 0; s < 600; s++, clock += 1000) for (const tag of TAGS) historian.append(tag, clock, s)
    historian.flush()
    sync.start()
    for (let i = 0; i < 600 && sync.status().lagPoints !== 2400; i++) await new Promise((r) => setTimeout(r, 50))
    expect(sync.status()).toMatchObject({ state: 'offline', lagPoints: 2400, lagMs: 600_000 })
    await sync.stop()
    cursors.close()
    historian.close()
  }, 120_000)

  it('PostgreSQL stopped mid-sync: the sync goes offline, the lag grows, and it catches up in order when the server is back', async () => {
    const target = await freshTenant()
    const file = join(tenants.dir, `c${tenants.count}.otwh`)
    const historian: Historian = openHistorian({ file, flushIntervalMs: 0, retentionIntervalMs: 0 })
    let clock = T0
    const cursors = new SyncCursorStore(join(tenants.dir, `c${tenants.count}.sync.db`))
    const sync = new TenantSync({ source: historian, cursors, target, batchRows: 1000, horizonMs: 0, intervalMs: 50, now: () => clock })
    const record = (seconds: number) => {
      for (let s = 0; s < seconds; s++, clock += 1000) for (const tag of TAGS) historian.append(tag, clock, s)
      historian.flush()
    }
    record(600)
    sync.start()
    const until = async (check: () => boolean) => {
      for (let i = 0; i < 600 && !check(); i++) await new Promise((r) => setTimeout(r, 50))
      expect(check()).toBe(true)
    }
    await until(() => sync.status().state === 'caught-up')
    tenants.server.stop('immediate')
    record(600)
    await until(() => sync.status().state === 'offline')
    expect(sync.status().lastError?.kind).toBe('unreachable')
    // Offline, the lag is still known in points (counted in the historian): the 600 s × 4 tags not sent.
    await until(() => sync.status().lagPoints === 2400)
    expect(sync.status().lagMs).toBe(601_000)
    tenants.server.start()
    await until(() => sync.status().state === 'caught-up' && sync.status().rowsSent === 4800)
    expect(sync.status().lagMs).toBe(1000)
    expect(sync.status().lagPoints).toBe(0)
    await sync.stop()
    const counts = await tenantCounts(target)
    expect(counts.rows).toBe(4800)
    expect(counts.keys).toBe(4800)
    cursors.close()
    historian.close()
  }, 120_000)
})
