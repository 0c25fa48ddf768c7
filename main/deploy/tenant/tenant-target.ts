// The cloud tenant as a PostgreSQL target: where it is, who logs in, how TLS is checked; stored with its secrets sealed.
import { isIP } from 'node:net'
import type { ConnectionOptions } from 'node:tls'
import type pg from 'pg'
import type { SecretBox } from '../../secrets/secret-box'
import type { TenantTarget, TenantTls } from '../../../preload/contract/tenant'

export type { TenantTarget, TenantTls }

/** The form a target is stored in: the password and the client key sealed by the app's SecretBox. */
export interface StoredTenantTarget {
  host: string
  port: number
  database: string
  user: string
  passwordSealed: string | null
  tls: { mode: TenantTls['mode']; ca: string | null; cert: string | null; keySealed: string | null }
}

export function sealTarget(target: TenantTarget, box: SecretBox): StoredTenantTarget {
  return {
    host: target.host,
    port: target.port,
    database: target.database,
    user: target.user,
    passwordSealed: target.password ? box.seal(target.password) : null,
    tls: { mode: target.tls.mode, ca: target.tls.ca ?? null, cert: target.tls.cert ?? null, keySealed: target.tls.key ? box.seal(target.tls.key) : null },
  }
}

export function openTarget(stored: StoredTenantTarget, box: SecretBox): TenantTarget {
  return {
    host: stored.host,
    port: stored.port,
    database: stored.database,
    user: stored.user,
    password: stored.passwordSealed ? box.open(stored.passwordSealed) : undefined,
    tls: {
      mode: stored.tls.mode,
      ca: stored.tls.ca ?? undefined,
      cert: stored.tls.cert ?? undefined,
      key: stored.tls.keySealed ? box.open(stored.tls.keySealed) : undefined,
    },
  }
}

/** What a person reads for the target: never the password or the key. */
export function describeTarget(target: Pick<TenantTarget, 'host' | 'port' | 'database' | 'user'>): string {
  return `PostgreSQL ${target.user}@${target.host}:${target.port}/${target.database}`
}

/** The stable key under which sync cursors of this tenant are kept (same tenant, same cursors). */
export function targetKey(target: Pick<TenantTarget, 'host' | 'port' | 'database'>): string {
  return `${target.host}:${target.port}/${target.database}`
}

function tlsOptions(target: TenantTarget): false | ConnectionOptions {
  const { mode, ca, cert, key } = target.tls
  if (mode === 'disable') return false
  const client = cert && key ? { cert, key } : {}
  // 'require' encrypts without checking who answers (libpq's sslmode=require); 'verify-full' checks the chain and the host name.
  if (mode === 'require') return { rejectUnauthorized: false, ...client }
  return { rejectUnauthorized: true, ...(ca ? { ca } : {}), ...(isIP(target.host) ? {} : { servername: target.host }), ...client }
}

export function clientConfig(target: TenantTarget, connectTimeoutMs = 10_000): pg.ClientConfig {
  return {
    host: target.host,
    port: target.port,
    database: target.database,
    user: target.user,
    password: target.password ?? '',
    ssl: tlsOptions(target),
    connectionTimeoutMillis: connectTimeoutMs,
    application_name: 'OT Workbench',
  }
}

/** Parses `postgres://user@host:port/db?sslmode=…` (the CLI's --pg); a password inside the URL is refused. */
export function targetFromUrl(url: string, password: string | undefined, tls: Partial<TenantTls> = {}): TenantTarget {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new Error(`--pg ${url}: not a URL — write postgres://user@host:5432/database`)
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') throw new Error(`--pg ${url}: use postgres://user@host:5432/database`)
  if (parsed.password)
    throw new Error(
      '--pg: a password in the URL is refused (it would show in the process list and shell history) — put it in an environment variable and pass --password-env VAR',
    )
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''))
  if (!database) throw new Error(`--pg ${parsed.host}: the database is missing — write postgres://user@host:5432/database`)
  const sslmode = parsed.searchParams.get('sslmode') ?? 'disable'
  if (sslmode !== 'disable' && sslmode !== 'require' && sslmode !== 'verify-full')
    throw new Error(`--pg: sslmode=${sslmode} is not supported — use disable, require or verify-full`)
  return {
    host: parsed.hostname,
    port: parsed.port ? Number(parsed.port) : 5432,
    database,
    user: decodeURIComponent(parsed.username || 'postgres'),
    password,
    tls: { mode: tls.mode ?? sslmode, ca: tls.ca, cert: tls.cert, key: tls.key },
  }
}
