import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connectTenant, TenantError } from './tenant-connection'
import { makeClientCertificate, postgresInstalled, startTestPostgres, type TestPostgres } from './postgres-server.fixture'
import type { TenantTarget } from './tenant-target'

async function failure(target: TenantTarget): Promise<TenantError> {
  try {
    const client = await connectTenant(target, 5000)
    await client.end()
  } catch (error) {
    if (error instanceof TenantError) return error
    throw error
  }
  throw new Error('connected, expected a failure')
}

async function sslOf(target: TenantTarget): Promise<{ ssl: boolean; client_dn: string | null }> {
  const client = await connectTenant(target, 5000)
  try {
    return (await client.query<{ ssl: boolean; client_dn: string | null }>('SELECT ssl, client_dn FROM pg_stat_ssl WHERE pid = pg_backend_pid()')).rows[0]
  } finally {
    await client.end()
  }
}

// pg_hba.conf as a tenant's administrator writes it: `plant` must come over TLS (hostssl), `edge` must also show a
// client certificate issued to it by the tenant's CA (clientcert=verify-full: chain and CN = user name).
describe.skipIf(!postgresInstalled)('server-required TLS and mutual TLS against a real PostgreSQL 15 (hostssl, clientcert=verify-full, test CA)', () => {
  let server: TestPostgres
  let plant: TenantTarget
  let edge: TenantTarget

  beforeAll(async () => {
    server = await startTestPostgres({
      tls: true,
      hba: ['hostssl all plant 127.0.0.1/32 scram-sha-256', 'hostssl all edge 127.0.0.1/32 scram-sha-256 clientcert=verify-full'],
    })
    await server.sql(`CREATE ROLE plant LOGIN PASSWORD 'plant-pw'`)
    await server.sql(`CREATE ROLE edge LOGIN PASSWORD 'edge-pw'`)
    await server.sql(`CREATE DATABASE tenant`)
    plant = { host: 'localhost', port: server.port, database: 'tenant', user: 'plant', password: 'plant-pw', tls: { mode: 'disable' } }
    edge = { ...plant, user: 'edge', password: 'edge-pw', tls: { mode: 'verify-full', ca: server.certificates!.caPem } }
  }, 120_000)
  afterAll(() => server?.destroy())

  it('a server that requires TLS refuses a login without it, in words that say so', async () => {
    const error = await failure(plant)
    expect(error.kind).toBe('permission-denied')
    expect(error.message).toMatch(/no pg_hba\.conf entry .*no encryption/)
    expect(error.message).toContain('TLS mode')
  })

  it('the same login over TLS (require, and verify-full with the CA) is encrypted', async () => {
    expect(await sslOf({ ...plant, tls: { mode: 'require' } })).toMatchObject({ ssl: true })
    expect(await sslOf({ ...plant, tls: { mode: 'verify-full', ca: server.certificates!.caPem } })).toMatchObject({ ssl: true })
  })

  it('mTLS: a client certificate for the user from the tenant CA logs in, and the server sees who it is', async () => {
    const client = makeClientCertificate(server.certificates!, 'edge')
    const row = await sslOf({ ...edge, tls: { ...edge.tls, ...client } })
    expect(row.ssl).toBe(true)
    expect(row.client_dn).toBe('/CN=edge')
  })

  it('mTLS: no client certificate is refused with the reason', async () => {
    const error = await failure(edge)
    expect(error.kind).toBe('permission-denied')
    expect(error.message).toMatch(/client certificate/i)
  })

  it('mTLS: a certificate issued to another user is refused, and the message names the CN as a cause', async () => {
    const other = makeClientCertificate(server.certificates!, 'plant')
    const error = await failure({ ...edge, tls: { ...edge.tls, ...other } })
    // PostgreSQL tells the client only "password authentication failed"; its log says the certificate's CN did not match.
    expect(error.kind).toBe('wrong-password')
    expect(error.message).toContain('the client certificate is issued to edge (its CN must be the user name)')
  })

  it('mTLS: a client certificate from a CA the server does not trust is refused as not trusted', async () => {
    const foreign = makeClientCertificate(server.certificates!, 'edge', 'other-ca')
    const error = await failure({ ...edge, tls: { ...edge.tls, ...foreign } })
    expect(error.kind).toBe('certificate-not-trusted')
    expect(error.message).toMatch(/does not trust the client certificate/)
  })
})
