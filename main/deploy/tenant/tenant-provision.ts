// Plan → diff → apply for the tenant's schema: pending migrations, the flavour detected, and drift (what changed by
// hand since our last apply, compared with the catalog recorded with that apply in otw_schema_migrations).
import type pg from 'pg'
import type { DriftItem, PlannedMigration, TenantFlavor, TenantPlan } from '../../../preload/contract/tenant'
import { describeTarget, type TenantTarget } from './tenant-target'
import { latestTenantVersion, migrationContext, tenantMigrations, type MigrationContext } from './tenant-migrations'

const MIGRATIONS_TABLE = 'otw_schema_migrations'

/** One object of the catalog by its kind and name, and its definition as text (what drift compares). */
export type CatalogSnapshot = Record<string, string>

async function tableExists(client: pg.Client, name: string): Promise<boolean> {
  const r = await client.query<{ t: string | null }>('SELECT to_regclass($1)::text AS t', [`public.${name}`])
  return r.rows[0].t !== null
}

async function ensureMigrationsTable(client: pg.Client): Promise<void> {
  await client.query(
    `CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (version integer PRIMARY KEY, name text NOT NULL, flavor text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now(), applied_by text NOT NULL DEFAULT current_user, catalog_after jsonb NOT NULL)`,
  )
}

interface AppliedRow {
  version: number
  flavor: TenantFlavor['kind']
  catalog_after: CatalogSnapshot
}

async function appliedMigrations(client: pg.Client): Promise<AppliedRow[]> {
  if (!(await tableExists(client, MIGRATIONS_TABLE))) return []
  return (await client.query<AppliedRow>(`SELECT version, flavor, catalog_after FROM ${MIGRATIONS_TABLE} ORDER BY version`)).rows
}

/** TimescaleDB when CREATE EXTENSION timescaledb works (tried in a transaction that is rolled back), else plain. */
export async function detectFlavor(client: pg.Client): Promise<TenantFlavor> {
  const installed = await client.query(`SELECT 1 FROM pg_extension WHERE extname = 'timescaledb'`)
  if (installed.rowCount) return { kind: 'timescaledb', reason: 'the timescaledb extension is installed in this database' }
  await client.query('BEGIN')
  try {
    await client.query('CREATE EXTENSION IF NOT EXISTS timescaledb')
    return { kind: 'timescaledb', reason: 'CREATE EXTENSION timescaledb works here' }
  } catch (error) {
    return { kind: 'plain', reason: `plain PostgreSQL: CREATE EXTENSION timescaledb failed (${(error as Error).message})` }
  } finally {
    await client.query('ROLLBACK')
  }
}

/** The tables, views, indexes and roles of the schema, partitions left out (the sync adds those as time goes on). */
export async function readCatalog(client: pg.Client, ctx: MigrationContext): Promise<CatalogSnapshot> {
  const snapshot: CatalogSnapshot = {}
  const relations = await client.query<{ name: string; kind: string; columns: string | null }>(
    `SELECT c.relname AS name, c.relkind::text AS kind,
            string_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod) || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END, ', ' ORDER BY a.attnum) AS columns
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm') AND NOT c.relispartition AND c.relname <> $1
      GROUP BY c.relname, c.relkind`,
    [MIGRATIONS_TABLE],
  )
  for (const r of relations.rows) snapshot[`${r.kind === 'v' || r.kind === 'm' ? 'view' : 'table'}:${r.name}`] = r.columns ?? ''
  const indexes = await client.query<{ name: string; def: string }>(
    `SELECT i.indexname AS name, i.indexdef AS def FROM pg_indexes i JOIN pg_class t ON t.relname = i.tablename JOIN pg_namespace n ON n.oid = t.relnamespace AND n.nspname = i.schemaname
      WHERE i.schemaname = 'public' AND NOT t.relispartition AND i.tablename <> $1`,
    [MIGRATIONS_TABLE],
  )
  for (const r of indexes.rows) snapshot[`index:${r.name}`] = r.def
  const roles = await client.query<{ name: string; login: boolean }>(`SELECT rolname AS name, rolcanlogin AS login FROM pg_roles WHERE rolname = ANY($1)`, [
    [ctx.writerRole, ctx.readerRole],
  ])
  for (const r of roles.rows) snapshot[`role:${r.name}`] = r.login ? 'login' : 'nologin'
  const policies = await client.query<{ name: string; table: string; def: string | null }>(
    `SELECT policyname AS name, tablename AS table, qual AS def FROM pg_policies WHERE schemaname = 'public'`,
  )
  for (const r of policies.rows) snapshot[`policy:${r.table}.${r.name}`] = r.def ?? ''
  return snapshot
}

export function diffCatalog(expected: CatalogSnapshot, actual: CatalogSnapshot): DriftItem[] {
  const items: DriftItem[] = []
  for (const key of new Set([...Object.keys(expected), ...Object.keys(actual)])) {
    const [kind, ...rest] = key.split(':')
    const name = rest.join(':')
    const e = expected[key] ?? null
    const a = actual[key] ?? null
    if (e === a) continue
    items.push({ kind: kind as DriftItem['kind'], name, change: e === null ? 'added' : a === null ? 'missing' : 'changed', expected: e, actual: a })
  }
  return items.sort((x, y) => `${x.kind}:${x.name}`.localeCompare(`${y.kind}:${y.name}`))
}

export async function planTenant(client: pg.Client, target: TenantTarget, targetVersion = latestTenantVersion): Promise<TenantPlan> {
  const applied = await appliedMigrations(client)
  const current = applied.at(-1)?.version ?? 0
  const flavor: TenantFlavor = applied.length
    ? { kind: applied[0].flavor, reason: `recorded in ${MIGRATIONS_TABLE} when version 1 was applied` }
    : await detectFlavor(client)
  const ctx = migrationContext(target.database, flavor.kind)
  const migrations: PlannedMigration[] = []
  if (targetVersion >= current) {
    for (const m of tenantMigrations.filter((x) => x.version > current && x.version <= targetVersion))
      migrations.push({ version: m.version, name: m.name, direction: 'up', changes: m.changes(ctx), sql: m.up(ctx) })
  } else {
    for (const m of [...tenantMigrations].reverse().filter((x) => x.version <= current && x.version > targetVersion))
      migrations.push({
        version: m.version,
        name: m.name,
        direction: 'down',
        changes: m.changes(ctx).map((c) => ({ ...c, action: 'drop' as const })),
        sql: m.down(ctx),
      })
  }
  const expected = applied.at(-1)?.catalog_after ?? {}
  const drift = applied.length ? diffCatalog(expected, await readCatalog(client, ctx)) : []
  return { target: describeTarget(target), flavor, currentVersion: current, targetVersion, migrations, drift }
}

/** Applies the plan's migrations, each in its own transaction together with its record (and the catalog after it). */
export async function provisionTenant(client: pg.Client, target: TenantTarget, plan: TenantPlan): Promise<number> {
  const ctx = migrationContext(target.database, plan.flavor.kind)
  await ensureMigrationsTable(client)
  let version = plan.currentVersion
  for (const m of plan.migrations) {
    await client.query('BEGIN')
    try {
      if (m.version === 1 && m.direction === 'up' && plan.flavor.kind === 'timescaledb') await client.query('CREATE EXTENSION IF NOT EXISTS timescaledb')
      for (const statement of m.sql) await client.query(statement)
      if (m.direction === 'up') {
        const catalog = await readCatalog(client, ctx)
        await client.query(`INSERT INTO ${MIGRATIONS_TABLE} (version, name, flavor, catalog_after) VALUES ($1, $2, $3, $4)`, [
          m.version,
          m.name,
          plan.flavor.kind,
          JSON.stringify(catalog),
        ])
        version = m.version
      } else {
        await client.query(`DELETE FROM ${MIGRATIONS_TABLE} WHERE version >= $1`, [m.version])
        version = m.version - 1
      }
      await client.query('COMMIT')
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined)
      throw Object.assign(error as Error, { message: `migration ${m.version} (${m.name}, ${m.direction}): ${(error as Error).message}` })
    }
  }
  return version
}

/** The version recorded in the tenant (0 when never provisioned). */
export async function tenantVersion(client: pg.Client): Promise<number> {
  return (await appliedMigrations(client)).at(-1)?.version ?? 0
}
