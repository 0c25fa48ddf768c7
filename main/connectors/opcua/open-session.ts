import { readCheckedFile, readCheckedText } from '../../files/checked-file'
import { type ClientSession, MessageSecurityMode, OPCUAClient, type SecurityPolicy, type UserIdentityInfo, UserTokenType } from 'node-opcua'
import { WorkbenchError } from '../../../preload/contract'
import { firstCertificateDer } from './certificate-info'
import { OpcUaCertificateStore } from './certificate-store'
import { CLIENT_APPLICATION_NAME, clientApplicationUri, createClientCertificateManager } from './client-identity'
import { fetchEndpointDescriptions } from './discovery'
import { describeOpcUaFailure } from './opcua-failure'
import { type SecurityModeName, type SecurityPolicyName, securityModeName, securityPolicyName, toSecurityMode, toSecurityPolicy } from './security'

export type OpcUaIdentity =
  | { kind: 'anonymous' }
  | { kind: 'username'; username: string; password: string }
  /** A user certificate (PEM or DER file) and its PEM private key. */
  | { kind: 'certificate'; certificateFile: string; privateKeyFile: string }

export interface OpcUaEndpointOptions {
  /** opc.tcp://host:port[/path] */
  endpointUrl: string
  /** The app data folder; the PKI is <dataDir>/pki/opcua. */
  dataDir: string
  /** Default None. */
  securityPolicy?: SecurityPolicyName
  /** Default None with policy None, SignAndEncrypt otherwise. */
  securityMode?: SecurityModeName
  /** Default anonymous. */
  identity?: OpcUaIdentity
  /** Backoff between reconnection attempts; false for one-shot use (CLI), where a lost connection is simply an error. */
  reconnect?: { initialDelayMs?: number; maxDelayMs?: number } | false
  requestedSessionTimeoutMs?: number
}

export interface OpcUaSessionHandle {
  client: OPCUAClient
  session: ClientSession
  /** `farewell: false` skips closing the session on the server (it is gone): only the local channel is torn down. */
  close(options?: { farewell?: boolean }): Promise<void>
}

/** Requests to a server that stopped answering wait for a reconnection that may never come: give goodbyes this long. */
const FAREWELL_TIMEOUT_MS = 2_000

export async function withinFarewell(request: Promise<unknown>): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  await Promise.race([request.catch(() => undefined), new Promise((resolve) => (timer = setTimeout(resolve, FAREWELL_TIMEOUT_MS)))])
  clearTimeout(timer)
}

function resolveSecurity(options: OpcUaEndpointOptions): { policy: SecurityPolicy; mode: MessageSecurityMode } {
  const policyName = options.securityPolicy ?? 'None'
  const modeName = options.securityMode ?? (policyName === 'None' ? 'None' : 'SignAndEncrypt')
  if ((policyName === 'None') !== (modeName === 'None')) {
    throw new WorkbenchError(
      'INVALID_INPUT',
      `OPC UA ${options.endpointUrl}: security policy ${policyName} cannot be used with mode ${modeName} — pick None with None, or a policy with Sign/SignAndEncrypt`,
    )
  }
  return { policy: toSecurityPolicy(policyName), mode: toSecurityMode(modeName) }
}

export async function toUserIdentity(identity: OpcUaIdentity | undefined): Promise<UserIdentityInfo> {
  if (!identity || identity.kind === 'anonymous') return { type: UserTokenType.Anonymous }
  if (identity.kind === 'username') return { type: UserTokenType.UserName, userName: identity.username, password: identity.password }
  const [certificate, privateKey] = await Promise.all([
    readCheckedFile(identity.certificateFile, 'certificate'),
    readCheckedText(identity.privateKeyFile, 'certificate'),
  ])
  return { type: UserTokenType.Certificate, certificateData: firstCertificateDer(certificate), privateKey }
}

/**
 * For a secured endpoint, looks the server certificate up first so an unknown one gives the clear "not trusted" error
 * (with its thumbprint) instead of node-opcua's generic verification failure.
 */
async function verifiedServerCertificate(options: OpcUaEndpointOptions, policy: SecurityPolicy, mode: MessageSecurityMode): Promise<Buffer | undefined> {
  if (mode === MessageSecurityMode.None) return undefined
  const endpoints = await fetchEndpointDescriptions(options.endpointUrl, { dataDir: options.dataDir })
  const match = endpoints.find((endpoint) => endpoint.securityPolicyUri === policy && endpoint.securityMode === mode)
  if (!match?.serverCertificate?.length) {
    const offered = endpoints.map((endpoint) => `${securityPolicyName(endpoint.securityPolicyUri)}/${securityModeName(endpoint.securityMode)}`).join(', ')
    throw new WorkbenchError(
      'CONNECTION_FAILED',
      `OPC UA ${options.endpointUrl}: the server offers no ${securityPolicyName(policy)}/${securityModeName(mode)} endpoint (it offers ${offered}) — pick one of those`,
      { offered },
    )
  }
  const store = new OpcUaCertificateStore(options.dataDir)
  try {
    await store.assertServerTrusted(options.endpointUrl, match.serverCertificate)
  } finally {
    await store.close()
  }
  return match.serverCertificate
}

/**
 * How node-opcua reports a secured channel the server closed during the handshake: open62541 and most servers drop
 * the connection (or answer BadCertificateUntrusted / BadSecurityChecksFailed) when they do not trust the client.
 */
const OWN_CERTIFICATE_REJECTED = /rejected by server|BadCertificateUntrusted|BadSecurityChecksFailed|BadCertificateInvalid|BadCertificateUriInvalid/i

/** The server does not trust the workbench: say so, with our thumbprint and what to do on the server. */
async function ownCertificateRejected(options: OpcUaEndpointOptions): Promise<WorkbenchError> {
  const store = new OpcUaCertificateStore(options.dataDir)
  try {
    const own = await store.ownCertificate()
    return new WorkbenchError(
      'CONNECTION_FAILED',
      `OPC UA ${options.endpointUrl}: BadCertificateUntrusted — the server rejected the workbench's certificate "${own.subject}" (thumbprint ${own.thumbprint}). ` +
        `On the server, trust it: move it from the server's rejected certificates to its trusted ones (or copy ${store.rootFolder}/own/certs/client_certificate.pem there), then connect again`,
      { statusCode: 'BadCertificateUntrusted', reason: 'opcua-client-certificate-rejected', thumbprint: own.thumbprint, subject: own.subject },
    )
  } finally {
    await store.close()
  }
}

/** Opens a secure channel and a session; the caller closes it. */
export async function openOpcUaSession(options: OpcUaEndpointOptions): Promise<OpcUaSessionHandle> {
  const { policy, mode } = resolveSecurity(options)
  const serverCertificate = await verifiedServerCertificate(options, policy, mode)
  const reconnect = options.reconnect
  const client = OPCUAClient.create({
    applicationName: CLIENT_APPLICATION_NAME,
    applicationUri: clientApplicationUri(),
    clientCertificateManager: createClientCertificateManager(options.dataDir),
    securityPolicy: policy,
    securityMode: mode,
    serverCertificate,
    endpointMustExist: false,
    requestedSessionTimeout: options.requestedSessionTimeoutMs ?? 60_000,
    // node-opcua retries a lost connection forever once maxRetry > 0; maxRetry only bounds the first connect.
    connectionStrategy:
      reconnect === false || reconnect === undefined
        ? { maxRetry: 0, initialDelay: 100, maxDelay: 200 }
        : { maxRetry: 1, initialDelay: reconnect.initialDelayMs ?? 500, maxDelay: reconnect.maxDelayMs ?? 10_000, randomisationFactor: 0.1 },
  })
  let session: ClientSession
  try {
    // The first connection fails fast even when reconnection is on: a wrong address should say so, not retry forever.
    await client.connect(options.endpointUrl)
    session = await client.createSession(await toUserIdentity(options.identity))
  } catch (error) {
    await client.disconnect().catch(() => undefined)
    if (mode !== MessageSecurityMode.None && OWN_CERTIFICATE_REJECTED.test(String(error))) throw await ownCertificateRejected(options)
    throw describeOpcUaFailure(options.endpointUrl, 'connect failed', error)
  }
  return {
    client,
    session,
    close: async ({ farewell = true } = {}) => {
      if (farewell) await withinFarewell(session.close(true))
      await client.disconnect()
    },
  }
}

export async function withOpcUaSession<T>(options: OpcUaEndpointOptions, use: (session: ClientSession) => Promise<T>): Promise<T> {
  const handle = await openOpcUaSession(options)
  try {
    return await use(handle.session)
  } finally {
    await handle.close()
  }
}
