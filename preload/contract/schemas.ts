import { z } from 'zod'

export const qualitySchema = z.object({
  status: z.enum(['good', 'uncertain', 'bad']),
  reason: z.string().optional(),
})
export type Quality = z.infer<typeof qualitySchema>

/** One value of one tag, with the quality and the two times that travel with it. */
export const tagValueSchema = z.object({
  tagId: z.string(),
  /** Arrays (OPC UA ValueRank 1) travel as arrays of their elements. */
  value: z.union([z.number(), z.boolean(), z.string(), z.null(), z.array(z.union([z.number(), z.boolean(), z.string(), z.null()]))]),
  quality: qualitySchema,
  sourceTime: z.number(),
  receiveTime: z.number(),
  stale: z.boolean().optional(),
})
export type TagValue = z.infer<typeof tagValueSchema>
export type ScalarTagValue = Exclude<TagValue['value'], readonly unknown[]>

/** A value for places that keep one scalar (alarm rules, deploy data checks): an array as its JSON text. */
export function scalarTagValue(value: TagValue['value']): ScalarTagValue {
  return Array.isArray(value) ? JSON.stringify(value) : (value as ScalarTagValue)
}

export const protocolSchema = z.enum(['opcua', 'modbus', 'mqtt', 's7'])
export type Protocol = z.infer<typeof protocolSchema>

export const connectionStateSchema = z.enum(['connecting', 'connected', 'degraded', 'reconnecting', 'disconnected'])
export type ConnectionState = z.infer<typeof connectionStateSchema>

export const connectionStatusSchema = z.object({
  id: z.string(),
  name: z.string(),
  protocol: protocolSchema,
  endpoint: z.string(),
  state: connectionStateSchema,
  lastError: z.string().optional(),
  since: z.number(),
  counters: z.object({
    messages: z.number(),
    errors: z.number(),
    reconnects: z.number(),
  }),
})
export type ConnectionStatus = z.infer<typeof connectionStatusSchema>

export const tagInfoSchema = z.object({
  id: z.string(),
  name: z.string(),
  path: z.array(z.string()),
  connectionId: z.string(),
  address: z.string(),
  dataType: z.string(),
  unit: z.string().optional(),
  range: z.object({ low: z.number(), high: z.number() }).optional(),
  /** Linear raw → engineering scaling: values, ranges and writes are in engineering units. */
  scaling: z.object({ rawLow: z.number(), rawHigh: z.number(), engLow: z.number(), engHigh: z.number() }).optional(),
  access: z.enum(['read', 'read-write']),
  /** Modbus: the unit id (slave address) this tag is read from and written to. */
  unitId: z.number().optional(),
  description: z.string().optional(),
  /** Names of the values of an enumerated tag (machine states, fault codes), shown beside the number. */
  enumLabels: z.record(z.string(), z.string()).optional(),
})
export type TagInfo = z.infer<typeof tagInfoSchema>

export const appInfoSchema = z.object({
  name: z.string(),
  version: z.string(),
  host: z.enum(['desktop', 'browser']),
  dataDir: z.string(),
  platform: z.string(),
  startedAt: z.number(),
  /** An imported session (otw session import): analysed read-only, nothing is connected, recorded or changed. */
  readOnly: z.object({ importedFrom: z.string(), importedAt: z.string().optional() }).optional(),
})
export type AppInfo = z.infer<typeof appInfoSchema>

export const demoPlantStatusSchema = z.object({
  running: z.boolean(),
  seed: z.number().optional(),
  endpoints: z
    .object({
      opcua: z.string(),
      modbus: z.string(),
      mqtt: z.string(),
    })
    .optional(),
  message: z.string().optional(),
})
export type DemoPlantStatus = z.infer<typeof demoPlantStatusSchema>

export const noticeSchema = z.object({
  id: z.string(),
  level: z.enum(['info', 'warning', 'error']),
  code: z.string().optional(),
  message: z.string(),
  time: z.number(),
})
export type Notice = z.infer<typeof noticeSchema>

/** What the notices stream carries: a notice, or the ids of notices dismissed (in any window) or withdrawn by the host. */
export const noticeEventSchema = z.union([noticeSchema, z.object({ dismissed: z.array(z.string()) }).strict()])
export type NoticeEvent = z.infer<typeof noticeEventSchema>

/** Dismisses one notice by id, or all of them, for every window: one opened later does not show them again. */
export const noticeDismissInputSchema = z.union([
  z.object({ id: z.string().min(1, 'a notice id').max(64) }).strict(),
  z.object({ all: z.literal(true) }).strict(),
])

/** A tag id as the contract accepts it: bounded so nobody sends a megabyte of name. */
export const tagIdSchema = z.string().min(1).max(512)

/**
 * Progress of any long task (exports, imports, scans, inference, training): done of total, the rate per second and the
 * estimated time left, null while it cannot be estimated yet. One shape for every feature's stream.
 */
export const longTaskProgressSchema = z.object({
  kind: z.literal('progress'),
  done: z.number(),
  total: z.number(),
  rate: z.number(),
  etaMs: z.number().nullable(),
})
export type LongTaskProgress = z.infer<typeof longTaskProgressSchema>
