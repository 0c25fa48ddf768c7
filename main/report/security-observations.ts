import type { AuditEntry, CertificateEntry, ConnectionDetail } from '../../preload/contract'

export type Severity = 'high' | 'medium' | 'low'

/** One thing seen on the plant network that an IEC 62443-3-3 system requirement speaks to. */
export interface SecurityObservation {
  title: string
  connection: string
  evidence: string
  severity: Severity
  /** The IEC 62443-3-3 system requirements it touches, e.g. "SR 3.1". */
  requirements: string[]
}

export interface ObservedFacts {
  connections: readonly ConnectionDetail[]
  /** The write audit log: writes a device accepted are evidence that it accepts them without authentication. */
  audit: readonly AuditEntry[]
  certificates: readonly CertificateEntry[]
  /** When the facts were read, for certificate expiry. */
  at: number
}

const SEVERITY_RANK: Record<Severity, number> = { high: 0, medium: 1, low: 2 }

const text = (v: unknown): string => (typeof v === 'string' ? v : '')

/** Observations from configurations the devices accepted, the audit log and the certificates seen: never by probing. */
export function observeSecurity(facts: ObservedFacts): SecurityObservation[] {
  const found: SecurityObservation[] = []
  for (const c of facts.connections) {
    const name = text(c.config.name) || c.id
    const accepted = c.status.state === 'connected'
    const seen = accepted ? 'the server accepted the session' : `last state ${c.status.state}`
    if (c.kind === 'opcua') {
      const url = text(c.config.endpointUrl)
      if (text(c.config.securityPolicy) === 'None' || !c.config.securityPolicy)
        found.push({
          title: 'OPC UA endpoint offers SecurityPolicy None',
          connection: name,
          evidence: `${url}: connected with SecurityPolicy None, MessageSecurityMode None (${seen})`,
          severity: 'high',
          requirements: ['SR 3.1', 'SR 4.1'],
        })
      const identity = c.config.identity as { kind?: string } | undefined
      if (!identity || identity.kind === 'anonymous')
        found.push({
          title: 'OPC UA server accepts anonymous login',
          connection: name,
          evidence: `${url}: session with the anonymous identity token (${seen})`,
          severity: 'medium',
          requirements: ['SR 1.1', 'SR 1.2'],
        })
    } else if (c.kind === 'mqtt') {
      const url = text(c.config.url)
      if (/^(mqtt|ws):\/\//i.test(url))
        found.push({
          title: 'MQTT broker over plain TCP',
          connection: name,
          evidence: `${url}: unencrypted transport, traffic readable and changeable on the network (${seen})`,
          severity: 'high',
          requirements: ['SR 3.1', 'SR 4.1'],
        })
      if (!text(c.config.username))
        found.push({
          title: 'MQTT broker accepts anonymous clients',
          connection: name,
          evidence: `${url}: connected without a user name (${seen})`,
          severity: 'high',
          requirements: ['SR 1.1', 'SR 1.2'],
        })
    } else {
      const endpoint = c.kind === 'modbus-tcp' ? `${text(c.config.host)}:${String(c.config.port ?? 502)}` : text(c.config.serialPath)
      const writes = facts.audit.filter((a) => a.connectionId === c.id && (a.result === 'ok' || a.result === 'mismatch'))
      found.push({
        title: writes.length > 0 ? 'Modbus device reachable and accepted writes without authentication' : 'Modbus device reachable without authentication',
        connection: name,
        evidence:
          writes.length > 0
            ? `${endpoint}: ${writes.length} write(s) accepted per the audit log, first ${new Date(writes[writes.length - 1].time).toISOString()} to ${writes[writes.length - 1].address ?? writes[writes.length - 1].tagId}`
            : `${endpoint}: Modbus has no authentication by design (${seen}); no write was attempted`,
        severity: writes.length > 0 ? 'high' : 'medium',
        requirements: ['SR 1.2', 'SR 3.1'],
      })
    }
    if (c.untrustedCertificate && Date.parse(c.untrustedCertificate.notAfter) < facts.at)
      found.push(certificateExpired(name, c.untrustedCertificate.subject, c.untrustedCertificate.notAfter))
  }
  for (const cert of facts.certificates) {
    if (Date.parse(cert.notAfter) < facts.at) found.push(certificateExpired(cert.applicationUri ?? cert.subject, cert.subject, cert.notAfter))
    if (cert.subject === cert.issuer)
      found.push({
        title: 'Self-signed certificate',
        connection: cert.applicationUri ?? cert.subject,
        evidence: `${cert.subject}: issuer equals subject (thumbprint ${cert.thumbprint}), trust is by manual acceptance only`,
        severity: 'low',
        requirements: ['SR 1.2', 'SR 1.9'],
      })
  }
  return found.sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity])
}

function certificateExpired(owner: string, subject: string, notAfter: string): SecurityObservation {
  return {
    title: 'Expired certificate',
    connection: owner,
    evidence: `${subject}: valid until ${notAfter}`,
    severity: 'medium',
    requirements: ['SR 1.2', 'SR 1.9'],
  }
}
