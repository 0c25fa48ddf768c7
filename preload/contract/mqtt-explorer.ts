import { z } from 'zod'

export const mqttExploreInputSchema = z
  .object({
    url: z.string().regex(/^mqtts?:\/\/[^\s]+$/, 'an mqtt:// or mqtts:// URL'),
    filter: z.string().min(1).max(1024).default('#'),
    username: z.string().max(256).optional(),
    password: z.string().max(1024).optional(),
    intervalMs: z.number().int().min(100).max(10_000).optional(),
  })
  .strict()

export const topicStatsSchema = z.object({
  topic: z.string(),
  count: z.number(),
  bytes: z.number(),
  lastPayload: z.string(),
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
