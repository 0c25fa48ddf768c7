import { AttributeIds, type ClientSession, type OPCUAClient, StatusCodes } from 'node-opcua'
import type { DeviceIdentity } from '../connector'
import { securityModeName, securityPolicyName, userTokenName } from './security'

// Server_ServerStatus (i=2256) and its BuildInfo children, as OPC UA Part 5 numbers them.
const FIELDS: ReadonlyArray<[field: string, nodeId: string]> = [
  ['productName', 'i=2261'],
  ['manufacturer', 'i=2263'],
  ['productUri', 'i=2262'],
  ['softwareVersion', 'i=2264'],
  ['buildNumber', 'i=2265'],
  ['buildDate', 'i=2266'],
  ['startTime', 'i=2257'],
  ['state', 'i=2259'],
]
const SERVER_STATES = ['Running', 'Failed', 'NoConfiguration', 'Suspended', 'Shutdown', 'Test', 'CommunicationFault', 'Unknown']

const asText = (v: unknown): string | undefined => {
  if (v === null || v === undefined || v === '') return undefined
  if (v instanceof Date) return Number.isFinite(v.getTime()) && v.getTime() > 0 ? v.toISOString() : undefined
  return String(v)
}

/**
 * What the server says about itself: BuildInfo and ServerStatus, and the endpoints it offers (policy/mode and user token
 * types), read on the session the connector already holds. Only attribute reads and GetEndpoints: nothing is changed.
 */
export async function readServerIdentity(session: ClientSession, client: OPCUAClient, endpointUrl: string): Promise<DeviceIdentity> {
  const facts: Record<string, string> = {}
  const missing: string[] = []
  const values = await session.read(FIELDS.map(([, nodeId]) => ({ nodeId, attributeId: AttributeIds.Value })))
  values.forEach((dv, i) => {
    const [field] = FIELDS[i]
    const text = dv.statusCode.equals(StatusCodes.Good) ? asText(dv.value.value) : undefined
    if (text === undefined) missing.push(field)
    else facts[field] = field === 'state' ? (SERVER_STATES[Number(text)] ?? text) : text
  })
  try {
    const endpoints = await client.getEndpoints({ endpointUrl })
    facts.endpoints = [...new Set(endpoints.map((e) => `${securityPolicyName(e.securityPolicyUri)}/${securityModeName(e.securityMode)}`))].join(', ')
    facts.userTokens = [...new Set(endpoints.flatMap((e) => (e.userIdentityTokens ?? []).map((t) => userTokenName(t.tokenType))))].join(', ')
    const certificate = endpoints.find((e) => e.serverCertificate && e.serverCertificate.length > 0)
    if (certificate?.server.applicationUri) facts.applicationUri = certificate.server.applicationUri
  } catch (error) {
    missing.push(`endpoints (${error instanceof Error ? error.message : String(error)})`)
  }
  return { key: 'server', kind: 'opcua-server', facts, note: missing.length > 0 ? `not answered: ${missing.join(', ')}` : undefined, seenAt: Date.now() }
}
