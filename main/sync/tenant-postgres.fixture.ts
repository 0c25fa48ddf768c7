// The suite setup of the sync tests: a real PostgreSQL 15 and a temporary folder (for historian files and sync.db)
// from before the first test to after the last, and a new provisioned tenant database for each test that asks.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll } from 'vitest'
import { startTestPostgres, type TestPostgres } from '../deploy/tenant/postgres-server.fixture'
import { provisionedTenant } from '../deploy/tenant/provisioned-tenant.fixture'
import type { TenantTarget } from '../deploy/tenant/tenant-target'

export interface PostgresTenants {
  /** Set from beforeAll on. */
  server: TestPostgres
  /** The suite's temporary folder. */
  dir: string
  /** How many tenants freshTenant has made (the newest is numbered by it). */
  count: number
  /** A new database `<name><count>`, provisioned. */
  freshTenant(): Promise<TenantTarget>
}

/** Call inside a describe: registers its beforeAll and afterAll. */
export function usePostgresTenants(name: string): PostgresTenants {
  const tenants: PostgresTenants = {
    server: undefined as unknown as TestPostgres,
    dir: '',
    count: 0,
    freshTenant: () => provisionedTenant(tenants.server, `${name}${++tenants.count}`),
  }
  beforeAll(async () => {
    tenants.server = await startTestPostgres()
    tenants.dir = mkdtempSync(join(tmpdir(), `otw-${name}-`))
  }, 60_000)
  afterAll(() => {
    tenants.server?.destroy()
    if (tenants.dir) rmSync(tenants.dir, { recursive: true, force: true })
  })
  return tenants
}
