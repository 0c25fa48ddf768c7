import protobuf from 'protobufjs'
import { SPARKPLUG_B_DESCRIPTOR } from './sparkplug-b-schema'

/** Sparkplug B metric data types (Tahu `DataType`), by number. */
export const SPARKPLUG_DATA_TYPES: Record<number, string> = {
  0: 'Unknown',
  1: 'Int8',
  2: 'Int16',
  3: 'Int32',
  4: 'Int64',
  5: 'UInt8',
  6: 'UInt16',
  7: 'UInt32',
  8: 'UInt64',
  9: 'Float',
  10: 'Double',
  11: 'Boolean',
  12: 'String',
  13: 'DateTime',
  14: 'Text',
  15: 'UUID',
  16: 'DataSet',
  17: 'Bytes',
  18: 'File',
  19: 'Template',
  20: 'PropertySet',
  21: 'PropertySetList',
}
export const SPARKPLUG_TYPE_NUMBER = Object.fromEntries(Object.entries(SPARKPLUG_DATA_TYPES).map(([n, name]) => [name, Number(n)])) as Record<string, number>

export type SparkplugValue = number | boolean | string | null

/** One metric as the host uses it: plain JS values, numbers for 64-bit integers (beyond 2^53 they lose precision). */
export interface SparkplugMetric {
  name?: string
  alias?: number
  timestamp?: number
  datatype?: number
  isNull?: boolean
  isHistorical?: boolean
  value: SparkplugValue
  /** Engineering unit from the metric's property set ("engUnit" or "unit"), when the node sends one. */
  unit?: string
}

export interface SparkplugPayload {
  timestamp?: number
  seq?: number
  uuid?: string
  metrics: SparkplugMetric[]
}

const root = protobuf.Root.fromJSON(SPARKPLUG_B_DESCRIPTOR as protobuf.INamespace)
const PayloadType = root.lookupType('org.eclipse.tahu.protobuf.Payload')

/** uint64 fields decode to a Long ({ low, high }) when the `long` package is present, else to a number. */
type LongLike = number | { low: number; high: number } | null | undefined
const toNumber = (v: LongLike, signed = false): number | undefined => {
  if (v === null || v === undefined) return undefined
  if (typeof v === 'number') return signed && v >= 2 ** 63 ? v - 2 ** 64 : v
  return (signed ? v.high | 0 : v.high >>> 0) * 2 ** 32 + (v.low >>> 0)
}

interface RawProperty {
  type?: number
  stringValue?: string
}
interface RawMetric {
  name?: string
  alias?: LongLike
  timestamp?: LongLike
  datatype?: number
  isHistorical?: boolean
  isNull?: boolean
  intValue?: number
  longValue?: LongLike
  floatValue?: number
  doubleValue?: number
  booleanValue?: boolean
  stringValue?: string
  bytesValue?: Uint8Array
  datasetValue?: unknown
  templateValue?: unknown
  properties?: { keys?: string[]; values?: RawProperty[] }
  value?: string
}

function metricValue(m: RawMetric): SparkplugValue {
  if (m.isNull) return null
  const type = m.datatype ?? 0
  switch (m.value) {
    case 'intValue': {
      const v = m.intValue ?? 0
      // Int8/16/32 travel as two's complement in a uint32.
      if (type === 1) return (v << 24) >> 24
      if (type === 2) return (v << 16) >> 16
      if (type === 3) return v | 0
      return v >>> 0
    }
    case 'longValue':
      return toNumber(m.longValue, type === 4 || type === 13) ?? null
    case 'floatValue':
      // A float32 carries about 7 significant digits; more would only show conversion noise (340.4100036621094).
      return Number(Math.fround(m.floatValue ?? 0).toPrecision(7))
    case 'doubleValue':
      return m.doubleValue ?? 0
    case 'booleanValue':
      return m.booleanValue ?? false
    case 'stringValue':
      return m.stringValue ?? ''
    case 'bytesValue':
      return Buffer.from(m.bytesValue ?? []).toString('base64')
    case 'datasetValue':
    case 'templateValue':
      return JSON.stringify(m[m.value])
    default:
      return null
  }
}

function metricUnit(m: RawMetric): string | undefined {
  const keys = m.properties?.keys ?? []
  for (const key of ['engUnit', 'engineeringUnit', 'unit', 'units']) {
    const i = keys.indexOf(key)
    const value = i >= 0 ? m.properties?.values?.[i]?.stringValue : undefined
    if (value) return value
  }
  return undefined
}

/** Decodes a Sparkplug B payload; throws on bytes that are not one. */
export function decodeSparkplugPayload(bytes: Uint8Array): SparkplugPayload {
  const message = PayloadType.decode(bytes) as unknown as {
    timestamp?: LongLike
    seq?: LongLike
    uuid?: string
    metrics?: RawMetric[]
  }
  // Absent proto2 fields read as their default (0) from the prototype; only own properties were on the wire.
  const has = (o: object, key: string): boolean => Object.prototype.hasOwnProperty.call(o, key)
  return {
    timestamp: has(message, 'timestamp') ? toNumber(message.timestamp) : undefined,
    seq: has(message, 'seq') ? toNumber(message.seq) : undefined,
    uuid: message.uuid || undefined,
    metrics: (message.metrics ?? []).map((m) => ({
      name: m.name || undefined,
      alias: has(m, 'alias') ? toNumber(m.alias) : undefined,
      timestamp: has(m, 'timestamp') ? toNumber(m.timestamp) : undefined,
      datatype: has(m, 'datatype') ? m.datatype : undefined,
      isNull: m.isNull || undefined,
      isHistorical: m.isHistorical || undefined,
      value: metricValue(m),
      unit: metricUnit(m),
    })),
  }
}

/** A metric to encode: give `datatype` by name or number; the value goes into the matching field. */
export interface SparkplugMetricInput {
  name?: string
  alias?: number
  timestamp?: number
  datatype: number | string
  value: SparkplugValue
  unit?: string
}

function valueField(type: number, value: SparkplugValue): Record<string, unknown> {
  if (value === null) return { isNull: true }
  if (type >= 1 && type <= 3) return { intValue: (Number(value) | 0) >>> 0 }
  if (type >= 5 && type <= 7) return { intValue: Number(value) >>> 0 }
  if (type === 4 || type === 8 || type === 13) return { longValue: Number(value) }
  if (type === 9) return { floatValue: Number(value) }
  if (type === 10) return { doubleValue: Number(value) }
  if (type === 11) return { booleanValue: Boolean(value) }
  return { stringValue: String(value) }
}

/** Encodes a Sparkplug B payload (used by the demo plant's edge node and the tests). */
export function encodeSparkplugPayload(payload: { timestamp?: number; seq?: number; metrics: SparkplugMetricInput[] }): Uint8Array {
  const message = PayloadType.create({
    timestamp: payload.timestamp,
    seq: payload.seq,
    metrics: payload.metrics.map((m) => {
      const datatype = typeof m.datatype === 'number' ? m.datatype : SPARKPLUG_TYPE_NUMBER[m.datatype]
      if (datatype === undefined) throw new Error(`Sparkplug: unknown data type "${m.datatype}"`)
      return {
        name: m.name,
        alias: m.alias,
        timestamp: m.timestamp,
        datatype,
        properties: m.unit ? { keys: ['engUnit'], values: [{ type: 12, stringValue: m.unit }] } : undefined,
        ...valueField(datatype, m.value),
      }
    }),
  })
  return PayloadType.encode(message).finish()
}

/** A Sparkplug B topic: spBv1.0/<group>/<message type>/<edge node>[/<device>]. */
export interface SparkplugTopic {
  groupId: string
  messageType: 'NBIRTH' | 'NDEATH' | 'DBIRTH' | 'DDEATH' | 'NDATA' | 'DDATA' | 'NCMD' | 'DCMD'
  edgeNodeId: string
  deviceId?: string
}

const MESSAGE_TYPES = new Set(['NBIRTH', 'NDEATH', 'DBIRTH', 'DDEATH', 'NDATA', 'DDATA', 'NCMD', 'DCMD'])

export function parseSparkplugTopic(topic: string): SparkplugTopic | undefined {
  const parts = topic.split('/')
  if (parts[0] !== 'spBv1.0' || parts.length < 4 || parts.length > 5 || !MESSAGE_TYPES.has(parts[2])) return undefined
  return { groupId: parts[1], messageType: parts[2] as SparkplugTopic['messageType'], edgeNodeId: parts[3], deviceId: parts[4] }
}

/** The payload as readable JSON for the explorer: data types by name, values decoded. */
export function describeSparkplugPayload(bytes: Uint8Array): string {
  const payload = decodeSparkplugPayload(bytes)
  return JSON.stringify({
    timestamp: payload.timestamp === undefined ? undefined : new Date(payload.timestamp).toISOString(),
    seq: payload.seq,
    uuid: payload.uuid,
    metrics: payload.metrics.map((m) => ({
      name: m.name,
      alias: m.alias,
      datatype: m.datatype === undefined ? undefined : (SPARKPLUG_DATA_TYPES[m.datatype] ?? m.datatype),
      value: m.value,
      unit: m.unit,
      timestamp: m.timestamp,
    })),
  })
}
