import { AttributeIds, type ClientSession, resolveNodeId } from 'node-opcua'
import {
  WorkbenchError,
  type AddedConnection,
  type BrowseNodeInfo,
  type CertificateEntry,
  type ConnectionConfig,
  type ConnectionDetail,
  type DiscoveredEndpointInfo,
  type ModbusTraffic,
  type OpcUaTagConfig,
  type OwnCertificate,
} from '../../preload/contract'
import type { Connector, WriteValue } from '../connectors/connector'
import { ModbusConnector } from '../connectors/modbus/modbus-connector'
import { browseChildren } from '../connectors/opcua/browse'
import { OpcUaCertificateStore } from '../connectors/opcua/certificate-store'
import { discoverEndpoints } from '../connectors/opcua/discovery'
import { callMethod, type MethodCallResult } from '../connectors/opcua/methods'
import { dataTypeName, readNodeDataType } from '../connectors/opcua/node-data-type'
import { describeOpcUaFailure } from '../connectors/opcua/opcua-failure'
import { OpcUaConnector } from '../connectors/opcua/opcua-connector'
import { openOpcUaSession, type OpcUaSessionHandle } from '../connectors/opcua/open-session'
import { readEngineeringInfo } from '../connectors/opcua/read-eu-range'
import { isUntrustedCertificateError, type UntrustedCertificateDetails } from '../connectors/opcua/untrusted-certificate-error'
import { buildConnector } from './build-connector'
import { splitSecrets } from './connection-secrets'
import { ConnectionStore } from './connection-store'
import { checkEndpointUrl } from './endpoint-url-check'
import { ManagedConnection } from './managed-connection'
import type { SecretBox } from './secret-box'
import { moveUrlCredentials } from './url-credentials'
import type { Database } from './workbench-db'

export interface ConnectionManagerOptions {
  db: Database
  box: SecretBox
  dataDir: string
  /** Puts a connection's connector where live values, tags and status are collected (workbench addConnector). */
  register(connector: Connector): void
  /** Takes it out again when the connection is removed. */
  unregister(id: string): void
  /** Ids used elsewhere (the demo plant feed), so a new connection does not take one. */
  isTaken?(id: string): boolean
}

type TagConfig = ConnectionConfig['tags'][number]
const CURRENT_WRITE = 0x02

/** Adds, edits, removes, connects and disconnects the connections a person configured; persisted in workbench.db. */
export class ConnectionManager {
  private readonly store: ConnectionStore
  private readonly live = new Map<string, { config: ConnectionConfig; connector: ManagedConnection }>()
  private readonly untrusted = new Map<string, UntrustedCertificateDetails>()
  private readonly browseSessions = new Map<string, Promise<OpcUaSessionHandle>>()
  private readonly certificates: OpcUaCertificateStore

  constructor(private readonly options: ConnectionManagerOptions) {
    this.store = new ConnectionStore(options.db, options.box)
    this.certificates = new OpcUaCertificateStore(options.dataDir)
  }

  /** Registers every stored connection (disconnected); one saved with a password in its URL is rewritten with it sealed. */
  load(): void {
    let rewritten = false
    for (const stored of this.store.list()) {
      const config = moveUrlCredentials(stored.config, 'keep-fields')
      if (config !== stored.config) {
        this.store.save(stored.id, config)
        rewritten = true
      }
      this.attach(stored.id, config)
    }
    if (rewritten) this.store.checkpointAndTruncateWal()
  }

  /** Connects every stored connection in the background; failures show in their status. */
  connectAll(): void {
    for (const id of this.live.keys()) this.connect(id).catch(() => undefined)
  }

  ids(): string[] {
    return [...this.live.keys()]
  }

  list(): ConnectionDetail[] {
    return this.ids().map((id) => this.detail(id))
  }

  detail(id: string): ConnectionDetail {
    const entry = this.require(id)
    const { config } = splitSecrets(entry.config)
    const hasSecrets = Object.keys(splitSecrets(entry.config).secrets).length > 0
    return {
      id,
      kind: entry.config.protocol,
      config: config as unknown as Record<string, unknown>,
      hasSecrets,
      status: entry.connector.status(),
      tags: entry.connector.tags(),
      armedUntil: null,
      untrustedCertificate: this.untrusted.get(id),
    }
  }

  config(id: string): ConnectionConfig {
    return this.require(id).config
  }

  /** Saves a new connection; a failed first connect is reported in `connectError`, the connection stays saved. */
  async add(typed: ConnectionConfig, connect = false): Promise<AddedConnection> {
    const config = moveUrlCredentials(typed)
    checkEndpointUrl(config)
    const id = this.newId(config.name)
    const connector = buildConnector(id, config, this.options.dataDir)
    this.store.save(id, config)
    this.attach(id, config, connector)
    if (!connect) return this.detail(id)
    try {
      await this.connect(id)
      return this.detail(id)
    } catch (error) {
      // What the person typed is kept (a device may just be off right now); the reply says it did not connect, and why.
      const connectError =
        error instanceof WorkbenchError
          ? error.toJSON()
          : { code: 'CONNECTION_FAILED' as const, message: error instanceof Error ? error.message : String(error) }
      return { ...this.detail(id), connectError }
    }
  }

  async update(id: string, typed: ConnectionConfig): Promise<ConnectionDetail> {
    const config = moveUrlCredentials(typed)
    checkEndpointUrl(config)
    const entry = this.require(id)
    if (entry.config.protocol !== config.protocol) {
      throw new WorkbenchError(
        'INVALID_INPUT',
        `Connection "${entry.config.name}" is ${entry.config.protocol}; remove it and add a ${config.protocol} one instead`,
      )
    }
    // Validate by building before anything is saved; the saved record merges kept secrets.
    buildConnector(id, config, this.options.dataDir)
    const stored = this.store.save(id, config)
    await this.replace(id, stored.config)
    return this.detail(id)
  }

  async remove(id: string): Promise<void> {
    const entry = this.require(id)
    await this.closeBrowse(id)
    await entry.connector.disconnect().catch(() => undefined)
    this.live.delete(id)
    this.untrusted.delete(id)
    this.store.remove(id)
    this.options.unregister(id)
  }

  async connect(id: string): Promise<ConnectionDetail> {
    const entry = this.require(id)
    try {
      await entry.connector.connect()
      this.untrusted.delete(id)
    } catch (error) {
      if (isUntrustedCertificateError(error)) this.untrusted.set(id, error.details)
      throw error
    }
    // From now on browsing and method calls use the connection's own session.
    await this.closeBrowse(id).catch(() => undefined)
    return this.detail(id)
  }

  async disconnect(id: string): Promise<ConnectionDetail> {
    const entry = this.require(id)
    await this.closeBrowse(id)
    await entry.connector.disconnect()
    return this.detail(id)
  }

  async addTags(id: string, tags: TagConfig[]): Promise<ConnectionDetail> {
    const entry = this.require(id)
    const names = new Set(entry.config.tags.map((t) => t.name))
    const clash = tags.find((t) => names.has(t.name)) ?? tags.find((t, i) => tags.findIndex((u) => u.name === t.name) !== i)
    if (clash) throw new WorkbenchError('INVALID_INPUT', `Connection "${entry.config.name}" already has a tag named "${clash.name}" — pick another name`)
    const added = entry.config.protocol === 'opcua' ? await this.describeOpcUaTags(id, tags as OpcUaTagConfig[]) : tags
    return this.update(id, { ...entry.config, tags: [...entry.config.tags, ...added] } as ConnectionConfig)
  }

  async removeTags(id: string, names: string[]): Promise<ConnectionDetail> {
    const entry = this.require(id)
    const unknown = names.filter((n) => !entry.config.tags.some((t) => t.name === n))
    if (unknown.length > 0) throw new WorkbenchError('NOT_FOUND', `Connection "${entry.config.name}" has no tag ${unknown.join(', ')}`)
    return this.update(id, { ...entry.config, tags: entry.config.tags.filter((t) => !names.includes(t.name)) } as ConnectionConfig)
  }

  async discover(endpointUrl: string): Promise<DiscoveredEndpointInfo[]> {
    const endpoints = await discoverEndpoints(endpointUrl, { dataDir: this.options.dataDir, timeoutMs: 5000 })
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

  /** OPC UA children of a node (Objects when omitted); Modbus and MQTT have no address space to browse. */
  async browse(id: string, nodeId?: string): Promise<BrowseNodeInfo[]> {
    const entry = this.require(id)
    if (entry.config.protocol !== 'opcua') return []
    return this.onOpcUaSession(id, `browsing ${nodeId ?? 'Objects'}`, (session) => browseChildren(session, nodeId))
  }

  /** OPC UA: calls a method on its object (the write guard decides whether it may). */
  async callMethod(id: string, objectId: string, methodId: string, inputs: readonly WriteValue[]): Promise<MethodCallResult> {
    return this.onOpcUaSession(id, `calling ${methodId}`, (session) => callMethod(session, objectId, methodId, inputs))
  }

  /** Runs a tool request; a failure the server or the channel reports says what failed on which server. */
  private async onOpcUaSession<T>(id: string, what: string, use: (session: ClientSession) => Promise<T>): Promise<T> {
    const session = await this.opcuaSession(id)
    try {
      return await use(session)
    } catch (error) {
      throw describeOpcUaFailure(this.require(id).connector.endpoint, what, error)
    }
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

  traffic(id: string, limit = 200): ModbusTraffic {
    const driver = this.modbusDriver(id)
    return { frames: driver.trafficLog().entries().slice(-limit), counters: driver.counters() }
  }

  /** The Modbus driver of a connection, for scans and the traffic log. */
  modbusDriver(id: string): ModbusConnector {
    const driver = this.require(id).connector.inner
    if (!(driver instanceof ModbusConnector)) throw new WorkbenchError('INVALID_INPUT', `Connection ${id} is not Modbus: it has no traffic log or scans`)
    return driver
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
    await Promise.allSettled([...this.browseSessions.keys()].map((id) => this.closeBrowse(id)))
    await Promise.allSettled([...this.live.values()].map((e) => e.connector.disconnect()))
    await this.certificates.close()
  }

  private attach(id: string, config: ConnectionConfig, driver = buildConnector(id, config, this.options.dataDir)): void {
    const connector = new ManagedConnection(driver)
    this.live.set(id, { config, connector })
    this.options.register(connector)
  }

  /** Swaps in a driver for the new configuration, reconnecting when the old one was wanted connected. */
  private async replace(id: string, config: ConnectionConfig): Promise<void> {
    const entry = this.require(id)
    const wasConnected = entry.connector.state() !== 'disconnected'
    await this.closeBrowse(id)
    await entry.connector.disconnect().catch(() => undefined)
    const next = buildConnector(id, config, this.options.dataDir)
    if (next instanceof ModbusConnector && entry.connector.inner instanceof ModbusConnector) next.adoptDiagnostics(entry.connector.inner)
    entry.connector.swap(next)
    entry.config = config
    if (wasConnected) await this.connect(id).catch(() => undefined)
  }

  private async describeOpcUaTags(id: string, tags: OpcUaTagConfig[]): Promise<OpcUaTagConfig[]> {
    let session: ClientSession
    try {
      session = await this.opcuaSession(id)
    } catch {
      return tags.map((t) => ({ ...t, access: t.access ?? 'read' }))
    }
    return Promise.all(
      tags.map(async (tag) => {
        const described: OpcUaTagConfig = { ...tag }
        try {
          if (!described.dataType) described.dataType = dataTypeName(await readNodeDataType(session, tag.nodeId))
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

  /** The connection's own session while it is connected (it survives reconnects), else one opened just for browsing. */
  private async opcuaSession(id: string): Promise<ClientSession> {
    const entry = this.require(id)
    if (entry.config.protocol !== 'opcua')
      throw new WorkbenchError('INVALID_INPUT', `Connection "${entry.config.name}" is ${entry.config.protocol}, not OPC UA`)
    const driver = entry.connector.inner
    const live = driver instanceof OpcUaConnector ? driver.liveSession() : undefined
    return live ?? (await this.browseSession(id)).session
  }

  private browseSession(id: string): Promise<OpcUaSessionHandle> {
    let session = this.browseSessions.get(id)
    if (!session) {
      const config = this.require(id).config
      if (config.protocol !== 'opcua') throw new WorkbenchError('INVALID_INPUT', `Connection ${id} is not OPC UA`)
      session = openOpcUaSession({
        endpointUrl: config.endpointUrl,
        dataDir: this.options.dataDir,
        securityPolicy: config.securityPolicy,
        securityMode: config.securityMode,
        identity:
          config.identity.kind === 'username'
            ? { kind: 'username', username: config.identity.username, password: config.identity.password ?? '' }
            : { kind: 'anonymous' },
        reconnect: false,
      })
      const opening = session
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
          if (isUntrustedCertificateError(error)) this.untrusted.set(id, error.details)
        },
      )
    }
    return session
  }

  private async closeBrowse(id: string): Promise<void> {
    const session = this.browseSessions.get(id)
    this.browseSessions.delete(id)
    if (session) await (await session.catch(() => undefined))?.close()
  }

  private newId(name: string): string {
    const base =
      name
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-|-$/g, '')
        .slice(0, 40) || 'connection'
    const taken = (id: string) => this.live.has(id) || this.store.get(id) !== undefined || (this.options.isTaken?.(id) ?? false)
    let id = base
    for (let n = 2; taken(id); n++) id = `${base}-${n}`
    return id
  }

  private require(id: string): { config: ConnectionConfig; connector: ManagedConnection } {
    const entry = this.live.get(id)
    if (!entry) throw new WorkbenchError('NOT_FOUND', `No connection "${id}" — it may have been removed; see Connections`)
    return entry
  }
}
