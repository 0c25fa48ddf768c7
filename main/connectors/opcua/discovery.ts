import { type EndpointDescription, MessageSecurityMode, OPCUAClient } from 'node-opcua'
import { type CertificateInfo, describeCertificate } from './certificate-info'
import { CLIENT_APPLICATION_NAME, clientApplicationUri, createClientCertificateManager } from './client-identity'
import { describeOpcUaFailure } from './opcua-failure'
import { securityModeName, securityPolicyName, type UserTokenName, userTokenName } from './security'

export interface DiscoveredEndpoint {
  endpointUrl: string
  /** Short name: None, Basic256Sha256, Aes128_Sha256_RsaOaep, Aes256_Sha256_RsaPss (or an obsolete one). */
  securityPolicy: string
  securityMode: string
  /** The server's own ranking: higher is more secure. */
  securityLevel: number
  userTokens: { type: UserTokenName; policyId: string; securityPolicy?: string }[]
  server: { applicationUri: string; applicationName: string; productUri: string }
  serverCertificate?: CertificateInfo
}

export interface DiscoveryOptions {
  dataDir: string
  /** Gives up after this long; discovery is interactive, so it fails fast. */
  timeoutMs?: number
}

/** GetEndpoints on an unsecured channel, as every client must do first; the descriptions carry the server certificate. */
export async function fetchEndpointDescriptions(endpointUrl: string, options: DiscoveryOptions): Promise<EndpointDescription[]> {
  const client = OPCUAClient.create({
    applicationName: CLIENT_APPLICATION_NAME,
    applicationUri: clientApplicationUri(),
    clientCertificateManager: createClientCertificateManager(options.dataDir),
    endpointMustExist: false,
    securityMode: MessageSecurityMode.None,
    connectionStrategy: { maxRetry: 0, initialDelay: 100, maxDelay: 200 },
    transportTimeout: options.timeoutMs ?? 10_000,
  })
  try {
    await client.connect(endpointUrl)
    return await client.getEndpoints({ endpointUrl })
  } catch (error) {
    throw describeOpcUaFailure(endpointUrl, 'endpoint discovery failed', error)
  } finally {
    await client.disconnect()
  }
}

/** Lists what the server offers: security policy × mode, the user token types of each, and the server certificate. */
export async function discoverEndpoints(endpointUrl: string, options: DiscoveryOptions): Promise<DiscoveredEndpoint[]> {
  const endpoints = await fetchEndpointDescriptions(endpointUrl, options)
  return endpoints.map((endpoint) => ({
    endpointUrl: endpoint.endpointUrl ?? endpointUrl,
    securityPolicy: securityPolicyName(endpoint.securityPolicyUri),
    securityMode: securityModeName(endpoint.securityMode),
    securityLevel: endpoint.securityLevel,
    userTokens: distinctTokens(
      (endpoint.userIdentityTokens ?? []).map((token) => ({
        type: userTokenName(token.tokenType),
        policyId: token.policyId ?? '',
        securityPolicy: token.securityPolicyUri ? securityPolicyName(token.securityPolicyUri) : undefined,
      })),
    ),
    server: {
      applicationUri: endpoint.server.applicationUri ?? '',
      applicationName: endpoint.server.applicationName.text ?? '',
      productUri: endpoint.server.productUri ?? '',
    },
    serverCertificate: endpoint.serverCertificate && endpoint.serverCertificate.length > 0 ? describeCertificate(endpoint.serverCertificate) : undefined,
  }))
}

/**
 * Each user token type once: open62541 repeats every token type once per security policy it can encrypt the token
 * with (`anonymous,certificate` four times); the first offer of a type is the one a client uses.
 */
function distinctTokens(tokens: DiscoveredEndpoint['userTokens']): DiscoveredEndpoint['userTokens'] {
  const seen = new Set<string>()
  return tokens.filter((token) => {
    if (seen.has(token.type)) return false
    seen.add(token.type)
    return true
  })
}
