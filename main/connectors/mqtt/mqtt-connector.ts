import mqtt, { type MqttClient } from 'mqtt'
import type { ConnectionStatus, TagInfo, TagValue } from '../../../preload/contract'
import type { Connector } from '../connector'
import { ConnectionStatusTracker } from '../connection-status'
import { readJsonPath } from './json-path'

/** A tag fed from a topic: the whole payload, or one field of a JSON payload. */
export interface MqttTagMapping {
  tag: TagInfo
  topic: string
  jsonPath?: string
  /** JSON field that carries the source time (epoch ms); receive time is used when absent. */
  timePath?: string
}

export interface MqttConnectorOptions {
  id: string
  name: string
  url: string
  username?: string
  password?: string
  clientId?: string
  mappings: MqttTagMapping[]
  /** Marks the connection degraded when no message arrived for this long. */
  silenceMs?: number
}

function toValue(raw: unknown): TagValue['value'] {
  if (typeof raw === 'number' || typeof raw === 'boolean' || typeof raw === 'string') return raw
  if (raw === null || raw === undefined) return null
  return JSON.stringify(raw)
}

export class MqttConnector implements Connector {
  readonly protocol = 'mqtt' as const
  private client?: MqttClient
  private readonly tracker: ConnectionStatusTracker
  private readonly byTopic = new Map<string, MqttTagMapping[]>()
  private readonly valueListeners = new Set<(values: TagValue[]) => void>()

  constructor(private readonly options: MqttConnectorOptions) {
    this.tracker = new ConnectionStatusTracker({ id: options.id, name: options.name, protocol: 'mqtt', endpoint: options.url })
    for (const mapping of options.mappings) {
      const list = this.byTopic.get(mapping.topic) ?? []
      list.push(mapping)
      this.byTopic.set(mapping.topic, list)
    }
  }

  get id(): string {
    return this.options.id
  }
  get endpoint(): string {
    return this.options.url
  }
  state() {
    return this.tracker.status.state
  }
  status(): ConnectionStatus {
    return this.tracker.status
  }
  tags(): TagInfo[] {
    return this.options.mappings.map((m) => m.tag)
  }

  async connect(): Promise<void> {
    if (this.client) return
    this.tracker.set('connecting')
    const client = mqtt.connect(this.options.url, {
      clientId: this.options.clientId ?? `otw-${this.options.id}-${Math.random().toString(16).slice(2, 10)}`,
      username: this.options.username,
      password: this.options.password,
      reconnectPeriod: 1000,
      connectTimeout: 5000,
    })
    this.client = client
    client.on('connect', () => {
      this.tracker.set('connected')
      const topics = [...this.byTopic.keys()]
      if (topics.length > 0) {
        client.subscribe(topics, { qos: 0 }, (error) => {
          if (error) this.tracker.set('degraded', `MQTT ${this.options.url}: subscribe failed: ${error.message}`)
        })
      }
    })
    client.on('reconnect', () => this.tracker.set('reconnecting'))
    client.on('close', () => {
      if (this.client === client && this.tracker.status.state === 'connected') this.tracker.set('reconnecting', `MQTT ${this.options.url}: connection closed`)
    })
    client.on('offline', () => this.tracker.set('reconnecting', `MQTT ${this.options.url}: broker unreachable — retrying every second`))
    client.on('error', (error) => {
      this.tracker.count('errors')
      this.tracker.set(this.tracker.status.state === 'connected' ? 'degraded' : 'reconnecting', `MQTT ${this.options.url}: ${error.message}`)
    })
    client.on('message', (topic, payload) => this.onMessage(topic, payload))
  }

  async disconnect(): Promise<void> {
    const client = this.client
    this.client = undefined
    if (client) await client.endAsync(true)
    this.tracker.set('disconnected')
  }

  onValues(listener: (values: TagValue[]) => void): () => void {
    this.valueListeners.add(listener)
    return () => this.valueListeners.delete(listener)
  }

  onStatus(listener: (status: ConnectionStatus) => void): () => void {
    return this.tracker.onChange(listener)
  }

  private onMessage(topic: string, payload: Buffer): void {
    this.tracker.count('messages')
    const mappings = this.byTopic.get(topic)
    if (!mappings) return
    const receiveTime = Date.now()
    const text = payload.toString('utf8')
    let document: unknown = text
    const needsJson = mappings.some((m) => m.jsonPath !== undefined)
    if (needsJson) {
      try {
        document = JSON.parse(text)
      } catch {
        this.tracker.count('errors')
        this.emit(
          mappings.map((m) => ({
            tagId: m.tag.id,
            value: null,
            quality: { status: 'bad', reason: `Payload on ${topic} is not JSON` },
            sourceTime: receiveTime,
            receiveTime,
          })),
        )
        return
      }
    }
    const values: TagValue[] = []
    for (const mapping of mappings) {
      const raw = mapping.jsonPath !== undefined ? readJsonPath(document, mapping.jsonPath) : document
      const time = mapping.timePath ? readJsonPath(document, mapping.timePath) : undefined
      const sourceTime = typeof time === 'number' ? time : receiveTime
      if (raw === undefined) {
        values.push({ tagId: mapping.tag.id, value: null, quality: { status: 'bad', reason: `Field ${mapping.jsonPath} missing in payload on ${topic}` }, sourceTime, receiveTime })
      } else {
        values.push({ tagId: mapping.tag.id, value: toValue(raw), quality: { status: 'good' }, sourceTime, receiveTime })
      }
    }
    this.emit(values)
  }

  private emit(values: TagValue[]): void {
    for (const listener of this.valueListeners) listener(values)
  }
}
