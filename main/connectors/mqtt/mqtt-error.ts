/** CONNACK return codes of MQTT 3.1.1. */
const V3_CODES: Record<number, string> = {
  1: 'unacceptable protocol version',
  2: 'client id rejected',
  3: 'server unavailable',
  4: 'bad user name or password',
  5: 'not authorised',
}

/** CONNACK/DISCONNECT reason codes of MQTT 5 (0x80 and up are failures). */
const V5_CODES: Record<number, string> = {
  0x80: 'unspecified error',
  0x81: 'malformed packet',
  0x82: 'protocol error',
  0x83: 'implementation specific error',
  0x84: 'unsupported protocol version',
  0x85: 'client id not valid',
  0x86: 'bad user name or password',
  0x87: 'not authorised',
  0x88: 'server unavailable',
  0x89: 'server busy',
  0x8a: 'banned',
  0x8b: 'server shutting down',
  0x8c: 'bad authentication method',
  0x8d: 'keep alive timeout',
  0x8e: 'session taken over by another client with the same client id',
  0x95: 'packet too large',
  0x97: 'quota exceeded',
  0x9c: 'use another server',
  0x9d: 'server moved',
  0x9f: 'connection rate exceeded',
}

const TLS_CERT_ERRORS: Record<string, string> = {
  SELF_SIGNED_CERT_IN_CHAIN: 'the broker certificate chain ends in a CA this connection does not trust',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'the broker certificate is self-signed and not trusted',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'the broker certificate is not signed by a trusted CA',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'the CA that signed the broker certificate is not trusted',
  UNABLE_TO_GET_ISSUER_CERT: 'the CA that signed the broker certificate is not trusted',
  CERT_HAS_EXPIRED: 'the broker certificate has expired',
  CERT_NOT_YET_VALID: 'the broker certificate is not valid yet (check this machine’s clock)',
  ERR_TLS_CERT_ALTNAME_INVALID: 'the broker certificate is for another host name',
}

function hex(code: number): string {
  return `0x${code.toString(16).padStart(2, '0')}`
}

function whatToDo(reason: string): string {
  if (/user name|password|authoris|authentication/.test(reason)) return 'check the user name and password, and the broker’s access rules for this client'
  if (/client id/.test(reason)) return 'use another client id'
  if (/protocol version/.test(reason)) return 'switch the protocol version (3.1.1 or 5) to one the broker speaks'
  if (/banned|rate|quota|busy|unavailable|shutting down/.test(reason)) return 'wait, or ask whoever runs the broker'
  return 'check the connection settings'
}

/**
 * Turns what mqtt.js and Node report into one sentence a person can act on: what failed, on which broker, what to do.
 * Keeps the broker's reason code (`not authorised (reason 0x87)`) so it can be looked up.
 */
export function explainMqttError(url: string, error: unknown, protocolVersion: 4 | 5 = 4): string {
  const e = (error ?? {}) as { code?: unknown; message?: string; reasonCode?: number }
  const message = e.message ?? String(error)
  const where = `MQTT ${url}`
  const code = typeof e.code === 'number' ? e.code : typeof e.reasonCode === 'number' ? e.reasonCode : undefined
  if (code !== undefined && (code >= 0x80 || (protocolVersion === 5 && !V3_CODES[code]))) {
    const reason = V5_CODES[code] ?? message.replace(/^Connection refused: /i, '').toLowerCase()
    return `${where}: ${reason} (reason ${hex(code)}) — ${whatToDo(reason)}`
  }
  if (code !== undefined && V3_CODES[code]) return `${where}: ${V3_CODES[code]} (return code ${code}) — ${whatToDo(V3_CODES[code])}`
  const errno = typeof e.code === 'string' ? e.code : ''
  if (TLS_CERT_ERRORS[errno]) {
    return `${where}: TLS handshake failed: ${TLS_CERT_ERRORS[errno]} (${errno}) — add the CA certificate that signed it under TLS → CA certificate${errno === 'ERR_TLS_CERT_ALTNAME_INVALID' ? ', or set the expected server name' : ''}`
  }
  if (/certificate required|alert.*certificate/i.test(message) || errno === 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED') {
    return `${where}: TLS handshake failed: the broker wants a client certificate it trusts (${message}) — give a client certificate and private key`
  }
  if (errno.startsWith('ERR_SSL') || /SSL routines|wrong version number|handshake/i.test(message)) {
    const plain = /wrong version number|packet length too long/i.test(message)
    return `${where}: TLS handshake failed: ${message}${plain ? ' — the port does not speak TLS: use mqtt:// or the broker’s TLS port' : ' — check the certificates and the TLS port'}`
  }
  if (errno === 'ECONNREFUSED') return `${where}: broker unreachable: connection refused — check the host and port, and that the broker is running`
  if (errno === 'ENOTFOUND' || errno === 'EAI_AGAIN') return `${where}: broker unreachable: host name not found — check the host name (or use an IP address)`
  if (errno === 'EHOSTUNREACH' || errno === 'ENETUNREACH') return `${where}: broker unreachable: no route to the host — check the network or VPN`
  if (errno === 'ECONNRESET') return `${where}: the broker closed the connection (${message}) — if it wants TLS, use mqtts://`
  if (/connack timeout|timed? ?out/i.test(message) || errno === 'ETIMEDOUT')
    return `${where}: broker unreachable: no answer in time — check the host, port and firewall (and mqtts:// against a TLS port)`
  return `${where}: ${message}`
}
