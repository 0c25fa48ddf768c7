import {
  WorkbenchError,
  connectionConfigSchema,
  type AddedConnection,
  type BrowseNodeInfo,
  type ConnectionConfig,
  type ConnectionDetail,
  type NodeDetails,
} from '../../preload/contract'
import type { Connector, WriteValue } from '../connectors/connector'
import type { MethodCallResult } from '../connectors/protocol-module'
import type { ConnectionDiagnostics } from '../connectors/traffic-diagnostics'
import { buildConnector, createProtocolTools, protocolModule, type ProtocolToolSet } from '../connectors/registry'
import { splitSecrets } from './connection-secrets'
import { ConnectionStore } from './connection-store'
import { checkEndpointUrl } from './endpoint-url-check'
import { ManagedConnection } from './managed-connection'
import type { SecretBox } from '../secrets/secret-box'
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
  /** Told after a connection's configuration changed, it was removed or disconnected: its prepared writes are void. */
  onChanged?(id: string, change: string): void
  /** Tells the person something about the stored connections (e.g. a password sealed by another host). */
  onNotice?(level: 'warning' | 'error', message: string): void
  /** Ids used elsewhere (the demo plant feed), so a new connection does not take one. */
  isTaken?(id: string): boolean
}

type TagConfig = ConnectionConfig['tags'][number]

const sameApartFromTags = (a: ConnectionConfig, b: ConnectionConfig): boolean => JSON.stringify({ ...a, tags: [] }) === JSON.stringify({ ...b, tags: [] })

/**
 * Adds, edits, removes, connects and disconnects the connections a person configured; persisted in workbench.db. It knows
 * no protocol: drivers, secret fields and per-protocol tools come from main/connectors/registry.ts.
 */
export class ConnectionManager {
  private readonly store: ConnectionStore
  private readonly live = new Map<string, { config: ConnectionConfig; connector: ManagedConnection }>()
  private readonly protocolTools: ReturnType<typeof createProtocolTools>

  constructor(private readonly options: ConnectionManagerOptions) {
    this.store = new ConnectionStore(options.db, options.box)
    this.protocolTools = createProtocolTools({ dataDir: options.dataDir })
  }

  /** Per-protocol tools that are not about one connection (OPC UA: discovery and certificates). */
  get tools(): ProtocolToolSet {
    return this.protocolTools.byKind
  }

  /** Registers every stored connection (disconnected); one saved with a password in its URL is rewritten with it sealed. */
  load(): void {
    let rewritten = false
    for (const stored of this.store.list()) {
      if (stored.secretsUnreadable !== undefined) {
        // Still listed and usable where it needs no secret; its password stays sealed for the host that can open it.
        this.options.onNotice?.(
          'warning',
          `Connection "${stored.config.name}": its saved password could not be opened here (${stored.secretsUnreadable}) — it connects without it; enter the password again in Edit settings, or open the data folder in the desktop app`,
        )
      }
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
      untrustedCertificate: this.protocolTools.of(entry.config)?.untrustedCertificate?.(id),
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
    const connector = buildConnector(id, config, this.options)
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

  async update(id: string, typed: ConnectionConfig, change = `connection "${typed.name}" was edited`): Promise<ConnectionDetail> {
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
    buildConnector(id, config, this.options)
    const stored = this.store.save(id, config)
    await this.replace(id, stored.config)
    this.options.onChanged?.(id, change)
    return this.detail(id)
  }

  async remove(id: string): Promise<void> {
    const entry = this.require(id)
    const tools = this.protocolTools.of(entry.config)
    await (tools?.forget ? tools.forget(id) : tools?.release?.(id))
    await entry.connector.disconnect().catch(() => undefined)
    this.live.delete(id)
    this.store.remove(id)
    this.options.unregister(id)
    this.options.onChanged?.(id, `connection "${entry.config.name}" was removed`)
  }

  async connect(id: string): Promise<ConnectionDetail> {
    const entry = this.require(id)
    const tools = this.protocolTools.of(entry.config)
    try {
      await entry.connector.connect()
      tools?.connected?.(id)
    } catch (error) {
      tools?.connectFailed?.(id, error)
      throw error
    }
    return this.detail(id)
  }

  async disconnect(id: string): Promise<ConnectionDetail> {
    const entry = this.require(id)
    await this.protocolTools.of(entry.config)?.release?.(id)
    await entry.connector.disconnect()
    this.options.onChanged?.(id, `connection "${entry.config.name}" was disconnected`)
    return this.detail(id)
  }

  async addTags(id: string, tags: TagConfig[]): Promise<ConnectionDetail> {
    const entry = this.require(id)
    const names = new Set(entry.config.tags.map((t) => t.name))
    const clash = tags.find((t) => names.has(t.name)) ?? tags.find((t, i) => tags.findIndex((u) => u.name === t.name) !== i)
    if (clash) throw new WorkbenchError('INVALID_INPUT', `Connection "${entry.config.name}" already has a tag named "${clash.name}" — pick another name`)
    const tools = this.protocolTools.of(entry.config)
    const added = tools?.describeTags ? await tools.describeTags(id, entry.config, entry.connector.inner, tags) : tags
    return this.update(
      id,
      { ...entry.config, tags: [...entry.config.tags, ...added] } as ConnectionConfig,
      `tags were added to connection "${entry.config.name}"`,
    )
  }

  async removeTags(id: string, names: string[]): Promise<ConnectionDetail> {
    const entry = this.require(id)
    const unknown = names.filter((n) => !entry.config.tags.some((t) => t.name === n))
    if (unknown.length > 0) throw new WorkbenchError('NOT_FOUND', `Connection "${entry.config.name}" has no tag ${unknown.join(', ')}`)
    return this.update(
      id,
      { ...entry.config, tags: entry.config.tags.filter((t) => !names.includes(t.name)) } as ConnectionConfig,
      `tag ${names.map((n) => `"${n}"`).join(', ')} was removed from connection "${entry.config.name}"`,
    )
  }

  /** Replaces one tag's configuration (renaming it is allowed when the new name is free). */
  async updateTag(id: string, name: string, tag: TagConfig): Promise<ConnectionDetail> {
    const entry = this.require(id)
    const index = entry.config.tags.findIndex((t) => t.name === name)
    if (index < 0) throw new WorkbenchError('NOT_FOUND', `Connection "${entry.config.name}" has no tag "${name}" — it may have been removed; see Connections`)
    if (tag.name !== name && entry.config.tags.some((t) => t.name === tag.name)) {
      throw new WorkbenchError('INVALID_INPUT', `Connection "${entry.config.name}" already has a tag named "${tag.name}" — pick another name`)
    }
    const tags = entry.config.tags.map((t, i) => (i === index ? tag : t))
    const parsed = connectionConfigSchema.safeParse({ ...entry.config, tags })
    if (!parsed.success) {
      const issue = parsed.error.issues.find((i) => i.path[0] === 'tags') ?? parsed.error.issues[0]
      throw new WorkbenchError(
        'INVALID_INPUT',
        `Tag "${name}" of connection "${entry.config.name}" cannot be saved: ${issue?.message ?? 'it does not fit this connection'} — a ${entry.config.protocol} connection needs a ${entry.config.protocol} tag`,
      )
    }
    return this.update(id, parsed.data, `tag "${name}" of connection "${entry.config.name}" was edited`)
  }

  /** Children of a node of the connection's address space (the root when omitted); a protocol without one has none. */
  async browse(id: string, nodeId?: string): Promise<BrowseNodeInfo[]> {
    const entry = this.require(id)
    const tools = this.protocolTools.of(entry.config)
    return tools?.browse ? tools.browse(id, entry.config, entry.connector.inner, nodeId) : []
  }

  /** One node's attributes for the attributes pane (OPC UA). */
  async nodeDetails(id: string, nodeId: string): Promise<NodeDetails> {
    const entry = this.require(id)
    if (entry.config.protocol !== 'opcua')
      throw new WorkbenchError(
        'INVALID_INPUT',
        `Connection "${entry.config.name}" is ${entry.config.protocol}: it has no address space to read attributes from`,
      )
    return this.tools.opcua.nodeDetails(id, entry.config, entry.connector.inner, nodeId)
  }

  /** Calls a method of the device (OPC UA); the write guard decides whether it may. */
  async callMethod(id: string, objectId: string, methodId: string, inputs: readonly (WriteValue | readonly WriteValue[])[]): Promise<MethodCallResult> {
    const entry = this.require(id)
    const tools = this.protocolTools.of(entry.config)
    if (!tools?.callMethod)
      throw new WorkbenchError('INVALID_INPUT', `Connection "${entry.config.name}" is ${entry.config.protocol}: it has no methods to call`)
    return tools.callMethod(id, entry.config, entry.connector.inner, objectId, methodId, inputs)
  }

  /** The traffic log and counters of a connection whose protocol keeps them (the protocol tools' `diagnostics`). */
  diagnostics(id: string): ConnectionDiagnostics {
    const entry = this.require(id)
    const tools = this.protocolTools.of(entry.config)
    if (!tools?.diagnostics)
      throw new WorkbenchError('INVALID_INPUT', `Connection "${entry.config.name}" is ${entry.config.protocol}: it keeps no traffic log or counters`)
    return tools.diagnostics(entry.connector.inner)
  }

  /** The protocol driver behind a connection (for protocol tools such as Modbus scans). */
  driver(id: string): Connector {
    return this.require(id).connector.inner
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.live.values()].map((e) => e.connector.disconnect()))
    await Promise.allSettled(this.protocolTools.all().map((tools) => tools.close?.()))
  }

  private attach(id: string, config: ConnectionConfig, driver = buildConnector(id, config, this.options)): void {
    const connector = new ManagedConnection(driver)
    this.live.set(id, { config, connector })
    this.options.register(connector)
  }

  /**
   * Swaps in a driver for the new configuration, reconnecting when the old one was wanted connected; when only the tags
   * changed and the protocol can take them over, the running driver keeps its link (no reconnect, counters go on).
   */
  private async replace(id: string, config: ConnectionConfig): Promise<void> {
    const entry = this.require(id)
    const wasConnected = entry.connector.state() !== 'disconnected'
    const module = protocolModule(config)
    if (module.retag && sameApartFromTags(entry.config, config)) {
      const next = buildConnector(id, config, this.options)
      if (module.retag(entry.connector.inner, next)) {
        entry.config = config
        entry.connector.retagged()
        return
      }
    }
    await this.protocolTools.of(entry.config)?.release?.(id)
    await entry.connector.disconnect().catch(() => undefined)
    const next = buildConnector(id, config, this.options)
    protocolModule(config).carryOver?.(entry.connector.inner, next)
    entry.connector.swap(next)
    entry.config = config
    if (wasConnected) await this.connect(id).catch(() => undefined)
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
