// PostgreSQL 15 (Debian) as the cloud tenant a spec provisions: initdb in a temporary folder (through
// `runuser -u postgres` as root, since initdb refuses root), scram passwords, pg_ctl on a free port.
// e2e may not import main/, so this is the spec-side twin of main/deploy/tenant/postgres-server.fixture.ts (without TLS).
import { spawnSync } from 'node:child_process'
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'

const BIN = '/usr/lib/postgresql/15/bin'
export const postgresInstalled = existsSync(join(BIN, 'initdb'))

export interface TestPostgres {
  host: string
  port: number
  superuser: string
  superPassword: string
  sql(text: string): Promise<void>
  destroy(): void
}

function asPostgres(args: string[]): void {
  const r =
    process.getuid?.() === 0
      ? spawnSync('runuser', ['-u', 'postgres', '--', ...args], { encoding: 'utf8' })
      : spawnSync(args[0], args.slice(1), { encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed: ${r.stderr || r.stdout}`)
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
  })
}

export async function startTestPostgres(): Promise<TestPostgres> {
  const dir = mkdtempSync(join(tmpdir(), 'otw-e2e-pg-'))
  chmodSync(dir, 0o777)
  const data = join(dir, 'data')
  const superuser = 'otw_admin'
  const superPassword = 'e2e-' + Math.random().toString(36).slice(2)
  writeFileSync(join(dir, 'pwfile'), superPassword + '\n', { mode: 0o644 })
  asPostgres([join(BIN, 'initdb'), '-D', data, '-A', 'scram-sha-256', '-U', superuser, '--pwfile', join(dir, 'pwfile'), '--no-sync'])
  const port = await freePort()
  asPostgres([join(BIN, 'pg_ctl'), '-D', data, '-l', join(dir, 'log'), '-w', '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, 'start'])
  return {
    host: '127.0.0.1',
    port,
    superuser,
    superPassword,
    async sql(text) {
      const client = new pg.Client({ host: '127.0.0.1', port, user: superuser, password: superPassword, database: 'postgres' })
      await client.connect()
      await client.query(text).finally(() => client.end())
    },
    destroy() {
      asPostgres([join(BIN, 'pg_ctl'), '-D', data, '-m', 'immediate', '-w', 'stop'])
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
