import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { channels, WorkbenchError } from '../../preload/contract'
import { openHistorian } from '../historian'
import { KeyFileSecretBox } from '../secrets/secret-box'
import { postgresInstalled, startTestPostgres, type TestPostgres } from '../deploy/tenant/postgres-server.fixture'
import { tenantHandlers } from './tenant-handlers'
import { TenantService } from './tenant-service'

describe.skipIf(!postgresInstalled)('tenant.* and sync.* handlers over the tenant service, real PostgreSQL 15', () => {
  let server: TestPostgres
  let dir: string
  beforeAll(async () => {
    server = await startTestPostgres()
    await server.sql('CREATE DATABASE plant')
    dir = mkdtempSync(join(tmpdir(), 'otw-tenant-service-'))
  }, 60_000)
  afterAll(() => {
    server?.destroy()
    rmSync(dir, { recursive: true, force: true })
  })

  it('stores the target sealed, plans, provisions and syncs; a wrong password is a CONNECTION_FAILED with its kind', async () => {
    const historian = openHistorian({ file: join(dir, 'h.otwh'), flushIntervalMs: 0, retentionIntervalMs: 0 })
    const now = Date.now() - 60_000
    for (let s = 0; s < 30; s++) historian.append('plc/speed', now + s * 1000, s)
    historian.flush()
    const service = new TenantService({ dataDir: dir, box: KeyFileSecretBox.inDataDir(dir), historian })
    const h = tenantHandlers(service)
    expect(await h['sync.status'](undefined)).toMatchObject({ state: 'not-configured' })
    const input = channels['tenant.setTarget'].input.parse({
      host: server.host,
      port: server.port,
      database: 'plant',
      user: server.superuser,
      password: server.superPassword,
      tls: { mode: 'disable' },
    })
    expect(await h['tenant.setTarget'](input)).toMatchObject({ hasPassword: true, database: 'plant' })
    expect(readFileSync(join(dir, 'sync.db')).includes(Buffer.from(server.superPassword))).toBe(false)
    const plan = await h['tenant.plan'](undefined)
    expect(plan.migrations).toHaveLength(3)
    expect((await h['tenant.provision'](undefined)).version).toBe(3)
    await h['sync.resume'](undefined)
    for (let i = 0; i < 200 && (await h['sync.status'](undefined)).rowsSent < 30; i++) await new Promise((r) => setTimeout(r, 50))
    expect(await h['sync.status'](undefined)).toMatchObject({ rowsSent: 30, lastError: null })
    expect((await h['tenant.test'](undefined)).rows).toBe(30)
    await h['tenant.setTarget']({ ...input, password: 'wrong' })
    expect((await h['tenant.test'](undefined)).error?.kind).toBe('wrong-password')
    const error = await h['tenant.plan'](undefined).catch((e: unknown) => e as WorkbenchError)
    expect(error).toBeInstanceOf(WorkbenchError)
    expect(error).toMatchObject({ code: 'CONNECTION_FAILED', details: { kind: 'wrong-password' } })
    await service.close()
    historian.close()
  })
})
