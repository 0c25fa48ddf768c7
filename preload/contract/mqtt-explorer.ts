import { z } from 'zod'

export const mqttExploreInputSchema = z
  .object({
    /** Explore a saved MQTT connection with its own settings (TLS, credentials, version)… */
    connectionId: z.string().min(1).max(200).optional(),
    /** …or any broker by URL. */
    url: z
      .string()
      .regex(/^(mqtts?|wss?):\/\/[^\s]+$/, 'an mqtt:// or mqtts:// URL')
      .optional(),
    filter: z.string().min(1).max(1024).default('#'),
    username: z.string().max(256).optional(),
    password: z.string().max(1024).optional(),
    intervalMs: z.number().int().min(100).max(10_000).optional(),
  })
  .strict()
  .refine((input) => input.connectionId !== undefined || input.url !== undefined, { message: 'give a broker URL or a saved MQTT connection', path: ['url'] })

export const topicStatsSchema = z.object({
  topic: z.string(),
  count: z.number(),
  bytes: z.number(),
  /** The last payload as text (truncated); Sparkplug B payloads decoded to JSON, binary ones as hex. */
  lastPayload: z.string(),
  /** How lastPayload was made from the bytes. */
  format: z.enum(['text', 'json', 'sparkplug', 'binary']).optional(),
  lastTime: z.number(),
  retained: z.boolean(),
})
export type TopicStatsInfo = z.infer<typeof topicStatsSchema>

/** Coalesced: each batch lists the topics that changed since the previous one, with running totals. */
export const mqttExploreBatchSchema = z.object({
  changes: z.array(topicStatsSchema),
  topics: z.number(),
  messages: z.number(),
  droppedTopics: z.number(),
  state: z.enum(['connecting', 'connected', 'reconnecting', 'closed']),
  error: z.string().optional(),
})
export type MqttExploreBatch = z.infer<typeof mqttExploreBatchSchema>

/** One Sparkplug B edge node (or one of its devices) as a connection's host sees it. */
export const sparkplugNodeSchema = z.object({
  groupId: z.string(),
  edgeNodeId: z.string(),
  deviceId: z.string().optional(),
  online: z.boolean(),
  metrics: z.number(),
  /** The last seq seen from the edge node (nodes only). */
  seq: z.number().optional(),
})
export const sparkplugStatusSchema = z.object({
  enabled: z.boolean(),
  nodes: z.array(sparkplugNodeSchema),
  /** Sequence gaps, data before birth, rebirth requests: newest last. */
  events: z.array(z.object({ time: z.number(), message: z.string() })),
})
export type SparkplugStatus = z.infer<typeof sparkplugStatusSchema>

const connectionId = z.string().min(1).max(200)

/** A message published by hand: exactly what the confirmation showed. */
export const mqttPublishInputSchema = z
  .object({
    id: connectionId,
    topic: z
      .string()
      .min(1, 'a topic to publish to')
      .max(1024)
      .refine((t) => !/[#+]/.test(t), { message: 'a topic to publish to has no wildcards (+ or #)' }),
    payload: z.string().max(262_144),
    qos: z.union([z.literal(0), z.literal(1), z.literal(2)]).default(0),
    retain: z.boolean().default(false),
  })
  .strict()
export type MqttPublishInput = z.infer<typeof mqttPublishInputSchema>
const publishResultSchema = z.object({ auditId: z.number(), message: z.string() })

export const mqttRequests = {
  /** Publishes one message on a saved connection; only while it is armed, audited (topic, payload, QoS, retain, result). */
  'mqtt.publish': { input: mqttPublishInputSchema, output: publishResultSchema },
  /** Clears a topic's retained message (an empty retained publish); armed and audited like a publish. */
  'mqtt.clearRetained': { input: z.object({ id: connectionId, topic: mqttPublishInputSchema.shape.topic }).strict(), output: publishResultSchema },
  /** The Sparkplug B nodes and devices of an MQTT connection, and what happened to them. */
  'mqtt.sparkplug': { input: z.object({ id: connectionId }).strict(), output: sparkplugStatusSchema },
  /** Publishes NCMD Node Control/Rebirth to one edge node. */
  'mqtt.rebirth': {
    input: z.object({ id: connectionId, groupId: z.string().min(1).max(200), edgeNodeId: z.string().min(1).max(200) }).strict(),
    output: z.object({ ok: z.literal(true) }),
  },
} as const
