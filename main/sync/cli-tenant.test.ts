import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { main } from '../cli'
import { openHistorian } from '../historian'
import { postgresInstalled, startTestPostgres, type TestPostgres } from '../deploy/tenant/postgres-server.fixture'

function capture() {
  const out: string[] = []
  const err: string[] = []
  return { out, err, io: { stdout: (t: string) => void out.push(t), stderr: (t: string) => void err.push(t), untilInterrupted: () => Promise.resolve() } }
}

describe.skipIf(!postgresInstalled)('otw tenant and otw sync against a real PostgreSQL 15', () => {
  let server: TestPostgres
  let dir: string
  let url: string
  beforeAll(async () => {
    server = await startTestPostgres()
    await server.sql('CREATE DATABASE cli')
    dir = mkdtempSync(join(tmpdir(), 'otw-cli-tenant-'))
    url = `postgres://${server.superuser}@${server.host}:${server.port}/cli`
    process.env.OTW_TEST_PG_PASSWORD = server.superPassword
  }, 60_000)
  afterAll(() => {
    server?.destroy()
    rmSync(dir, { recursive: true, force: true })
  })

  it('plan, provision without --yes (refused), with --yes, status --json, then sync --once --json sends the historian', async () => {
    const pw = ['--pg', url, '--password-env', 'OTW_TEST_PG_PASSWORD']
    const plan = capture()
    expect(await main(['tenant', 'plan', ...pw], plan.io)).toBe(0)
    expect(plan.out.join('')).toContain('+ 1 sites, devices, tags and sensor_data')
    const refused = capture()
    expect(await main(['tenant', 'provision', ...pw], refused.io)).toBe(1)
    expect(refused.err.join('')).toContain('add --yes')
    expect(await main(['tenant', 'provision', ...pw, '--yes'], capture().io)).toBe(0)
    const status = capture()
    expect(await main(['tenant', 'status', ...pw, '--json'], status.io)).toBe(0)
    expect(JSON.parse(status.out.join(''))).toMatchObject({ version: 3, rows: 0, drift: [], flavor: { kind: 'plain' } })
    mkdirSync(join(dir, 'historian'))
    const h = openHistorian({ file: join(dir, 'historian', 'default.otwh'), flushIntervalMs: 0, retentionIntervalMs: 0 })
    for (let s = 0; s < 500; s++) h.append('plc/level', Date.UTC(2026, 11, 1) + s * 1000, s)
    h.close()
    const sync = capture()
    expect(await main(['sync', ...pw, '--data-dir', dir, '--once', '--json'], sync.io)).toBe(0)
    expect(JSON.parse(sync.out.join(''))).toMatchObject({ rowsSent: 500, rowsSkipped: 0, lagPoints: 0 })
    const backfill = capture()
    expect(await main(['sync', ...pw, '--data-dir', dir, '--from', '2026-12-01T00:00:00Z', '--to', '2026-12-01T00:00:09Z', '--json'], backfill.io)).toBe(0)
    expect(JSON.parse(backfill.out.join(''))).toMatchObject({ rowsSent: 0, rowsSkipped: 10 })
  })

  it('a password in --pg is refused, a missing --password-env variable is named, a wrong password fails in words', async () => {
    const inUrl = capture()
    expect(await main(['tenant', 'status', '--pg', `postgres://u:secret@${server.host}:${server.port}/cli`], inUrl.io)).toBe(2)
    expect(inUrl.err.join('')).toContain('a password in the URL is refused')
    const unset = capture()
    expect(await main(['tenant', 'status', '--pg', url, '--password-env', 'OTW_NOT_SET_ANYWHERE'], unset.io)).toBe(2)
    expect(unset.err.join('')).toContain('OTW_NOT_SET_ANYWHERE: that environment variable is not set')
    process.env.OTW_TEST_WRONG = 'wrong'
    const wrong = capture()
    expect(await main(['tenant', 'status', '--pg', url, '--password-env', 'OTW_TEST_WRONG'], wrong.io)).toBe(1)
    expect(wrong.err.join('')).toContain('password authentication failed')
  })
})
