import mqtt, { type IClientOptions, type MqttClient } from 'mqtt'
import { WorkbenchError, type ConnectionStatus, type TagInfo, type TagValue } from '../../../preload/contract'
import type { Connector, DeviceIdentity, PublishMessage } from '../connector'
import { ConnectionStatusTracker } from '../connection-status'
import { endpointUrlProblem, MQTT_URL_EXAMPLE, MQTT_URL_SCHEMES } from '../endpoint-url'
import { splitUrlUserinfo } from '../url-userinfo'
import { parseJsonPath, readJsonSteps, type JsonPathStep } from './json-path'
import { explainMqttError } from './mqtt-error'
import { loadMqttTls, type MqttTlsInput } from './mqtt-tls'
import { coerceMqttValue, parseSourceTime } from './mqtt-value'
import { encodeSparkplugPayload, parseSparkplugTopic } from './sparkplug/sparkplug-codec'
import { SparkplugHost } from './sparkplug/sparkplug-host'

/** A tag fed from a topic: the whole payload, or one field of a JSON payload. */
export interface MqttTagMapping {
  tag: TagInfo
  topic: string
  jsonPath?: string
  /** JSON field that carries the source time (epoch ms/s or ISO text); receive time is used when absent. */
  timePath?: string
}

export interface MqttConnectorOptions {
  id: string
  name: string
  url: string
  /** 4 = MQTT 3.1.1, 5 = MQTT 5. */
  protocolVersion?: 4 | 5
  username?: string
  password?: string
  clientId?: string
  cleanStart?: boolean
  keepaliveSeconds?: number
  tls?: MqttTlsInput
  sparkplug?: { enabled: boolean; groupId?: string; rebirthOnGap?: boolean }
  mappings: MqttTagMapping[]
  /** Sequence gaps and other things a person should know (the workbench's notices); the status shows them too. */
  onNotice?(message: string): void
  /** Mainly for tests: first and longest wait between reconnect attempts. */
  reconnectMs?: { first: number; max: number }
}

interface CompiledMapping extends MqttTagMapping {
  steps?: JsonPathStep[]
  timeSteps?: JsonPathStep[]
}

const PUBLISH_TIMEOUT_MS = 10_000

/** Why a topic cannot be published to (wildcards, empty, too long, NUL); undefined when it can. */
export function publishTopicProblem(topic: string): string | undefined {
  if (topic === '') return 'the topic is empty'
  if (/[#+]/.test(topic)) return 'a topic to publish to has no wildcards (+ or #)'
  if (topic.includes('\u0000')) return 'the topic contains a NUL character'
  if (new TextEncoder().encode(topic).length > 65_535) return 'the topic is longer than 65,535 bytes'
  return undefined
}

export class MqttConnector implements Connector {
  readonly protocol = 'mqtt' as const
  private client?: MqttClient
  private readonly tracker: ConnectionStatusTracker
  private readonly byTopic = new Map<string, CompiledMapping[]>()
  private readonly valueListeners = new Set<(values: TagValue[]) => void>()
  private readonly sparkplug?: SparkplugHost
  private readonly rebirthAsked = new Map<string, number>()
  private readonly events: Array<{ time: number; message: string }> = []
  private failures = 0
  /** What the broker publishes about itself under $SYS (Mosquitto: version, uptime), by topic. */
  private readonly brokerSys = new Map<string, string>()
  /** First and last message of each Sparkplug edge node and device (`group/node[/device]`). */
  private readonly sparkplugSeen = new Map<string, { first: number; last: number }>()
  /** The broker URL without `user:password@`, the only form shown or put in a message. */
  private readonly url: string
  private readonly credentials: { username?: string; password?: string }

  constructor(private readonly options: MqttConnectorOptions) {
    const fromUrl = splitUrlUserinfo(options.url)
    this.url = fromUrl.url
    // The fields win over the URL, as they always did in mqtt.js.
    this.credentials = { username: options.username || fromUrl.username, password: options.password || fromUrl.password }
    this.tracker = new ConnectionStatusTracker({ id: options.id, name: options.name, protocol: 'mqtt', endpoint: this.url })
    for (const mapping of options.mappings) {
      const compiled: CompiledMapping = { ...mapping }
      try {
        if (mapping.jsonPath !== undefined && mapping.jsonPath !== '') compiled.steps = parseJsonPath(mapping.jsonPath)
        if (mapping.timePath) compiled.timeSteps = parseJsonPath(mapping.timePath)
      } catch (error) {
        throw new WorkbenchError('INVALID_INPUT', `MQTT tag "${mapping.tag.name}": ${error instanceof Error ? error.message : String(error)}`)
      }
      const list = this.byTopic.get(mapping.topic) ?? []
      list.push(compiled)
      this.byTopic.set(mapping.topic, list)
    }
    if (options.sparkplug?.enabled) {
      this.sparkplug = new SparkplugHost({
        connectionId: options.id,
        connectionName: options.name,
        onValues: (values) => this.emit(values),
        onNotice: (message) => this.notice(message),
        onRebirthNeeded: (group, node, why) => this.requestRebirth(group, node, why),
      })
    }
  }

  get id(): string {
    return this.options.id
  }
  get endpoint(): string {
    return this.url
  }
  state() {
    return this.tracker.status.state
  }
  status(): ConnectionStatus {
    return this.tracker.status
  }
  tags(): TagInfo[] {
    const mapped = this.options.mappings.map((m) => m.tag)
    return this.sparkplug ? [...mapped, ...this.sparkplug.tags()] : mapped
  }
  /** Sparkplug edge nodes and devices seen on this connection. */
  sparkplugNodes() {
    return this.sparkplug?.summary() ?? []
  }
  /** Sparkplug decoding on, the nodes and devices seen, and the last 50 things that happened to them. */
  sparkplugStatus() {
    return { enabled: this.sparkplug !== undefined, nodes: this.sparkplugNodes(), events: [...this.events] }
  }

  /**
   * The broker as it describes itself under $SYS (waits up to 2 s for the retained topics after a fresh connect), and
   * every Sparkplug edge node and device heard on this connection with its group, node and device ids.
   */
  async identify(): Promise<DeviceIdentity[]> {
    if (!this.client?.connected) throw new WorkbenchError('UNAVAILABLE', `MQTT ${this.url}: not connected — connect first`)
    for (let waited = 0; waited < 2000 && !this.brokerSys.has('$SYS/broker/version'); waited += 100) await new Promise((r) => setTimeout(r, 100))
    const facts: Record<string, string> = {}
    for (const [topic, value] of this.brokerSys) facts[topic.slice('$SYS/broker/'.length)] = value
    const broker: DeviceIdentity = {
      key: 'broker',
      kind: 'mqtt-broker',
      facts,
      note: this.brokerSys.has('$SYS/broker/version')
        ? undefined
        : 'the broker published no $SYS/broker/version to this client (not Mosquitto, or $SYS is off or denied)',
      seenAt: Date.now(),
    }
    const nodes: DeviceIdentity[] = this.sparkplugNodes().map((n) => {
      const key = n.deviceId ? `${n.groupId}/${n.edgeNodeId}/${n.deviceId}` : `${n.groupId}/${n.edgeNodeId}`
      const seen = this.sparkplugSeen.get(key)
      return {
        key: `spBv1.0/${key}`,
        kind: n.deviceId ? 'sparkplug-device' : 'sparkplug-node',
        facts: {
          groupId: n.groupId,
          edgeNodeId: n.edgeNodeId,
          ...(n.deviceId ? { deviceId: n.deviceId } : {}),
          metrics: String(n.metrics),
          online: String(n.online),
        },
        seenAt: seen?.last,
      }
    })
    return [broker, ...nodes]
  }

  /** Asks one edge node to publish its births again (NCMD Node Control/Rebirth). */
  async rebirth(groupId: string, edgeNodeId: string): Promise<void> {
    const client = this.client
    if (!client?.connected) throw new WorkbenchError('UNAVAILABLE', `MQTT ${this.url}: not connected — connect first, then ask for a rebirth`)
    const payload = encodeSparkplugPayload({ timestamp: Date.now(), metrics: [{ name: 'Node Control/Rebirth', datatype: 'Boolean', value: true }] })
    await client.publishAsync(`spBv1.0/${groupId}/NCMD/${edgeNodeId}`, Buffer.from(payload), { qos: 0 })
    this.rebirthAsked.set(`${groupId}/${edgeNodeId}`, Date.now())
    this.event(`Sparkplug ${groupId}/${edgeNodeId}: rebirth requested by hand`)
  }

  /** Publishes a message; QoS 1 and 2 wait for the broker's acknowledgement (a refusal reason comes back as an error). */
  async publish(message: PublishMessage): Promise<void> {
    const problem = publishTopicProblem(message.topic)
    if (problem) throw new WorkbenchError('INVALID_INPUT', `MQTT ${this.url}: cannot publish to "${message.topic}": ${problem}`)
    const client = this.client
    if (!client?.connected) throw new WorkbenchError('UNAVAILABLE', `MQTT ${this.url}: not connected — connect first, then publish`)
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no acknowledgement from the broker within ${PUBLISH_TIMEOUT_MS / 1000} s (QoS ${message.qos})`)),
        PUBLISH_TIMEOUT_MS,
      )
    })
    try {
      const packet = await Promise.race([client.publishAsync(message.topic, message.payload, { qos: message.qos, retain: message.retain }), timeout])
      // MQTT 5 brokers refuse a publish in the PUBACK's reason code (0x87 not authorised, 0x10 no subscribers is fine).
      const reason = (packet as { reasonCode?: number } | undefined)?.reasonCode
      if (reason !== undefined && reason >= 0x80) throw new Error(`the broker refused it (reason 0x${reason.toString(16)})`)
    } finally {
      clearTimeout(timer)
    }
  }

  private event(message: string): void {
    this.events.push({ time: Date.now(), message })
    if (this.events.length > 50) this.events.shift()
  }

  private subscriptions(): string[] {
    const topics = [...this.byTopic.keys()]
    if (this.sparkplug) topics.push(`spBv1.0/${this.options.sparkplug?.groupId || '+'}/#`)
    return topics
  }

  /** Resolves on the first CONNACK; rejects with a readable error when the first attempt fails (retries go on). */
  async connect(): Promise<void> {
    if (this.client) return
    const problem = endpointUrlProblem(this.url, MQTT_URL_SCHEMES)
    if (problem) {
      // Saved before URLs were checked on save; mqtt.js would throw a bare TypeError.
      const message = `MQTT "${this.url}" ${problem} — write it like ${MQTT_URL_EXAMPLE} and save the connection again`
      this.tracker.set('disconnected', message)
      throw new WorkbenchError('INVALID_INPUT', message)
    }
    this.tracker.set('connecting')
    const version = this.options.protocolVersion ?? 4
    let tls
    try {
      tls = await loadMqttTls(this.options.tls)
    } catch (error) {
      const message = `MQTT ${this.url}: ${error instanceof Error ? error.message : String(error)}`
      this.tracker.set('disconnected', message)
      throw new WorkbenchError('INVALID_INPUT', message)
    }
    const clean = this.options.cleanStart ?? true
    const first = this.options.reconnectMs?.first ?? 1000
    const clientOptions: IClientOptions = {
      protocolVersion: version,
      clientId: this.options.clientId || `otw-${this.options.id}-${Math.random().toString(16).slice(2, 10)}`,
      username: this.credentials.username || undefined,
      password: this.credentials.password || undefined,
      clean,
      keepalive: this.options.keepaliveSeconds ?? 60,
      reconnectPeriod: first,
      connectTimeout: 5000,
      ca: tls.ca,
      cert: tls.cert,
      key: tls.key,
      rejectUnauthorized: tls.rejectUnauthorized,
      servername: tls.servername,
      // MQTT 5 ends a session with the connection unless told otherwise; a persistent session keeps it an hour.
      properties: version === 5 && !clean ? { sessionExpiryInterval: 3600 } : undefined,
    }
    const client = mqtt.connect(this.url, clientOptions)
    this.client = client
    this.failures = 0
    const firstOutcome = new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve())
      const fail = (error: unknown): void => reject(new WorkbenchError('CONNECTION_FAILED', explainMqttError(this.url, error, version)))
      client.once('error', fail)
      client.once('close', () =>
        fail(
          this.tracker.status.lastError
            ? { message: this.tracker.status.lastError.replace(/^MQTT \S+: /, '') }
            : { message: 'connection closed before the broker answered (connack timeout)' },
        ),
      )
    })
    client.on('connect', () => {
      this.failures = 0
      client.options.reconnectPeriod = first
      this.tracker.set('connected')
      const topics = this.subscriptions()
      if (topics.length > 0) {
        client.subscribe(topics, { qos: 0 }, (error, granted) => {
          const refused = (granted ?? []).filter((g) => g.qos === 128 || (g.qos as number) >= 0x80)
          if (error || refused.length > 0) {
            this.tracker.set(
              'degraded',
              `MQTT ${this.url}: subscribe to ${(refused.length > 0 ? refused.map((g) => g.topic) : topics).join(', ')} refused${error ? `: ${error.message}` : ''} — check the broker's access rules for this user`,
            )
          }
        })
      }
    })
    client.on('connect', () => {
      // The broker's own description; a broker that keeps $SYS from this user just sends nothing (no state change).
      client.subscribe(BROKER_SYS_TOPICS, { qos: 0 }, () => undefined)
    })
    client.on('reconnect', () => this.tracker.set('reconnecting'))
    client.on('close', () => {
      if (this.client !== client) return
      // Backoff: 1 s, 2 s, 4 s … up to 30 s while the broker stays away or keeps refusing us.
      this.failures += 1
      client.options.reconnectPeriod = Math.min(first * 2 ** Math.min(this.failures - 1, 10), this.options.reconnectMs?.max ?? 30_000)
      if (this.tracker.status.state === 'connected' || this.tracker.status.state === 'degraded') {
        this.tracker.set('reconnecting', `MQTT ${this.url}: connection lost — reconnecting`)
        this.markStale('broker connection lost')
      }
    })
    client.on('error', (error) => {
      this.tracker.count('errors')
      this.tracker.set(this.tracker.status.state === 'connected' ? 'degraded' : 'reconnecting', explainMqttError(this.url, error, version))
    })
    client.on('disconnect', (packet) => {
      // MQTT 5 brokers say why they hang up.
      if (packet.reasonCode) this.tracker.set('reconnecting', explainMqttError(this.url, { code: packet.reasonCode }, 5))
    })
    client.on('message', (topic, payload) => this.onMessage(topic, payload))
    return firstOutcome
  }

  async disconnect(): Promise<void> {
    const client = this.client
    this.client = undefined
    if (client) await client.endAsync(true)
    this.markStale('disconnected')
    this.tracker.set('disconnected')
  }

  onValues(listener: (values: TagValue[]) => void): () => void {
    this.valueListeners.add(listener)
    return () => this.valueListeners.delete(listener)
  }

  onStatus(listener: (status: ConnectionStatus) => void): () => void {
    return this.tracker.onChange(listener)
  }

  private markStale(reason: string): void {
    this.sparkplug?.markAllStale(reason)
  }

  private notice(message: string): void {
    this.event(message)
    this.tracker.count('errors')
    // The status keeps its state; the message shows as the connection's last error.
    this.tracker.set(this.tracker.status.state, message)
    this.options.onNotice?.(message)
  }

  private requestRebirth(groupId: string, edgeNodeId: string, why: string): void {
    // A node heard from before its birth is always asked (a host must know the metrics); a gap only when configured.
    const unknownNode = why.includes('before birth')
    if ((!unknownNode && !this.options.sparkplug?.rebirthOnGap) || !this.client?.connected) return
    const key = `${groupId}/${edgeNodeId}`
    // At most one request per node every 5 s, so a burst of gaps does not become a burst of rebirths.
    if (Date.now() - (this.rebirthAsked.get(key) ?? 0) < 5000) return
    this.rebirthAsked.set(key, Date.now())
    const payload = encodeSparkplugPayload({ timestamp: Date.now(), metrics: [{ name: 'Node Control/Rebirth', datatype: 'Boolean', value: true }] })
    this.client.publish(`spBv1.0/${groupId}/NCMD/${edgeNodeId}`, Buffer.from(payload), { qos: 0 })
    this.event(`Sparkplug ${key}: rebirth requested (${why})`)
    this.options.onNotice?.(`Sparkplug ${key}: rebirth requested (${why})`)
  }

  private onMessage(topic: string, payload: Buffer): void {
    this.tracker.count('messages')
    const receiveTime = Date.now()
    if (topic.startsWith('$SYS/') && BROKER_SYS_TOPICS.includes(topic)) {
      this.brokerSys.set(topic, payload.toString('utf8').slice(0, 200))
      if (!this.byTopic.has(topic)) return
    }
    if (this.sparkplug && topic.startsWith('spBv1.0/')) {
      const parsed = parseSparkplugTopic(topic)
      if (parsed) {
        for (const key of [
          `${parsed.groupId}/${parsed.edgeNodeId}`,
          ...(parsed.deviceId ? [`${parsed.groupId}/${parsed.edgeNodeId}/${parsed.deviceId}`] : []),
        ]) {
          const seen = this.sparkplugSeen.get(key)
          if (seen) seen.last = receiveTime
          else this.sparkplugSeen.set(key, { first: receiveTime, last: receiveTime })
        }
      }
      if (parsed) this.sparkplug.handle(parsed, payload, receiveTime)
    }
    const mappings = this.byTopic.get(topic)
    if (!mappings) return
    const text = payload.toString('utf8')
    let document: unknown = text
    let jsonError: string | undefined
    if (mappings.some((m) => m.steps !== undefined || m.timeSteps !== undefined)) {
      try {
        document = JSON.parse(text)
      } catch {
        jsonError = `payload is not JSON: ${text.length > 40 ? `${text.slice(0, 40)}…` : text}`
      }
    }
    const values: TagValue[] = []
    for (const mapping of mappings) {
      const time = mapping.timeSteps && !jsonError ? parseSourceTime(readJsonSteps(document, mapping.timeSteps)) : undefined
      const sourceTime = time ?? receiveTime
      if (mapping.steps && jsonError) {
        values.push({ tagId: mapping.tag.id, value: null, quality: { status: 'bad', reason: jsonError }, sourceTime, receiveTime })
        continue
      }
      const raw = mapping.steps ? readJsonSteps(document, mapping.steps) : text
      if (raw === undefined) {
        values.push({
          tagId: mapping.tag.id,
          value: null,
          quality: { status: 'bad', reason: `path not found in payload: ${mapping.jsonPath}` },
          sourceTime,
          receiveTime,
        })
        continue
      }
      const mapped = coerceMqttValue(raw, mapping.tag.dataType)
      values.push({ tagId: mapping.tag.id, ...mapped, sourceTime, receiveTime })
    }
    this.emit(values)
  }

  private emit(values: TagValue[]): void {
    for (const listener of this.valueListeners) listener(values)
  }
}

/** What Mosquitto publishes about itself (retained, so it arrives right after subscribing). */
const BROKER_SYS_TOPICS = ['$SYS/broker/version', '$SYS/broker/uptime', '$SYS/broker/clients/connected']
