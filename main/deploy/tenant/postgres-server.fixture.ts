// A real PostgreSQL 15 (Debian) for tests: initdb in a temporary folder (through `runuser -u postgres` when run as
// root, since initdb refuses root), pg_ctl on a free port, password authentication, optional TLS with a CA made here.
import { spawnSync } from 'node:child_process'
import { chmodSync, chownSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, appendFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'

export const POSTGRES_BIN = '/usr/lib/postgresql/15/bin'
export const postgresInstalled = existsSync(join(POSTGRES_BIN, 'initdb'))

export interface TestCertificates {
  dir: string
  /** PEM of the CA that signed the server's certificate. */
  caPem: string
  /** PEM of a CA that signed nothing the server holds (an untrusted issuer). */
  otherCaPem: string
  serverCert: string
  serverKey: string
  /** The CA file the server checks client certificates against (ssl_ca_file). */
  caFile: string
}

export interface TestPostgres {
  host: string
  port: number
  superuser: string
  superPassword: string
  dir: string
  certificates?: TestCertificates
  /** Runs SQL as the superuser on `database` (default postgres). */
  sql(text: string, database?: string): Promise<pg.QueryResult>
  stop(mode?: 'fast' | 'immediate'): void
  start(): void
  /** Stops the server and removes its folder. */
  destroy(): void
}

const isRoot = process.getuid?.() === 0

function asPostgres(args: string[]): string {
  const r = isRoot ? spawnSync('runuser', ['-u', 'postgres', '--', ...args], { encoding: 'utf8' }) : spawnSync(args[0], args.slice(1), { encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed: ${r.stderr || r.stdout}`)
  return r.stdout
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

function openssl(args: string[], cwd: string): void {
  const r = spawnSync('openssl', args, { cwd, encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${r.stderr}`)
}

/** A client certificate for mutual TLS with CN = `user` (what clientcert=verify-full checks), signed by the test CA or the other one. */
export function makeClientCertificate(certificates: TestCertificates, user: string, signer: 'ca' | 'other-ca' = 'ca'): { cert: string; key: string } {
  const name = `client-${user}-${signer}`
  openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${user}`], certificates.dir)
  openssl(
    ['x509', '-req', '-in', `${name}.csr`, '-CA', `${signer}.crt`, '-CAkey', `${signer}.key`, '-CAcreateserial', '-out', `${name}.crt`, '-days', '2'],
    certificates.dir,
  )
  return { cert: readFileSync(join(certificates.dir, `${name}.crt`), 'utf8'), key: readFileSync(join(certificates.dir, `${name}.key`), 'utf8') }
}

/** A CA, a server certificate for localhost/127.0.0.1 signed by it, and a second CA that signed nothing. */
export function makeTestCertificates(dir: string): TestCertificates {
  const subj = (cn: string) => ['-subj', `/CN=${cn}`]
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', ...subj('otw test CA')], dir)
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'other-ca.key', '-out', 'other-ca.crt', '-days', '2', ...subj('otw other CA')], dir)
  openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', ...subj('localhost')], dir)
  writeFileSync(join(dir, 'server.ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n')
  openssl(
    ['x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.crt', '-days', '2', '-extfile', 'server.ext'],
    dir,
  )
  return {
    dir,
    caPem: readFileSync(join(dir, 'ca.crt'), 'utf8'),
    otherCaPem: readFileSync(join(dir, 'other-ca.crt'), 'utf8'),
    serverCert: join(dir, 'server.crt'),
    serverKey: join(dir, 'server.key'),
    caFile: join(dir, 'ca.crt'),
  }
}

function postgresUid(): { uid: number; gid: number } {
  const uid = Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim())
  const gid = Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim())
  return { uid, gid }
}

/**
 * Starts PostgreSQL 15 with scram-sha-256 for every connection; `tls` turns on ssl with a test CA. Tests run with
 * fsync off; `durable` keeps fsync on, as a real tenant runs (the benchmark: every commit then waits for its WAL).
 */
export async function startTestPostgres(options: { tls?: boolean; durable?: boolean; hba?: string[] } = {}): Promise<TestPostgres> {
  const dir = mkdtempSync(join(tmpdir(), 'otw-test-pg-'))
  chmodSync(dir, 0o777)
  const data = join(dir, 'data')
  const superuser = 'otw_admin'
  const superPassword = 'admin-secret-' + Math.random().toString(36).slice(2)
  const pwfile = join(dir, 'pwfile')
  writeFileSync(pwfile, superPassword + '\n', { mode: 0o644 })
  asPostgres([join(POSTGRES_BIN, 'initdb'), '-D', data, '-A', 'scram-sha-256', '-U', superuser, '--pwfile', pwfile, '--no-sync'])
  let certificates: TestCertificates | undefined
  if (options.tls) {
    certificates = makeTestCertificates(dir)
    const owner = postgresUid()
    for (const file of [certificates.serverCert, certificates.serverKey]) {
      if (isRoot) chownSync(file, owner.uid, owner.gid)
      chmodSync(file, 0o600)
    }
    appendFileSync(
      join(data, 'postgresql.conf'),
      `\nssl = on\nssl_cert_file = '${certificates.serverCert}'\nssl_key_file = '${certificates.serverKey}'\nssl_ca_file = '${certificates.caFile}'\n`,
    )
  }
  // Own pg_hba.conf lines (hostssl, clientcert=verify-full…); the superuser keeps a plain login for sql().
  if (options.hba) writeFileSync(join(data, 'pg_hba.conf'), [`host all ${superuser} 127.0.0.1/32 scram-sha-256`, ...options.hba, ''].join('\n'))
  const port = await freePort()
  const log = join(dir, 'log')
  const start = () =>
    asPostgres([
      join(POSTGRES_BIN, 'pg_ctl'),
      '-D',
      data,
      '-l',
      log,
      '-w',
      '-o',
      `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1${options.durable ? '' : ' -c fsync=off'}`,
      'start',
    ])
  const stop = (mode: 'fast' | 'immediate' = 'fast') => asPostgres([join(POSTGRES_BIN, 'pg_ctl'), '-D', data, '-m', mode, '-w', 'stop'])
  start()
  const sql = async (text: string, database = 'postgres') => {
    const client = new pg.Client({ host: '127.0.0.1', port, user: superuser, password: superPassword, database })
    await client.connect()
    try {
      return await client.query(text)
    } finally {
      await client.end()
    }
  }
  return {
    host: '127.0.0.1',
    port,
    superuser,
    superPassword,
    dir,
    certificates,
    sql,
    stop,
    start,
    destroy: () => {
      try {
        stop('immediate')
      } catch {
        // already stopped
      }
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
