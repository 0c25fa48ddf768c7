import type pg from 'pg'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { connectTenant } from './tenant-connection'
import { dropPartitionsBefore, ensurePartitions } from './tenant-partitions'
import { postgresInstalled, startTestPostgres, type TestPostgres } from './postgres-server.fixture'
import { planTenant, provisionTenant, tenantVersion } from './tenant-provision'
import { latestTenantVersion, migrationContext, tenantMigrations } from './tenant-migrations'
import type { TenantTarget } from './tenant-target'

describe.skipIf(!postgresInstalled)('tenant provisioning on a real PostgreSQL 15 (no TimescaleDB installed)', () => {
  let server: TestPostgres
  let target: TenantTarget
  let client: pg.Client
  let n = 0

  beforeAll(async () => {
    server = await startTestPostgres()
  }, 60_000)
  afterAll(() => server?.destroy())
  afterEach(async () => client?.end())

  async function freshTenant(): Promise<void> {
    const database = `tenant${++n}`
    await server.sql(`CREATE DATABASE ${database}`)
    target = { host: server.host, port: server.port, database, user: server.superuser, password: server.superPassword, tls: { mode: 'disable' } }
    client = await connectTenant(target)
  }

  it('TimescaleDB extension missing → plain path: the plan says why and lists every table, index and role before applying', async () => {
    await freshTenant()
    const plan = await planTenant(client, target)
    expect(plan.flavor.kind).toBe('plain')
    expect(plan.flavor.reason).toMatch(/CREATE EXTENSION timescaledb failed \(.*timescaledb.*\)/)
    expect(plan.currentVersion).toBe(0)
    expect(plan.migrations.map((m) => m.version)).toEqual([1, 2, 3])
    const names = plan.migrations.flatMap((m) => m.changes.map((c) => `${c.action} ${c.kind} ${c.name}`))
    expect(names).toContain('create table sites')
    expect(names.some((x) => x.startsWith('create index sensor_data_time_brin'))).toBe(true)
    expect(names).toContain(`create role ${target.database}_otw_writer`)
    expect(await tenantVersion(client)).toBe(0)
    expect((await client.query(`SELECT to_regclass('public.sites') AS t`)).rows[0].t).toBeNull()
  })

  it('provisions the plain schema: partitioned sensor_data with a BRIN index on time, the idempotency key, the rollup view, the roles', async () => {
    await freshTenant()
    expect(await provisionTenant(client, target, await planTenant(client, target))).toBe(latestTenantVersion)
    const kind = await client.query(`SELECT relkind::text AS k FROM pg_class WHERE relname = 'sensor_data'`)
    expect(kind.rows[0].k).toBe('p')
    const brin = await client.query(`SELECT indexdef FROM pg_indexes WHERE indexname = 'sensor_data_time_brin'`)
    expect(brin.rows[0].indexdef).toContain('USING brin')
    await ensurePartitions(client, Date.UTC(2026, 0, 1, 23), Date.UTC(2026, 0, 2, 1))
    await client.query(`INSERT INTO devices (device_id, name) VALUES ('plc1', 'PLC 1')`)
    await client.query(`INSERT INTO sensor_data (time, device_id, tag_name, value, quality, seq) VALUES ('2026-01-01T23:00:00Z', 'plc1', 'speed', 1, 0, 0)`)
    await expect(
      client.query(`INSERT INTO sensor_data (time, device_id, tag_name, value, quality, seq) VALUES ('2026-01-01T23:00:00Z', 'plc1', 'speed', 2, 0, 0)`),
    ).rejects.toThrow(/duplicate key/)
    const parts = await client.query(`SELECT count(*)::int AS n FROM pg_inherits WHERE inhparent = 'sensor_data'::regclass`)
    expect(parts.rows[0].n).toBe(3)
    expect(await dropPartitionsBefore(client, Date.UTC(2026, 0, 2))).toEqual(['sensor_data_p20260101'])
    expect((await client.query(`SELECT count(*)::int AS n FROM sensor_data`)).rows[0].n).toBe(0)
    const roles = await client.query(`SELECT rolname FROM pg_roles WHERE rolname LIKE $1 ORDER BY 1`, [`${target.database}_otw_%`])
    expect(roles.rows.map((r) => r.rolname)).toEqual([`${target.database}_otw_reader`, `${target.database}_otw_writer`])
    const again = await planTenant(client, target)
    expect(again.migrations).toEqual([])
    expect(again.drift).toEqual([])
  })

  it('migrations up, down to 0, up again', async () => {
    await freshTenant()
    await provisionTenant(client, target, await planTenant(client, target))
    const down = await planTenant(client, target, 0)
    expect(down.migrations.map((m) => `${m.version} ${m.direction}`)).toEqual(['3 down', '2 down', '1 down'])
    expect(await provisionTenant(client, target, down)).toBe(0)
    expect((await client.query(`SELECT to_regclass('public.sensor_data') AS t`)).rows[0].t).toBeNull()
    expect((await client.query(`SELECT count(*)::int AS n FROM pg_roles WHERE rolname LIKE $1`, [`${target.database}_otw_%`])).rows[0].n).toBe(0)
    expect(await provisionTenant(client, target, await planTenant(client, target))).toBe(3)
    expect((await client.query(`SELECT version FROM otw_schema_migrations ORDER BY 1`)).rows.map((r) => r.version)).toEqual([1, 2, 3])
  })

  it('drift: an index dropped and a table added by hand show up in the next plan', async () => {
    await freshTenant()
    await provisionTenant(client, target, await planTenant(client, target))
    await client.query('DROP INDEX sensor_data_time_brin')
    await client.query('CREATE TABLE notes (id int)')
    await client.query('ALTER TABLE tags ADD COLUMN colour text')
    const plan = await planTenant(client, target)
    expect(plan.drift.map((d) => `${d.change} ${d.kind} ${d.name}`)).toEqual(['missing index sensor_data_time_brin', 'added table notes', 'changed table tags'])
    expect(plan.drift.find((d) => d.name === 'tags')?.actual).toContain('colour text')
  })

  it('a user without the right to create tables gets permission denied from provision', async () => {
    await freshTenant()
    await server.sql(`CREATE ROLE visitor${n} LOGIN PASSWORD 'v'`)
    await server.sql(`REVOKE CREATE ON SCHEMA public FROM PUBLIC`, target.database)
    const visitor = await connectTenant({ ...target, user: `visitor${n}`, password: 'v' })
    const error = await provisionTenant(visitor, target, await planTenant(visitor, target)).then(
      () => ({ code: 'none' }),
      (e: unknown) => e as { code?: string },
    )
    await visitor.end()
    expect(error.code).toBe('42501')
  })

  it('TimescaleDB path, SQL only (extension missing here): every statement names the TimescaleDB calls it relies on', () => {
    const ctx = migrationContext('t', 'timescaledb')
    const sql = tenantMigrations.flatMap((m) => m.up(ctx)).join('\n')
    expect(sql).toContain(`create_hypertable('sensor_data'`)
    expect(sql).toContain('add_compression_policy')
    expect(sql).toContain('add_retention_policy')
    expect(sql).toContain('timescaledb.continuous')
    expect(sql).not.toContain('PARTITION BY')
  })
})
