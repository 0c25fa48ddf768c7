import mqtt, { type MqttClient } from 'mqtt'
import { WorkbenchError, type ConnectionConfig } from '../../../preload/contract'
import type { Connector } from '../connector'
import { MqttConnector } from './mqtt-connector'
import { explainMqttError } from './mqtt-error'
import { loadMqttTls, type MqttTlsInput } from './mqtt-tls'
import { TopicTree, type TopicStats } from './topic-tree'
import { endpointUrlProblem, MQTT_URL_EXAMPLE, MQTT_URL_SCHEMES } from '../endpoint-url'
import { splitUrlUserinfo, withoutUrlUserinfo } from '../url-userinfo'

export interface ExplorerBatch {
  changes: TopicStats[]
  topics: number
  messages: number
  droppedTopics: number
  state: 'connecting' | 'connected' | 'reconnecting' | 'closed'
  error?: string
}

/** How to reach the broker: a URL alone, or everything a saved connection knows. */
export interface ExplorerBrokerSettings {
  url: string
  username?: string
  password?: string
  protocolVersion?: 4 | 5
  tls?: MqttTlsInput
}

/**
 * Subscribes to a broker like MQTT Explorer does and hands out coalesced batches of changed topics,
 * at most one per interval, so a busy `#` never floods the UI.
 */
export function exploreBroker(options: ExplorerBrokerSettings & { filter: string; intervalMs: number; onBatch(batch: ExplorerBatch): void }): () => void {
  const tree = new TopicTree()
  let state: ExplorerBatch['state'] = 'connecting'
  let error: string | undefined
  let client: MqttClient | undefined
  let stopped = false
  const fromUrl = splitUrlUserinfo(options.url)
  const url = fromUrl.url
  loadMqttTls(options.tls).then(
    (tls) => {
      if (stopped) return
      client = mqtt.connect(url, {
        protocolVersion: options.protocolVersion ?? 4,
        username: options.username || fromUrl.username,
        password: options.password || fromUrl.password,
        connectTimeout: 5000,
        reconnectPeriod: 2000,
        clientId: `otw-explorer-${Math.random().toString(16).slice(2, 10)}`,
        ...tls,
      })
      const c = client
      c.on('connect', () => {
        state = 'connected'
        error = undefined
        c.subscribe(options.filter, { qos: 0 }, (e, granted) => {
          if (e || (granted ?? []).some((g) => g.qos >= 128))
            error = `Subscribe to "${options.filter}" refused${e ? `: ${e.message}` : ''} — check the broker's access rules for this user`
        })
      })
      c.on('reconnect', () => (state = 'reconnecting'))
      c.on('error', (e) => (error = explainMqttError(url, e, options.protocolVersion ?? 4)))
      c.on('message', (topic, payload, packet) => tree.record(topic, payload, packet.retain))
    },
    (e: unknown) => {
      state = 'closed'
      error = `MQTT ${url}: ${e instanceof Error ? e.message : String(e)}`
    },
  )
  let lastState = ''
  const timer = setInterval(() => {
    const changes = tree.takeChanges()
    const key = `${state}|${error ?? ''}`
    if (changes.length === 0 && key === lastState) return
    lastState = key
    options.onBatch({ changes, ...tree.totals(), state, error })
  }, options.intervalMs)
  return () => {
    stopped = true
    clearInterval(timer)
    client?.end(true)
  }
}

/** The MQTT driver behind a registered connection (the workbench wraps drivers to swap them on edit). */
function mqttDriver(connector: Connector | undefined, id: string): MqttConnector {
  const driver = (connector as (Connector & { inner?: Connector }) | undefined)?.inner ?? connector
  if (!driver) throw new WorkbenchError('NOT_FOUND', `No connection "${id}" — it may have been removed; see Connections`)
  if (!(driver instanceof MqttConnector)) throw new WorkbenchError('INVALID_INPUT', `Connection "${id}" is not MQTT: it has no Sparkplug B nodes`)
  return driver
}

/** The `mqtt.explore` stream (a saved connection with its TLS and credentials, or a bare URL) and the Sparkplug requests. */
export function mqttExplorerHandlers(savedConnection: (id: string) => ConnectionConfig, connector: (id: string) => Connector | undefined = () => undefined) {
  return {
    'mqtt.sparkplug': (input: { id: string }) => mqttDriver(connector(input.id), input.id).sparkplugStatus(),
    'mqtt.rebirth': async (input: { id: string; groupId: string; edgeNodeId: string }) => {
      await mqttDriver(connector(input.id), input.id).rebirth(input.groupId, input.edgeNodeId)
      return { ok: true as const }
    },
    'mqtt.explore': (
      input: { connectionId?: string; url?: string; filter: string; username?: string; password?: string; intervalMs?: number },
      sink: { emit(batch: ExplorerBatch): void },
    ) => {
      let settings: ExplorerBrokerSettings
      if (input.connectionId) {
        const config = savedConnection(input.connectionId)
        if (config.protocol !== 'mqtt')
          throw new WorkbenchError('INVALID_INPUT', `Connection "${config.name}" is ${config.protocol}, not MQTT: there is no topic tree to explore`)
        settings = { url: config.url, username: config.username, password: config.password, protocolVersion: config.protocolVersion, tls: config.tls }
      } else {
        settings = { url: input.url ?? '', username: input.username, password: input.password }
      }
      const problem = endpointUrlProblem(settings.url, MQTT_URL_SCHEMES)
      if (problem) throw new WorkbenchError('INVALID_INPUT', `MQTT "${withoutUrlUserinfo(settings.url)}" ${problem} — write it like ${MQTT_URL_EXAMPLE}`)
      return exploreBroker({ ...settings, filter: input.filter, intervalMs: input.intervalMs ?? 250, onBatch: (batch) => sink.emit(batch) })
    },
  }
}
