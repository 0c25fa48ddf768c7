import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openHistorian } from '../historian'
import { postgresInstalled, startTestPostgres, type TestPostgres } from '../deploy/tenant/postgres-server.fixture'
import { ThreadedSync } from './threaded-sync'
import { provisionedTenant } from '../deploy/tenant/provisioned-tenant.fixture'

const T0 = Date.UTC(2026, 10, 30, 6, 0, 0)
const TAGS = ['plc1/speed', 'plc1/temp', 'plc2/count']

describe.skipIf(!postgresInstalled)('the sync on its own worker thread, against a real PostgreSQL 15', () => {
  let server: TestPostgres
  let dir: string

  beforeAll(async () => {
    server = await startTestPostgres()
    dir = mkdtempSync(join(tmpdir(), 'otw-sync-thread-'))
  }, 60_000)
  afterAll(() => {
    server?.destroy()
    rmSync(dir, { recursive: true, force: true })
  })

  it('the thread is killed mid-sync: a notice, a new thread, and the tenant ends with exactly the historian samples', async () => {
    const target = await provisionedTenant(server, 'crash')
    const historian = openHistorian({ file: join(dir, 'plant.otwh'), flushIntervalMs: 0, retentionIntervalMs: 0 })
    const seconds = 20_000
    for (let s = 0; s < seconds; s++) for (const [k, tag] of TAGS.entries()) historian.append(tag, T0 + s * 1000, s + k)
    historian.flush()
    const samples = seconds * TAGS.length
    const notices: string[] = []
    const sync = new ThreadedSync({
      dataDir: dir,
      target,
      source: historian,
      batchRows: 2000,
      horizonMs: 0,
      intervalMs: 50,
      // Slow enough that the kill lands mid-run on any box.
      rateLimitRowsPerSecond: 20_000,
      onNotice: (_level, message, code) => notices.push(`${code}: ${message}`),
    })
    const until = async (check: () => boolean, what: string) => {
      for (let i = 0; i < 1200 && !check(); i++) await new Promise((r) => setTimeout(r, 50))
      expect(check(), what).toBe(true)
    }
    await until(() => sync.status().rowsSent >= 4000, 'some rows sent')
    expect(sync.status().lagPoints).toBeGreaterThan(0)
    const first = sync.thread!
    await first.terminate() // as abrupt as a crash of the thread: no stop, no rollback by us
    await until(() => notices.length > 0 && sync.thread !== undefined && sync.thread !== first, 'restarted')
    expect(notices[0]).toMatch(/^SYNC_THREAD: Cloud sync to .*: the sync thread stopped .* nothing is lost/)
    sync.setRateLimit(null)
    await until(() => sync.status().state === 'caught-up' && sync.status().lagPoints === 0, 'caught up')
    expect(sync.threadsStarted).toBe(2)
    const r = await server.sql(`SELECT count(*)::int AS rows, count(DISTINCT (device_id, tag_name, time, seq))::int AS keys FROM sensor_data`, 'crash')
    expect(r.rows[0]).toEqual({ rows: samples, keys: samples })
    // Calls cross to the thread: a backfill of the first hour finds everything there.
    expect(await sync.backfill(T0, T0 + 3_599_000)).toEqual({ rowsSent: 0, rowsSkipped: 3600 * TAGS.length })
    await sync.stop()
    expect(sync.status().state).toBe('stopped')
    historian.close()
  }, 180_000)
})
