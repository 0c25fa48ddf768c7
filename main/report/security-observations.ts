import type { AuditEntry, CertificateEntry, ConnectionDetail } from '../../preload/contract'
import type { NodeRedAdminCheck } from './node-red-admin-probe'
import type { InventoryDevice } from './report-model'

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
  /** What the devices answered when asked what they are (OPC UA GetEndpoints, MQTT $SYS): the servers' own word. */
  devices?: readonly InventoryDevice[]
  /** Node-RED editors asked whether their admin API wants a login (deploy targets and URLs the consultant listed). */
  nodeRed?: readonly NodeRedAdminCheck[]
  /** When the facts were read, for certificate expiry. */
  at: number
}

const SEVERITY_RANK: Record<Severity, number> = { high: 0, medium: 1, low: 2 }

const text = (v: unknown): string => (typeof v === 'string' ? v : '')

/** Observations from configurations the devices accepted, the audit log, the certificates seen and the editors' own login answers: never by attacking. */
export function observeSecurity(facts: ObservedFacts): SecurityObservation[] {
  const found: SecurityObservation[] = []
  for (const c of facts.connections) {
    const name = text(c.config.name) || c.id
    const accepted = c.status.state === 'connected'
    const seen = accepted ? 'the server accepted the session' : `last state ${c.status.state}`
    const devices = (facts.devices ?? []).filter((d) => d.connectionId === c.id)
    if (c.kind === 'opcua') {
      const url = text(c.config.endpointUrl)
      const server = devices.find((d) => d.kind === 'opcua-server')
      const offered = server?.facts.endpoints?.split(', ') ?? []
      const tokens = server?.facts.userTokens?.split(', ') ?? []
      const usedNone = text(c.config.securityPolicy) === 'None' || !c.config.securityPolicy
      if (offered.includes('None/None') || usedNone)
        found.push({
          title: 'OPC UA endpoint offers SecurityPolicy None',
          connection: name,
          evidence: offered.includes('None/None')
            ? `${url}: GetEndpoints lists None/None among ${offered.join(', ')}${usedNone ? `; the workstation connected with it (${seen})` : ''}`
            : `${url}: connected with SecurityPolicy None, MessageSecurityMode None (${seen})`,
          severity: 'high',
          requirements: ['SR 3.1', 'SR 4.1'],
        })
      const identity = c.config.identity as { kind?: string } | undefined
      const usedAnonymous = !identity || identity.kind === 'anonymous'
      if (tokens.includes('anonymous') || (usedAnonymous && !server))
        found.push({
          title: 'OPC UA server accepts anonymous login',
          connection: name,
          evidence: tokens.includes('anonymous')
            ? `${url}: the endpoints offer the anonymous user token (tokens: ${tokens.join(', ')})${usedAnonymous ? `; the workstation's anonymous session was accepted (${seen})` : ''}`
            : `${url}: session with the anonymous identity token (${seen})`,
          severity: 'medium',
          requirements: ['SR 1.1', 'SR 1.2'],
        })
    } else if (c.kind === 'mqtt') {
      const url = text(c.config.url)
      const broker = devices.find((d) => d.kind === 'mqtt-broker')
      const said = broker?.facts.version ? `, broker says "${broker.facts.version}"` : ''
      if (/^(mqtt|ws):\/\//i.test(url))
        found.push({
          title: 'MQTT broker over plain TCP',
          connection: name,
          evidence: `${url}: unencrypted transport, traffic readable and changeable on the network (${seen}${said})`,
          severity: 'high',
          requirements: ['SR 3.1', 'SR 4.1'],
        })
      // A broker that refused the anonymous client is no finding; one that let it in once is (devices were asked then).
      if (!text(c.config.username) && (accepted || devices.length > 0))
        found.push({
          title: 'MQTT broker accepts anonymous clients',
          connection: name,
          evidence: `${url}: connected without a user name or password (${accepted ? 'the broker accepted the connection' : `last state ${c.status.state}`}${said})`,
          severity: 'high',
          requirements: ['SR 1.1', 'SR 1.2'],
        })
    } else if (c.kind === 's7') {
      const cpu = devices.find((d) => d.kind === 's7-cpu')
      found.push({
        title: 'S7 CPU reachable without authentication',
        connection: name,
        evidence: `${text(c.config.host)}:${String(c.config.port ?? 102)}: S7comm (ISO-on-TCP) carries no authentication (${seen})${cpu?.facts.orderNumber ? `; CPU ${cpu.facts.orderNumber} ${cpu.facts.firmware ?? ''}`.trimEnd() : ''}`,
        severity: 'medium',
        requirements: ['SR 1.2', 'SR 3.1'],
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
  for (const check of facts.nodeRed ?? [])
    if (check.result === 'open')
      found.push({
        title: 'Node-RED admin API without a login',
        connection: check.source,
        evidence: check.evidence,
        severity: 'high',
        requirements: ['SR 1.1', 'SR 1.2', 'SR 2.1'],
      })
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
