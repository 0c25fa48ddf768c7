import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { KeyFileSecretBox } from '../../secrets/secret-box'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { connectTenant, TenantError } from './tenant-connection'
import { postgresInstalled, startTestPostgres, freePort, type TestPostgres } from './postgres-server.fixture'
import { openTarget, sealTarget, targetFromUrl, type TenantTarget } from './tenant-target'

async function failure(target: TenantTarget): Promise<TenantError> {
  try {
    const client = await connectTenant(target, 3000)
    await client.end()
  } catch (error) {
    if (error instanceof TenantError) return error
    throw error
  }
  throw new Error('connected, expected a failure')
}

describe.skipIf(!postgresInstalled)('tenant connection against a real PostgreSQL 15 with TLS from a test CA', () => {
  let server: TestPostgres
  let target: TenantTarget

  beforeAll(async () => {
    server = await startTestPostgres({ tls: true })
    await server.sql(`CREATE ROLE plant LOGIN PASSWORD 'plant-pw'`)
    await server.sql(`CREATE DATABASE tenant OWNER plant`)
    target = { host: '127.0.0.1', port: server.port, database: 'tenant', user: 'plant', password: 'plant-pw', tls: { mode: 'disable' } }
  }, 60_000)
  afterAll(() => server?.destroy())

  it('connects with the right password, without TLS and with TLS required', async () => {
    for (const mode of ['disable', 'require'] as const) {
      const client = await connectTenant({ ...target, tls: { mode } })
      const r = await client.query<{ ssl: boolean }>('SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()')
      expect(r.rows[0].ssl).toBe(mode === 'require')
      await client.end()
    }
  })

  it('verify-full with the CA that signed the server certificate connects to localhost', async () => {
    const client = await connectTenant({ ...target, host: 'localhost', tls: { mode: 'verify-full', ca: server.certificates!.caPem } })
    await client.end()
  })

  it('verify-full against another CA: certificate not trusted, with the reason', async () => {
    const error = await failure({ ...target, tls: { mode: 'verify-full', ca: server.certificates!.otherCaPem } })
    expect(error.kind).toBe('certificate-not-trusted')
    expect(error.message).toMatch(/certificate is not trusted \(.+\)/)
  })

  it('a wrong password is named as such', async () => {
    const error = await failure({ ...target, password: 'nope' })
    expect(error.kind).toBe('wrong-password')
    expect(error.message).toContain('password authentication failed for user plant')
  })

  it('a database that does not exist is named', async () => {
    const error = await failure({ ...target, database: 'no_such_db' })
    expect(error.kind).toBe('database-missing')
    expect(error.message).toContain('database "no_such_db" does not exist')
  })

  it('a closed port is unreachable', async () => {
    const error = await failure({ ...target, port: await freePort() })
    expect(error.kind).toBe('unreachable')
    expect(error.message).toMatch(/unreachable \(ECONNREFUSED\)/)
  })

  it('permission denied is named (a user without CONNECT on the database)', async () => {
    await server.sql(`CREATE ROLE stranger LOGIN PASSWORD 'x'`)
    await server.sql(`REVOKE CONNECT ON DATABASE tenant FROM PUBLIC`)
    const error = await failure({ ...target, user: 'stranger', password: 'x' })
    await server.sql(`GRANT CONNECT ON DATABASE tenant TO PUBLIC`)
    expect(error.kind).toBe('permission-denied')
    expect(error.message).toContain('permission denied')
  })
})

describe('tenant target storage and the CLI URL', () => {
  it('seals the password and the client key with the SecretBox and opens them again', () => {
    const dir = mkdtempSync(join(tmpdir(), 'otw-tenant-box-'))
    const box = KeyFileSecretBox.inDataDir(dir)
    const target: TenantTarget = {
      host: 'h',
      port: 5432,
      database: 'd',
      user: 'u',
      password: 'pw',
      tls: { mode: 'verify-full', ca: 'CA', cert: 'C', key: 'K' },
    }
    const stored = sealTarget(target, box)
    expect(JSON.stringify(stored)).not.toContain('"pw"')
    expect(stored.tls.keySealed).not.toBe('K')
    expect(openTarget(stored, box)).toEqual(target)
    rmSync(dir, { recursive: true, force: true })
  })

  it('refuses a password inside --pg and reads sslmode', () => {
    expect(() => targetFromUrl('postgres://u:secret@h/db', undefined)).toThrow(/--password-env/)
    expect(targetFromUrl('postgres://u@h:6543/db?sslmode=require', 'pw')).toMatchObject({
      host: 'h',
      port: 6543,
      database: 'db',
      user: 'u',
      password: 'pw',
      tls: { mode: 'require' },
    })
  })
})
