import { AttributeIds, resolveNodeId, type ClientSession } from 'node-opcua'
import type { BrowseNodeInfo, CertificateEntry, DiscoveredEndpointInfo, NodeDetails, OpcUaTagConfig, OwnCertificate } from '../../../preload/contract'
import type { Connector, WriteValue } from '../connector'
import type { ConfigOf, ConnectorContext, MethodCallResult, ProtocolTools } from '../protocol-module'
import { browseChildren } from './browse'
import { readNodeDetails } from './node-details'
import { OpcUaCertificateStore } from './certificate-store'
import { discoverEndpoints } from './discovery'
import { callMethod } from './methods'
import { dataTypeName } from './node-data-type'
import { readNodeValueShape } from './write-node-value'
import { OpcUaConnector } from './opcua-connector'
import { describeOpcUaFailure } from './opcua-failure'
import { openOpcUaSession, type OpcUaSessionHandle } from './open-session'
import { readEngineeringInfo } from './read-eu-range'
import { isUntrustedCertificateError, type UntrustedCertificateDetails } from './untrusted-certificate-error'

type OpcUaConfig = ConfigOf<'opcua'>
const CURRENT_WRITE = 0x02

/** OPC UA beside its driver: a browse session per connection, tag descriptions read from the server, certificates. */
export class OpcUaTools implements ProtocolTools<OpcUaConfig> {
  private readonly untrusted = new Map<string, UntrustedCertificateDetails>()
  private readonly browseSessions = new Map<string, Promise<OpcUaSessionHandle>>()
  readonly certificates: OpcUaCertificateStore

  constructor(private readonly context: ConnectorContext) {
    this.certificates = new OpcUaCertificateStore(context.dataDir)
  }

  /** The endpoints a server offers, with their security and certificate, before a connection is made. */
  async discover(endpointUrl: string): Promise<DiscoveredEndpointInfo[]> {
    const endpoints = await discoverEndpoints(endpointUrl, { dataDir: this.context.dataDir, timeoutMs: 5000 })
    return endpoints.map((e) => ({
      endpointUrl: e.endpointUrl,
      securityPolicy: e.securityPolicy,
      securityMode: e.securityMode,
      securityLevel: e.securityLevel,
      userTokens: e.userTokens.map((t) => ({ type: t.type, policyId: t.policyId })),
      serverName: e.server.applicationName,
      certificate: e.serverCertificate && {
        subject: e.serverCertificate.subject,
        thumbprint: e.serverCertificate.thumbprint,
        notBefore: e.serverCertificate.notBefore,
        notAfter: e.serverCertificate.notAfter,
      },
    }))
  }

  browse(id: string, config: OpcUaConfig, driver: Connector, nodeId?: string): Promise<BrowseNodeInfo[]> {
    return this.onSession(id, config, driver, `browsing ${nodeId ?? 'Objects'}`, (session) => browseChildren(session, nodeId))
  }

  /** The attributes pane of the browse tree: one node's attributes, a method's typed arguments. */
  nodeDetails(id: string, config: OpcUaConfig, driver: Connector, nodeId: string): Promise<NodeDetails> {
    return this.onSession(id, config, driver, `reading the attributes of ${nodeId}`, (session) => readNodeDetails(session, nodeId))
  }

  callMethod(
    id: string,
    config: OpcUaConfig,
    driver: Connector,
    objectId: string,
    methodId: string,
    inputs: readonly (WriteValue | readonly WriteValue[])[],
  ): Promise<MethodCallResult> {
    return this.onSession(id, config, driver, `calling ${methodId}`, (session) => callMethod(session, objectId, methodId, inputs))
  }

  async describeTags(id: string, config: OpcUaConfig, driver: Connector, tags: OpcUaTagConfig[]): Promise<OpcUaTagConfig[]> {
    let session: ClientSession
    try {
      session = await this.session(id, config, driver)
    } catch {
      return tags.map((t) => ({ ...t, access: t.access ?? 'read' }))
    }
    return Promise.all(
      tags.map(async (tag) => {
        const described: OpcUaTagConfig = { ...tag }
        try {
          if (!described.dataType) {
            const shape = await readNodeValueShape(session, tag.nodeId)
            // An array node shows as Double[] (its element tag, with an index range, as the element type).
            described.dataType = `${dataTypeName(shape.dataType)}${shape.isArray && !tag.indexRange ? '[]' : ''}`
          }
          if (!described.unit || !described.range) {
            const info = await readEngineeringInfo(session, tag.nodeId)
            described.unit ??= info.unit
            described.range ??= info.range
          }
          if (!described.access) {
            const level = await session.read({ nodeId: resolveNodeId(tag.nodeId), attributeId: AttributeIds.UserAccessLevel })
            described.access = typeof level.value.value === 'number' && (level.value.value & CURRENT_WRITE) !== 0 ? 'read-write' : 'read'
          }
        } catch {
          // What could not be read stays blank; the tag still works.
        }
        described.access ??= 'read'
        return described
      }),
    )
  }

  connectFailed(id: string, error: unknown): void {
    if (isUntrustedCertificateError(error)) this.untrusted.set(id, error.details)
  }

  connected(id: string): void {
    this.untrusted.delete(id)
    // From now on browsing and method calls use the connection's own session.
    void this.release(id).catch(() => undefined)
  }

  untrustedCertificate(id: string): UntrustedCertificateDetails | undefined {
    return this.untrusted.get(id)
  }

  async release(id: string): Promise<void> {
    const session = this.browseSessions.get(id)
    this.browseSessions.delete(id)
    if (session) await (await session.catch(() => undefined))?.close()
  }

  /** Forgets a removed connection entirely. */
  async forget(id: string): Promise<void> {
    await this.release(id)
    this.untrusted.delete(id)
  }

  async listCertificates(): Promise<CertificateEntry[]> {
    return (await this.certificates.list()).map(({ file: _file, subjectFull: _full, ...c }) => c)
  }

  async trustCertificate(thumbprint: string): Promise<CertificateEntry> {
    const { file: _file, subjectFull: _full, ...c } = await this.certificates.trust(thumbprint)
    for (const [id, details] of this.untrusted) if (details.thumbprint === c.thumbprint) this.untrusted.delete(id)
    return c
  }

  async rejectCertificate(thumbprint: string): Promise<CertificateEntry> {
    const { file: _file, subjectFull: _full, ...c } = await this.certificates.reject(thumbprint)
    return c
  }

  async ownCertificate(): Promise<OwnCertificate> {
    const { subjectFull: _full, ...c } = await this.certificates.ownCertificate()
    return { ...c, pkiFolder: this.certificates.rootFolder }
  }

  async regenerateOwnCertificate(): Promise<OwnCertificate> {
    const { subjectFull: _full, ...c } = await this.certificates.regenerateOwnCertificate()
    return { ...c, pkiFolder: this.certificates.rootFolder }
  }

  async removeCertificate(thumbprint: string): Promise<void> {
    const removed = await this.certificates.remove(thumbprint)
    for (const [id, details] of this.untrusted) if (details.thumbprint === removed.thumbprint) this.untrusted.delete(id)
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.browseSessions.keys()].map((id) => this.release(id)))
    await this.certificates.close()
  }

  /** Runs a tool request on a session; a failure the server or the channel reports says what failed on which server. */
  private async onSession<T>(id: string, config: OpcUaConfig, driver: Connector, what: string, use: (session: ClientSession) => Promise<T>): Promise<T> {
    const session = await this.session(id, config, driver)
    try {
      return await use(session)
    } catch (error) {
      throw describeOpcUaFailure(driver.endpoint, what, error)
    }
  }

  /** The connection's own session while it is connected (node-opcua repairs it after every reconnect), else one opened for browsing. */
  private async session(id: string, config: OpcUaConfig, driver: Connector): Promise<ClientSession> {
    const live = driver instanceof OpcUaConnector ? driver.liveSession() : undefined
    return live ?? (await this.browseSession(id, config)).session
  }

  private browseSession(id: string, config: OpcUaConfig): Promise<OpcUaSessionHandle> {
    let session = this.browseSessions.get(id)
    if (!session) {
      const opening = openOpcUaSession({
        endpointUrl: config.endpointUrl,
        dataDir: this.context.dataDir,
        securityPolicy: config.securityPolicy,
        securityMode: config.securityMode,
        identity: opcuaIdentity(config),
        reconnect: false,
      })
      session = opening
      this.browseSessions.set(id, opening)
      opening.then(
        (handle) =>
          // This session does not reconnect: once its channel closes (the server went away) the next call opens a new one.
          handle.client.once('close', () => {
            if (this.browseSessions.get(id) !== opening) return
            this.browseSessions.delete(id)
            void handle.close({ farewell: false }).catch(() => undefined)
          }),
        (error: unknown) => {
          this.browseSessions.delete(id)
          this.connectFailed(id, error)
        },
      )
    }
    return session
  }
}

export function opcuaIdentity(config: OpcUaConfig): { kind: 'username'; username: string; password: string } | { kind: 'anonymous' } {
  return config.identity.kind === 'username'
    ? { kind: 'username', username: config.identity.username, password: config.identity.password ?? '' }
    : { kind: 'anonymous' }
}
