// Opens a session on the tenant and turns whatever goes wrong into one of a few failures a person can act on.
import pg from 'pg'
import type { TenantFailureKind } from '../../../preload/contract/tenant'
import { clientConfig, describeTarget, type TenantTarget } from './tenant-target'

/** A tenant failure: `kind` says which of the known failures it is, the message says what to do about it. */
export class TenantError extends Error {
  constructor(
    readonly kind: TenantFailureKind,
    message: string,
    readonly pgCode?: string,
  ) {
    super(message)
    this.name = 'TenantError'
  }
}

const CERTIFICATE_CODES = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
])
/** TLS alerts the server sends when it refuses the client's certificate. */
const CLIENT_CERTIFICATE_REFUSED = new Set([
  'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA',
  'ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE',
  'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED',
  'ERR_SSL_SSLV3_ALERT_CERTIFICATE_UNKNOWN',
  'ERR_SSL_TLSV1_ALERT_DECRYPT_ERROR',
])
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'EPIPE'])

/** Failures that pass when the tenant comes back: the sync waits and retries them; the rest need a person. */
export function isTransient(error: TenantError): boolean {
  return error.kind === 'unreachable'
}

export function explainTenantError(error: unknown, target: TenantTarget): TenantError {
  if (error instanceof TenantError) return error
  const where = describeTarget(target)
  const e = error as { code?: string; message?: string }
  const code = e?.code
  const message = e?.message ?? String(error)
  if (/certificate authentication failed/i.test(message))
    return new TenantError(
      'permission-denied',
      `${where}: the client certificate is not issued to user ${target.user} (${message}) — its CN must be the user name; give that user's certificate and key`,
      code,
    )
  if (/requires a valid client certificate/i.test(message))
    return new TenantError(
      'permission-denied',
      `${where}: the server requires a valid client certificate for ${target.user} (mutual TLS) — give the client certificate and key issued by the tenant's CA`,
      code,
    )
  if (code && CLIENT_CERTIFICATE_REFUSED.has(code))
    return new TenantError(
      'certificate-not-trusted',
      `${where}: the server does not trust the client certificate (${code}) — use a client certificate issued by the CA the tenant trusts (ssl_ca_file)`,
      code,
    )
  if (/no pg_hba\.conf entry.*no encryption/i.test(message))
    return new TenantError(
      'permission-denied',
      `${where}: the server accepts this login only over TLS (${message}) — set the TLS mode to require or verify-full`,
      code,
    )
  if (code === '28P01')
    return new TenantError(
      'wrong-password',
      target.tls.cert
        ? // The server words a failed certificate check (clientcert=verify-full) as a failed password; only its log says which.
          `${where}: password authentication failed for user ${target.user} — check the user and the password, and that the client certificate is issued to ${target.user} (its CN must be the user name)`
        : `${where}: password authentication failed for user ${target.user} — check the user and the password`,
      code,
    )
  if (code === '28000')
    return new TenantError(
      'permission-denied',
      `${where}: the server refuses this login (${message}) — ask the tenant's administrator to allow ${target.user} from this host in pg_hba.conf`,
      code,
    )
  if (code === '3D000')
    return new TenantError('database-missing', `${where}: database "${target.database}" does not exist — create it or correct the database name`, code)
  if (code === '42501')
    return new TenantError(
      'permission-denied',
      `${where}: permission denied (${message}) — grant ${target.user} the rights needed, or use the tenant owner to provision`,
      code,
    )
  if (code && CERTIFICATE_CODES.has(code)) {
    const why = code === 'ERR_TLS_CERT_ALTNAME_INVALID' ? `the certificate is not for ${target.host}` : message
    return new TenantError(
      'certificate-not-trusted',
      `${where}: the server's certificate is not trusted (${why}) — give the CA that signed it, or check the host name`,
      code,
    )
  }
  if (/does not support SSL/i.test(message))
    return new TenantError('tls-refused', `${where}: the server does not accept TLS — turn TLS on in the server, or set TLS to disable`)
  if (/no pg_hba\.conf entry/i.test(message))
    return new TenantError('permission-denied', `${where}: ${message} — ask the tenant's administrator to allow this host (and TLS mode) in pg_hba.conf`, code)
  if ((code && UNREACHABLE_CODES.has(code)) || /timeout|terminated unexpectedly|Connection terminated|connect ECONN/i.test(message))
    return new TenantError(
      'unreachable',
      `${where}: unreachable (${code ?? message}) — check the host, the port and the network; the sync keeps the data and catches up when it answers`,
      code,
    )
  if (code === '57P01' || code === '57P02' || code === '57P03')
    return new TenantError('unreachable', `${where}: the server is shutting down or starting (${message}) — the sync retries when it answers`, code)
  return new TenantError('other', `${where}: ${message}`, code)
}

/** Connects and returns an open client; the caller ends it. Errors arrive as TenantError. */
export async function connectTenant(target: TenantTarget, connectTimeoutMs?: number): Promise<pg.Client> {
  const client = new pg.Client(clientConfig(target, connectTimeoutMs))
  // A dropped connection emits 'error' on an idle client; the next query fails and is reported there instead.
  client.on('error', () => undefined)
  try {
    await client.connect()
    return client
  } catch (error) {
    // A session refused during the TLS handshake may never report its end: wait at most a moment for it.
    await Promise.race([client.end().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 1000).unref())])
    throw explainTenantError(error, target)
  }
}

/** Runs `work` on a fresh session and always ends it. */
export async function withTenant<T>(target: TenantTarget, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = await connectTenant(target)
  try {
    return await work(client)
  } catch (error) {
    throw explainTenantError(error, target)
  } finally {
    await client.end().catch(() => undefined)
  }
}
