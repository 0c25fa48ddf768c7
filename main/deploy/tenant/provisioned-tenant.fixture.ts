// A new database on a test PostgreSQL, provisioned as a tenant (schema, roles) and reached as its superuser without TLS.
import type pg from 'pg'
import type { TestPostgres } from './postgres-server.fixture'
import { connectTenant } from './tenant-connection'
import { planTenant, provisionTenant } from './tenant-provision'
import type { TenantTarget } from './tenant-target'

/** `prepare` runs on the provisioning connection before it closes (a bench adds the partitions it writes into). */
export async function provisionedTenant(server: TestPostgres, database: string, prepare?: (client: pg.Client) => Promise<void>): Promise<TenantTarget> {
  await server.sql(`CREATE DATABASE ${database}`)
  const target: TenantTarget = {
    host: server.host,
    port: server.port,
    database,
    user: server.superuser,
    password: server.superPassword,
    tls: { mode: 'disable' },
  }
  const client = await connectTenant(target)
  await provisionTenant(client, target, await planTenant(client, target))
  await prepare?.(client)
  await client.end()
  return target
}
