import type { TagInfo, TagValue } from '../../../../preload/contract'
import { decodeSparkplugPayload, SPARKPLUG_DATA_TYPES, type SparkplugMetric, type SparkplugTopic, type SparkplugValue } from './sparkplug-codec'

interface MetricEntry {
  tag: TagInfo
  alias?: number
  last?: { value: SparkplugValue; sourceTime: number; receiveTime: number }
}

/** An edge node or one of its devices: the metrics its last birth defined. */
interface Source {
  label: string
  online: boolean
  byName: Map<string, MetricEntry>
  byAlias: Map<number, MetricEntry>
}

interface EdgeNode extends Source {
  groupId: string
  edgeNodeId: string
  /** seq of the last message from this node (NBIRTH, NDATA, DBIRTH, DDATA, DDEATH all count). */
  seq?: number
  bdSeq?: number
  devices: Map<string, Source>
}

export interface SparkplugHostOptions {
  connectionId: string
  connectionName: string
  onValues(values: TagValue[]): void
  /** Something a person should know: sequence gaps, data before birth, unknown aliases. */
  onNotice(message: string): void
  /** Asks the edge node to publish its births again (the caller decides whether to send NCMD). */
  onRebirthNeeded(groupId: string, edgeNodeId: string, why: string): void
}

const BD_SEQ = 'bdSeq'

/**
 * The host side of Sparkplug B: NBIRTH/DBIRTH define metrics (name, alias, data type) and so tags;
 * NDATA/DDATA update them by alias or name; NDEATH/DDEATH mark them bad and stale; seq is checked per edge node.
 */
export class SparkplugHost {
  private readonly nodes = new Map<string, EdgeNode>()
  private version = 0
  private cachedTags?: { version: number; tags: TagInfo[] }

  constructor(private readonly options: SparkplugHostOptions) {}

  tags(): TagInfo[] {
    if (this.cachedTags?.version !== this.version) {
      const tags: TagInfo[] = []
      for (const node of this.nodes.values()) {
        for (const entry of node.byName.values()) tags.push(entry.tag)
        for (const device of node.devices.values()) for (const entry of device.byName.values()) tags.push(entry.tag)
      }
      this.cachedTags = { version: this.version, tags }
    }
    return this.cachedTags.tags
  }

  /** Every known edge node and device with its state, for the explorer and the tests. */
  summary(): Array<{ groupId: string; edgeNodeId: string; deviceId?: string; online: boolean; metrics: number; seq?: number }> {
    return [...this.nodes.values()].flatMap((node) => [
      { groupId: node.groupId, edgeNodeId: node.edgeNodeId, online: node.online, metrics: node.byName.size, seq: node.seq },
      ...[...node.devices.entries()].map(([deviceId, d]) => ({
        groupId: node.groupId,
        edgeNodeId: node.edgeNodeId,
        deviceId,
        online: d.online,
        metrics: d.byName.size,
      })),
    ])
  }

  handle(topic: SparkplugTopic, bytes: Uint8Array, receiveTime = Date.now()): void {
    if (topic.messageType === 'NCMD' || topic.messageType === 'DCMD') return
    const label = `Sparkplug ${topic.groupId}/${topic.edgeNodeId}${topic.deviceId ? `/${topic.deviceId}` : ''}`
    let payload
    try {
      payload = decodeSparkplugPayload(bytes)
    } catch (error) {
      this.options.onNotice(
        `${label}: ${topic.messageType} is not a Sparkplug B payload (${error instanceof Error ? error.message : String(error)}) — check the publisher`,
      )
      return
    }
    const key = `${topic.groupId}/${topic.edgeNodeId}`
    let node = this.nodes.get(key)
    const time = (m: SparkplugMetric): number => m.timestamp ?? payload.timestamp ?? receiveTime

    if (topic.messageType === 'NDEATH') {
      if (!node) return
      const bdSeq = payload.metrics.find((m) => m.name === BD_SEQ)?.value
      // A late NDEATH of an earlier session (its bdSeq differs from the current birth's) must not kill the new one.
      if (typeof bdSeq === 'number' && node.bdSeq !== undefined && bdSeq !== node.bdSeq) return
      this.goOffline(node, 'edge node offline (NDEATH)', receiveTime)
      for (const device of node.devices.values()) this.goOffline(device, 'edge node offline (NDEATH)', receiveTime)
      node.seq = undefined
      return
    }

    if (topic.messageType === 'NBIRTH') {
      if (!node) {
        node = { groupId: topic.groupId, edgeNodeId: topic.edgeNodeId, label, online: true, byName: new Map(), byAlias: new Map(), devices: new Map() }
        this.nodes.set(key, node)
      }
      node.seq = payload.seq
      const bdSeq = payload.metrics.find((m) => m.name === BD_SEQ)?.value
      node.bdSeq = typeof bdSeq === 'number' ? bdSeq : undefined
      this.birth(node, [topic.groupId, topic.edgeNodeId], payload.metrics, time, receiveTime)
      return
    }

    if (!node || node.seq === undefined) {
      this.options.onNotice(`${label}: ${topic.messageType} before the edge node's birth certificate — values wait for NBIRTH`)
      this.options.onRebirthNeeded(topic.groupId, topic.edgeNodeId, 'data before birth')
      return
    }
    this.checkSeq(node, payload.seq, topic.messageType, label)

    if (topic.messageType === 'NDATA') {
      this.data(node, payload.metrics, time, receiveTime, label)
      return
    }
    const deviceId = topic.deviceId ?? ''
    let device = node.devices.get(deviceId)
    if (topic.messageType === 'DBIRTH') {
      if (!device) {
        device = { label, online: true, byName: new Map(), byAlias: new Map() }
        node.devices.set(deviceId, device)
      }
      this.birth(device, [topic.groupId, topic.edgeNodeId, deviceId], payload.metrics, time, receiveTime)
      return
    }
    if (!device) {
      this.options.onNotice(`${label}: ${topic.messageType} for a device that never sent DBIRTH — rebirth needed`)
      this.options.onRebirthNeeded(topic.groupId, topic.edgeNodeId, 'device data before birth')
      return
    }
    if (topic.messageType === 'DDEATH') this.goOffline(device, 'device offline (DDEATH)', receiveTime)
    else this.data(device, payload.metrics, time, receiveTime, label)
  }

  /** The broker connection is gone: every value is stale until the nodes are heard from again. */
  markAllStale(reason: string): void {
    const now = Date.now()
    for (const node of this.nodes.values()) {
      this.goOffline(node, reason, now, 'uncertain')
      for (const device of node.devices.values()) this.goOffline(device, reason, now, 'uncertain')
      node.seq = undefined
    }
  }

  private checkSeq(node: EdgeNode, seq: number | undefined, type: string, label: string): void {
    if (seq === undefined) return
    const expected = ((node.seq ?? 0) + 1) % 256
    node.seq = seq
    if (seq !== expected) {
      this.options.onNotice(`${label}: sequence gap — expected seq ${expected}, got ${seq} on ${type}; messages were lost between the edge node and here`)
      this.options.onRebirthNeeded(node.groupId, node.edgeNodeId, `seq gap (expected ${expected}, got ${seq})`)
    }
  }

  private birth(source: Source, path: string[], metrics: SparkplugMetric[], time: (m: SparkplugMetric) => number, receiveTime: number): void {
    source.online = true
    source.byName.clear()
    source.byAlias.clear()
    const values: TagValue[] = []
    for (const metric of metrics) {
      if (!metric.name) continue
      const segments = metric.name.split('/')
      const tag: TagInfo = {
        id: `${this.options.connectionId}:${[...path, metric.name].join('/')}`,
        name: segments[segments.length - 1],
        path: [this.options.connectionName, ...path, ...segments.slice(0, -1)],
        connectionId: this.options.connectionId,
        address: `spBv1.0/${path[0]}/${path.length > 2 ? 'DDATA' : 'NDATA'}/${path.slice(1).join('/')}#${metric.name}${metric.alias !== undefined ? ` (alias ${metric.alias})` : ''}`,
        dataType: SPARKPLUG_DATA_TYPES[metric.datatype ?? 0] ?? `Sparkplug type ${metric.datatype}`,
        unit: metric.unit,
        access: 'read',
        description: `Sparkplug B metric of ${path.join('/')}`,
      }
      const entry: MetricEntry = { tag, alias: metric.alias }
      source.byName.set(metric.name, entry)
      if (metric.alias !== undefined) source.byAlias.set(metric.alias, entry)
      values.push(this.set(entry, metric.value, time(metric), receiveTime))
    }
    this.version += 1
    this.options.onValues(values)
  }

  private data(source: Source, metrics: SparkplugMetric[], time: (m: SparkplugMetric) => number, receiveTime: number, label: string): void {
    const values: TagValue[] = []
    const unknown: string[] = []
    for (const metric of metrics) {
      const entry = metric.alias !== undefined ? source.byAlias.get(metric.alias) : metric.name ? source.byName.get(metric.name) : undefined
      if (!entry) {
        unknown.push(metric.alias !== undefined ? `alias ${metric.alias}` : (metric.name ?? '?'))
        continue
      }
      values.push(this.set(entry, metric.value, time(metric), receiveTime))
    }
    source.online = true
    if (unknown.length > 0) this.options.onNotice(`${label}: metrics not in the birth certificate: ${unknown.slice(0, 5).join(', ')} — rebirth needed`)
    if (values.length > 0) this.options.onValues(values)
  }

  private set(entry: MetricEntry, value: SparkplugValue, sourceTime: number, receiveTime: number): TagValue {
    entry.last = { value, sourceTime, receiveTime }
    return {
      tagId: entry.tag.id,
      value,
      quality: value === null ? { status: 'bad', reason: 'null in Sparkplug payload' } : { status: 'good' },
      sourceTime,
      receiveTime,
    }
  }

  private goOffline(source: Source, reason: string, receiveTime: number, status: 'bad' | 'uncertain' = 'bad'): void {
    source.online = false
    const values: TagValue[] = [...source.byName.values()].map((entry) => ({
      tagId: entry.tag.id,
      value: entry.last?.value ?? null,
      quality: { status, reason },
      sourceTime: receiveTime,
      receiveTime,
      stale: true,
    }))
    if (values.length > 0) this.options.onValues(values)
  }
}
