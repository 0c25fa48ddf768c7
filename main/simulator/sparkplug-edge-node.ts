// A small Sparkplug B edge node in the demo plant: the Labeler's metrics as a device of edge node line1-edge.
import { encodeSparkplugPayload, type SparkplugMetricInput } from '../connectors/mqtt/sparkplug/sparkplug-codec'
import type { PlantSnapshot } from './plant-model'

export const SPARKPLUG_GROUP = 'acme-plant1'
export const SPARKPLUG_EDGE_NODE = 'line1-edge'
export const SPARKPLUG_DEVICE = 'labeler'

interface MetricDefinition {
  name: string
  alias: number
  datatype: 'Float' | 'Double' | 'Int32' | 'Int64' | 'Boolean' | 'String'
  unit?: string
  read(snapshot: PlantSnapshot): number | boolean | string
}

const DEVICE_METRICS: readonly MetricDefinition[] = [
  { name: 'Speed', alias: 10, datatype: 'Float', unit: 'bpm', read: (s) => round(s.machines.Labeler.speedBpm) },
  { name: 'State', alias: 11, datatype: 'Int32', read: (s) => s.machines.Labeler.state },
  { name: 'Running', alias: 12, datatype: 'Boolean', read: (s) => s.machines.Labeler.running },
  { name: 'Counts/Good', alias: 13, datatype: 'Int64', read: (s) => s.machines.Labeler.goodCount },
  { name: 'Counts/Reject', alias: 14, datatype: 'Int64', read: (s) => s.machines.Labeler.rejectCount },
  { name: 'Motor/Temperature', alias: 15, datatype: 'Float', unit: '°C', read: (s) => round(s.machines.Labeler.temperatureC) },
  { name: 'Motor/Current', alias: 16, datatype: 'Float', unit: 'A', read: (s) => round(s.machines.Labeler.motorCurrentA) },
]

function round(value: number): number {
  return Math.round(value * 100) / 100
}

export interface SparkplugEdgeNode {
  /** Publishes DDATA with the metrics that changed, at most once per interval. */
  update(snapshot: PlantSnapshot): void
  /** NCMD Node Control/Rebirth: NBIRTH and DBIRTH again, seq from 0. */
  rebirth(): void
  /** NDEATH (the broker would send it as the node's will on a real disconnect). */
  close(): void
}

/**
 * Publishes like an edge node does: NBIRTH (bdSeq, Node Control/Rebirth), DBIRTH with aliases, then DDATA by alias
 * only, seq 0–255 per node across all its messages; births again when a host asks with NCMD Rebirth.
 */
export function startSparkplugEdgeNode(options: {
  publish(topic: string, payload: Uint8Array): void
  intervalMs: number
  initial: PlantSnapshot
}): SparkplugEdgeNode {
  let seq = 0
  const bdSeq = 0
  let last = options.initial
  let lastSentAt = -Infinity
  const lastValues = new Map<number, number | boolean | string>()
  const nodeTopic = (type: string) => `spBv1.0/${SPARKPLUG_GROUP}/${type}/${SPARKPLUG_EDGE_NODE}`
  const deviceTopic = (type: string) => `${nodeTopic(type)}/${SPARKPLUG_DEVICE}`
  const nextSeq = (): number => {
    const current = seq
    seq = (seq + 1) % 256
    return current
  }

  const birth = (snapshot: PlantSnapshot): void => {
    seq = 0
    const now = snapshot.timeMs
    options.publish(
      nodeTopic('NBIRTH'),
      encodeSparkplugPayload({
        timestamp: now,
        seq: nextSeq(),
        metrics: [
          { name: 'bdSeq', datatype: 'Int64', value: bdSeq },
          { name: 'Node Control/Rebirth', alias: 1, datatype: 'Boolean', value: false },
          { name: 'Properties/Line', alias: 2, datatype: 'String', value: 'line1' },
        ],
      }),
    )
    const metrics: SparkplugMetricInput[] = DEVICE_METRICS.map((m) => {
      const value = m.read(snapshot)
      lastValues.set(m.alias, value)
      return { name: m.name, alias: m.alias, datatype: m.datatype, value, unit: m.unit, timestamp: now }
    })
    options.publish(deviceTopic('DBIRTH'), encodeSparkplugPayload({ timestamp: now, seq: nextSeq(), metrics }))
    lastSentAt = now
  }

  birth(options.initial)

  return {
    update(snapshot) {
      last = snapshot
      if (snapshot.timeMs - lastSentAt < options.intervalMs) return
      const metrics: SparkplugMetricInput[] = []
      for (const m of DEVICE_METRICS) {
        const value = m.read(snapshot)
        if (lastValues.get(m.alias) === value) continue
        lastValues.set(m.alias, value)
        metrics.push({ alias: m.alias, datatype: m.datatype, value, timestamp: snapshot.timeMs })
      }
      lastSentAt = snapshot.timeMs
      if (metrics.length === 0) return
      options.publish(deviceTopic('DDATA'), encodeSparkplugPayload({ timestamp: snapshot.timeMs, seq: nextSeq(), metrics }))
    },
    rebirth() {
      // Same MQTT session, so the same bdSeq: only a new session (reconnect) would count it up.
      birth(last)
    },
    close() {
      options.publish(nodeTopic('NDEATH'), encodeSparkplugPayload({ timestamp: last.timeMs, metrics: [{ name: 'bdSeq', datatype: 'Int64', value: bdSeq }] }))
    },
  }
}
