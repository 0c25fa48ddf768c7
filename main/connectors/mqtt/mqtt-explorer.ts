import mqtt, { type MqttClient } from 'mqtt'
import { TopicTree, type TopicStats } from './topic-tree'

export interface ExplorerBatch {
  changes: TopicStats[]
  topics: number
  messages: number
  droppedTopics: number
  state: 'connecting' | 'connected' | 'reconnecting' | 'closed'
  error?: string
}

/**
 * Subscribes to a broker like MQTT Explorer does and hands out coalesced batches of changed topics,
 * at most one per interval, so a busy `#` never floods the UI.
 */
export function exploreBroker(options: {
  url: string
  filter: string
  username?: string
  password?: string
  intervalMs: number
  onBatch(batch: ExplorerBatch): void
}): () => void {
  const tree = new TopicTree()
  let state: ExplorerBatch['state'] = 'connecting'
  let error: string | undefined
  const client: MqttClient = mqtt.connect(options.url, {
    username: options.username,
    password: options.password,
    connectTimeout: 5000,
    reconnectPeriod: 2000,
    clientId: `otw-explorer-${Math.random().toString(16).slice(2, 10)}`,
  })
  client.on('connect', () => {
    state = 'connected'
    error = undefined
    client.subscribe(options.filter, { qos: 0 }, (e) => {
      if (e) error = `Subscribe to "${options.filter}" refused: ${e.message}`
    })
  })
  client.on('reconnect', () => (state = 'reconnecting'))
  client.on('error', (e) => (error = `MQTT ${options.url}: ${e.message} — check the address, port and credentials`))
  client.on('message', (topic, payload, packet) => tree.record(topic, payload, packet.retain))
  let lastState = ''
  const timer = setInterval(() => {
    const changes = tree.takeChanges()
    const key = `${state}|${error ?? ''}`
    if (changes.length === 0 && key === lastState) return
    lastState = key
    options.onBatch({ changes, ...tree.totals(), state, error })
  }, options.intervalMs)
  return () => {
    clearInterval(timer)
    client.end(true)
  }
}
