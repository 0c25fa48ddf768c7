import {
  AttributeIds,
  type ClientMonitoredItemGroup,
  type ClientSession,
  type ClientSubscription,
  NumericRange,
  resolveNodeId,
  TimestampsToReturn,
} from 'node-opcua'
import { type ConnectionStatus, type TagInfo, type TagValue, WorkbenchError } from '../../../preload/contract'
import type { Connector, DeviceIdentity, WriteValue } from '../connector'
import { ConnectionStatusTracker } from '../connection-status'
import { withoutUrlUserinfo } from '../url-userinfo'
import { toTagValue } from './data-value-to-tag-value'
import { DEFAULT_MONITORING, type Deadband, type MonitoringSettings, monitoringKey, toMonitoringParameters } from './monitoring-parameters'
import { type OpcUaEndpointOptions, type OpcUaSessionHandle, openOpcUaSession, withinFarewell } from './open-session'
import { readNodeValues } from './read-node-values'
import { readServerIdentity } from './server-identity'
import { type NodeValueShape, writeNodeValue } from './write-node-value'

/** One configured tag: where it lives on the server and how it is sampled. */
export interface OpcUaTagConfig {
  id: string
  nodeId: string
  name: string
  path?: string[]
  unit?: string
  range?: { low: number; high: number }
  /** Shown in the tag table; the write path reads the node's real DataType itself. */
  dataType?: string
  access?: 'read' | 'read-write'
  description?: string
  samplingIntervalMs?: number
  queueSize?: number
  deadband?: Deadband
  /** One element of an array node (`2`): its value is that element, a scalar; such a tag is read-only. */
  indexRange?: string
}

/** An element tag's value is the element itself, not an array of one. */
function elementOf(tag: OpcUaTagConfig | undefined, value: TagValue): TagValue {
  if (!tag?.indexRange || !Array.isArray(value.value)) return value
  return { ...value, value: value.value.length === 1 ? (value.value[0] ?? null) : null }
}

export interface OpcUaConnectorOptions extends Omit<OpcUaEndpointOptions, 'reconnect'> {
  id: string
  name: string
  tags: OpcUaTagConfig[]
  /** How often the server sends the batched changes; default 250 ms. */
  publishingIntervalMs?: number
  /** Backoff of node-opcua's reconnection; defaults 500 ms doubling to 10 s. */
  reconnect?: { initialDelayMs?: number; maxDelayMs?: number }
}

export class OpcUaConnector implements Connector {
  readonly protocol = 'opcua' as const
  private readonly tracker: ConnectionStatusTracker
  private readonly valueListeners = new Set<(values: TagValue[]) => void>()
  private readonly tagsById = new Map<string, OpcUaTagConfig>()
  private readonly shapes = new Map<string, NodeValueShape>()
  private readonly lastValues = new Map<string, TagValue>()
  /** Tags whose monitored item the server refused, with what it said. */
  private readonly rejected = new Map<string, string>()
  private handle?: OpcUaSessionHandle
  private subscription?: ClientSubscription
  private groups: ClientMonitoredItemGroup[] = []
  private pending: TagValue[] = []
  private flushScheduled = false

  constructor(private readonly options: OpcUaConnectorOptions) {
    this.tracker = new ConnectionStatusTracker({ id: options.id, name: options.name, protocol: 'opcua', endpoint: withoutUrlUserinfo(options.endpointUrl) })
    for (const tag of options.tags) {
      if (this.tagsById.has(tag.id))
        throw new WorkbenchError('INVALID_INPUT', `OPC UA ${this.endpoint}: tag id ${tag.id} is configured twice — tag ids must be unique`)
      this.tagsById.set(tag.id, tag)
    }
  }

  get id(): string {
    return this.options.id
  }
  get endpoint(): string {
    return this.tracker.status.endpoint
  }
  state() {
    return this.tracker.status.state
  }
  status(): ConnectionStatus {
    return this.tracker.status
  }

  tags(): TagInfo[] {
    return this.options.tags.map((tag) => ({
      id: tag.id,
      name: tag.name,
      path: tag.path ?? [],
      connectionId: this.options.id,
      address: tag.nodeId,
      dataType: tag.dataType ?? 'Variant',
      unit: tag.unit,
      range: tag.range,
      access: tag.indexRange ? 'read' : (tag.access ?? 'read'),
      description: tag.description,
    }))
  }

  async connect(): Promise<void> {
    if (this.handle) return
    this.tracker.set('connecting')
    let handle: OpcUaSessionHandle
    try {
      handle = await openOpcUaSession({ ...this.options, reconnect: this.options.reconnect ?? {} })
    } catch (error) {
      this.tracker.count('errors')
      this.tracker.set('disconnected', error instanceof Error ? error.message : String(error))
      throw error
    }
    this.handle = handle
    this.watchConnection(handle)
    try {
      await this.subscribe(handle)
    } catch (error) {
      this.tracker.count('errors')
      this.tracker.set('degraded', `OPC UA ${this.endpoint}: subscription failed: ${error instanceof Error ? error.message : String(error)}`)
      return
    }
    if (this.rejected.size > 0) this.tracker.set('degraded', this.rejectedMessage())
    else this.tracker.set('connected')
  }

  async disconnect(): Promise<void> {
    const handle = this.handle
    const subscription = this.subscription
    this.handle = undefined
    this.subscription = undefined
    this.groups = []
    this.rejected.clear()
    // Saying goodbye to a server that is gone would wait for a reconnection that is being cancelled right now.
    const farewell = this.tracker.status.state === 'connected' || this.tracker.status.state === 'degraded'
    if (subscription && farewell) await withinFarewell(subscription.terminate())
    if (handle) await handle.close({ farewell })
    this.tracker.set('disconnected')
  }

  onValues(listener: (values: TagValue[]) => void): () => void {
    this.valueListeners.add(listener)
    return () => this.valueListeners.delete(listener)
  }

  onStatus(listener: (status: ConnectionStatus) => void): () => void {
    return this.tracker.onChange(listener)
  }

  async read(tagIds: readonly string[]): Promise<TagValue[]> {
    const session = this.requireSession()
    const items = tagIds.map((tagId) => {
      const tag = this.requireTag(tagId)
      return { tagId, nodeId: tag.nodeId, indexRange: tag.indexRange }
    })
    return (await readNodeValues(session, items)).map((value) => elementOf(this.tagsById.get(value.tagId), value))
  }

  async write(tagId: string, value: WriteValue): Promise<void> {
    const tag = this.requireTag(tagId)
    if (tag.indexRange)
      throw new WorkbenchError(
        'WRITE_REFUSED',
        `OPC UA ${this.endpoint}: ${tag.name} is element [${tag.indexRange}] of ${tag.nodeId} — write the whole array's tag instead`,
      )
    const session = this.requireSession()
    const shape = await writeNodeValue(session, tag.nodeId, value, this.shapes.get(tagId))
    this.shapes.set(tagId, shape)
  }

  async identify(): Promise<DeviceIdentity[]> {
    const session = this.requireSession()
    return [await readServerIdentity(session, this.handle!.client, withoutUrlUserinfo(this.options.endpointUrl))]
  }

  /**
   * The session browsing, attribute reads and method calls share with the subscription; node-opcua repairs this same
   * object after every reconnect (a new session on a restarted server). Undefined while disconnected.
   */
  liveSession(): ClientSession | undefined {
    if (!this.handle) return undefined
    if (this.tracker.status.state === 'reconnecting') {
      throw new WorkbenchError(
        'UNAVAILABLE',
        `OPC UA ${this.endpoint}: the connection is being re-established — try again once ${this.options.name} shows connected`,
      )
    }
    return this.handle.session
  }

  private async subscribe(handle: OpcUaSessionHandle): Promise<void> {
    if (this.options.tags.length === 0) return
    const subscription = await handle.session.createSubscription2({
      requestedPublishingInterval: this.options.publishingIntervalMs ?? 250,
      requestedLifetimeCount: 120,
      requestedMaxKeepAliveCount: 10,
      maxNotificationsPerPublish: 0,
      publishingEnabled: true,
      priority: 10,
    })
    this.subscription = subscription
    // One CreateMonitoredItems request per distinct sampling/queue/deadband setting, not one per tag.
    const byKey = new Map<string, { settings: MonitoringSettings; tags: OpcUaTagConfig[] }>()
    for (const tag of this.options.tags) {
      const settings: MonitoringSettings = {
        samplingIntervalMs: tag.samplingIntervalMs ?? DEFAULT_MONITORING.samplingIntervalMs,
        queueSize: tag.queueSize ?? DEFAULT_MONITORING.queueSize,
        deadband: tag.deadband,
      }
      const key = monitoringKey(settings)
      const entry = byKey.get(key) ?? { settings, tags: [] }
      entry.tags.push(tag)
      byKey.set(key, entry)
    }
    for (const { settings, tags } of byKey.values()) {
      const group = await subscription.monitorItems(
        tags.map((tag) => ({
          nodeId: resolveNodeId(tag.nodeId),
          attributeId: AttributeIds.Value,
          indexRange: tag.indexRange === undefined ? undefined : new NumericRange(tag.indexRange),
        })),
        toMonitoringParameters(settings),
        TimestampsToReturn.Both,
      )
      group.on('changed', (_item, dataValue, index) => this.queue(elementOf(tags[index], toTagValue(tags[index].id, dataValue, Date.now()))))
      group.on('err', (message) => {
        this.tracker.count('errors')
        this.tracker.set('degraded', `OPC UA ${this.endpoint}: monitored items: ${message}`)
      })
      this.groups.push(group)
      this.rejectItems(group.monitoredItems.flatMap((item, index) => (item.statusCode?.isBad() ? [{ tag: tags[index], status: item.statusCode.name }] : [])))
    }
  }

  /**
   * Items the server refused to monitor (BadNodeIdUnknown for a NodeId it does not know, BadAttributeIdInvalid …) show
   * bad quality with the server's status, count as errors and keep the connection degraded, naming them.
   */
  private rejectItems(rejected: { tag: OpcUaTagConfig; status: string }[]): void {
    if (rejected.length === 0) return
    const receiveTime = Date.now()
    this.tracker.count('errors', rejected.length)
    for (const { tag, status } of rejected) this.rejected.set(tag.id, `${tag.name} (${tag.nodeId}): ${status}`)
    this.emit(
      rejected.map(({ tag, status }) => ({ tagId: tag.id, value: null, quality: { status: 'bad', reason: status }, sourceTime: receiveTime, receiveTime })),
    )
  }

  private rejectedMessage(): string {
    const list = [...this.rejected.values()]
    return `OPC UA ${this.endpoint}: the server refused to monitor ${list.length} tag(s): ${list.slice(0, 5).join('; ')}${list.length > 5 ? ' …' : ''} — check the NodeId or browse for it`
  }

  private watchConnection(handle: OpcUaSessionHandle): void {
    const { client, session } = handle
    const lost = (why: string) => {
      if (this.handle !== handle) return
      this.tracker.set('reconnecting', `OPC UA ${this.endpoint}: ${why} — reconnecting with backoff`)
      this.markStale()
    }
    client.on('connection_lost', () => lost('connection lost'))
    client.on('start_reconnection', () => lost('connection lost'))
    client.on('reconnection_attempt_has_failed', (_error, message) => {
      if (this.handle !== handle) return
      this.tracker.count('errors')
      this.tracker.set('reconnecting', `OPC UA ${this.endpoint}: reconnection attempt failed: ${message.split('\n')[0]}`)
    })
    client.on('connection_reestablished', () => {
      if (this.handle === handle)
        this.tracker.set(this.rejected.size > 0 ? 'degraded' : 'connected', this.rejected.size > 0 ? this.rejectedMessage() : undefined)
    })
    session.on('keepalive_failure', () => {
      if (this.handle === handle && this.tracker.status.state === 'connected')
        this.tracker.set('degraded', `OPC UA ${this.endpoint}: the server stopped answering keep-alives`)
    })
    session.on('session_restored', () => {
      if (this.handle === handle) this.tracker.set('connected')
    })
  }

  /** While reconnecting, the last values are re-sent flagged stale so nobody mistakes them for live ones. */
  private markStale(): void {
    const receiveTime = Date.now()
    const stale = [...this.lastValues.values()].filter((value) => !value.stale).map((value) => ({ ...value, stale: true, receiveTime }))
    if (stale.length > 0) this.emit(stale)
  }

  private queue(value: TagValue): void {
    this.pending.push(value)
    if (this.flushScheduled) return
    this.flushScheduled = true
    // A publish response fires 'changed' per item synchronously; listeners get them as one batch.
    setImmediate(() => {
      this.flushScheduled = false
      const batch = this.pending
      this.pending = []
      this.tracker.count('messages', batch.length)
      if (this.tracker.status.state === 'reconnecting' || this.tracker.status.state === 'degraded') {
        if (this.rejected.size > 0) this.tracker.set('degraded', this.rejectedMessage())
        else this.tracker.set('connected')
      }
      this.emit(batch)
    })
  }

  private emit(values: TagValue[]): void {
    for (const value of values) this.lastValues.set(value.tagId, value)
    for (const listener of this.valueListeners) listener(values)
  }

  private requireTag(tagId: string): OpcUaTagConfig {
    const tag = this.tagsById.get(tagId)
    if (!tag)
      throw new WorkbenchError('NOT_FOUND', `OPC UA ${this.endpoint}: no tag ${tagId} on connection ${this.options.name} — add it to the tag list first`, {
        tagId,
      })
    return tag
  }

  private requireSession() {
    if (!this.handle || this.tracker.status.state === 'disconnected') {
      throw new WorkbenchError('UNAVAILABLE', `OPC UA ${this.endpoint}: not connected — connect ${this.options.name} first`)
    }
    return this.handle.session
  }
}
