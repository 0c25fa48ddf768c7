// The data itself: subscribe to the broker the gateway publishes to and check that every deployed tag's topic
// arrives within a window, with values that agree with what the workbench reads from the device directly.
import mqtt from 'mqtt'
import { DeployError } from './deploy-error'

export interface CheckedTag {
  tagId: string
  topic: string
  /** How far a gateway value may be from a direct one (engineering units); 0 for exact. */
  tolerance: number
}

export interface DirectSample {
  tagId: string
  value: number | boolean | string | null
  time: number
}

/** The workbench's own reads of the device, as they happen, and the value each tag holds now. */
export interface DirectSamples {
  watch(tagIds: readonly string[], onSample: (sample: DirectSample) => void): () => void
  /** The last value of each tag (an OPC UA value that does not change is sent once, before the check starts). */
  last(tagIds: readonly string[]): DirectSample[]
}

export interface BrokerEndpoint {
  url: string
  username?: string
  password?: string
}

export interface TagCheck {
  tagId: string
  topic: string
  messages: number
  agreed: boolean
  gatewayValue?: unknown
  directValue?: unknown
  /** Why it failed, in words (absent when agreed). */
  problem?: string
}

export interface DataCheckResult {
  ok: boolean
  tags: TagCheck[]
  elapsedMs: number
}

interface Envelope {
  tag?: string
  ts?: string
  payload?: { value?: unknown }
}

const numeric = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v)

/**
 * A gateway value agrees when it lies within the direct values the tag had within ±skew of it (the reads taken then,
 * and the value held from the last read before), widened by the tolerance.
 */
export function agrees(value: unknown, time: number, samples: readonly DirectSample[], tolerance: number, skewMs: number): boolean {
  const held = samples.filter((s) => s.time < time - skewMs).at(-1)
  const near = [...(held ? [held] : []), ...samples.filter((s) => Math.abs(s.time - time) <= skewMs)]
  if (near.length === 0) return false
  if (numeric(value)) {
    const values = near.map((s) => s.value).filter(numeric)
    if (values.length === 0) return false
    return value >= Math.min(...values) - tolerance && value <= Math.max(...values) + tolerance
  }
  return near.some((s) => s.value === value)
}

export interface DataCheckOptions {
  broker: BrokerEndpoint
  tags: readonly CheckedTag[]
  direct: DirectSamples
  /** From the moment the check opens. */
  windowMs: number
  skewMs: number
  signal?: AbortSignal
  label?: string
}

/** A data check under way: subscribed already, so a value the gateway sends once right after the deploy is not missed. */
export interface OpenDataCheck {
  /** Waits until every tag agreed or the window ended, then unsubscribes and says what came. */
  finish(): Promise<DataCheckResult>
  /** Stops at once (the deploy failed before the data could be checked). */
  close(): Promise<void>
}

export async function checkPublishedData(options: DataCheckOptions): Promise<DataCheckResult> {
  return (await openDataCheck(options)).finish()
}

/** Subscribes before the deploy; `finish` after it. The devices/<id>/telemetry style carries every tag on one topic: the envelope's `tag` says which. */
export async function openDataCheck(options: DataCheckOptions): Promise<OpenDataCheck> {
  const started = Date.now()
  const label = options.label ?? `broker ${options.broker.url}`
  const byTopicAndName = new Map<string, CheckedTag>()
  const byTopic = new Map<string, CheckedTag[]>()
  for (const tag of options.tags) {
    byTopic.set(tag.topic, [...(byTopic.get(tag.topic) ?? []), tag])
    byTopicAndName.set(`${tag.topic}\u0000${tag.tagId.slice(tag.tagId.indexOf(':') + 1)}`, tag)
  }
  const samples = new Map<string, DirectSample[]>()
  const gateway = new Map<string, Array<{ value: unknown; time: number }>>()
  const agreed = new Set<string>()
  const keepMs = options.skewMs * 4
  const recheck = (tagId: string): void => {
    if (agreed.has(tagId)) return
    const tag = options.tags.find((t) => t.tagId === tagId)
    if (!tag) return
    const direct = samples.get(tagId) ?? []
    if ((gateway.get(tagId) ?? []).some((g) => agrees(g.value, g.time, direct, tag.tolerance, options.skewMs))) agreed.add(tagId)
  }
  for (const sample of options.direct.last(options.tags.map((t) => t.tagId))) samples.set(sample.tagId, [sample])
  const stopWatching = options.direct.watch(
    options.tags.map((t) => t.tagId),
    (sample) => {
      const list = samples.get(sample.tagId) ?? []
      list.push(sample)
      // Old reads no longer match any gateway value in the skew window; keep memory bounded on long windows.
      while (list.length > 1 && list[1]!.time < sample.time - keepMs - options.windowMs) list.shift()
      samples.set(sample.tagId, list)
      recheck(sample.tagId)
    },
  )
  const client = mqtt.connect(options.broker.url, {
    username: options.broker.username,
    password: options.broker.password,
    clientId: `otw-verify-${process.pid}-${Date.now().toString(36)}`,
    reconnectPeriod: 0,
    connectTimeout: Math.min(options.windowMs, 10_000),
  })
  try {
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve())
      client.once('error', (error) =>
        reject(
          new DeployError('CONNECTION_FAILED', label, 'data check', `cannot subscribe: ${error.message}`, 'check the broker URL and the reader credentials'),
        ),
      )
    })
    client.on('message', (topic, payload) => {
      let envelope: Envelope
      try {
        envelope = JSON.parse(payload.toString()) as Envelope
      } catch {
        return
      }
      const candidates = byTopic.get(topic) ?? []
      const tag = candidates.length === 1 ? candidates[0] : envelope.tag !== undefined ? byTopicAndName.get(`${topic}\u0000${envelope.tag}`) : undefined
      if (!tag) return
      const time = envelope.ts ? Date.parse(envelope.ts) : Date.now()
      const list = gateway.get(tag.tagId) ?? []
      list.push({ value: envelope.payload?.value, time: Number.isFinite(time) ? time : Date.now() })
      if (list.length > 50) list.shift()
      gateway.set(tag.tagId, list)
      recheck(tag.tagId)
    })
    await client.subscribeAsync([...byTopic.keys()], { qos: 1 }).catch(async (error: unknown) => {
      // A SUBACK failure says only "Unspecified error" for the lot: ask topic by topic which ones the broker refuses.
      const topics = [...byTopic.keys()]
      const tried = await Promise.allSettled(topics.map((topic) => client.subscribeAsync(topic, { qos: 1 })))
      const refused = topics.filter((_, i) => tried[i]!.status === 'rejected')
      if (refused.length === 0) throw error
      throw new DeployError(
        'AUTH_FAILED',
        label,
        'data check',
        `the broker refused the reader${options.broker.username ? ` ${options.broker.username}` : ''} the subscription to ${refused.length} topic(s): ${refused.slice(0, 5).join(', ')}${refused.length > 5 ? ', …' : ''} (nothing was deployed)`,
        "allow the gateway's new topics on the broker first (the Deploy view's broker step, or otw deploy broker), then plan again",
        { refusedTopics: refused },
      )
    })
  } catch (error) {
    stopWatching()
    await client.endAsync(true).catch(() => undefined)
    throw error
  }
  let closed = false
  const finish = async (): Promise<DataCheckResult> => {
    try {
      await waitUntilAgreedOrWindowEnds()
    } finally {
      stopWatching()
      await client.endAsync(true).catch(() => undefined)
    }
    return resultOf()
  }
  const waitUntilAgreedOrWindowEnds = (): Promise<void> =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, Math.max(0, started + options.windowMs - Date.now()))
      const poll = setInterval(() => {
        if (agreed.size === options.tags.length || closed || options.signal?.aborted) {
          clearTimeout(timer)
          clearInterval(poll)
          resolve()
        }
      }, 50)
      timer.unref?.()
      setTimeout(() => clearInterval(poll), options.windowMs + 10).unref?.()
    })
  const resultOf = (): DataCheckResult => {
    const tags: TagCheck[] = options.tags.map((tag) => {
      const seen = gateway.get(tag.tagId) ?? []
      const direct = samples.get(tag.tagId) ?? []
      const ok = agreed.has(tag.tagId)
      const last = seen.at(-1)
      let problem: string | undefined
      if (!ok) {
        if (seen.length === 0) problem = `nothing arrived on ${tag.topic} within ${options.windowMs / 1000} s`
        else if (direct.length === 0) problem = `the workbench got no direct read of ${tag.tagId} to compare with`
        else problem = `gateway sent ${String(last?.value)}, the device read directly gave ${String(direct.at(-1)?.value)} (tolerance ${tag.tolerance})`
      }
      return { tagId: tag.tagId, topic: tag.topic, messages: seen.length, agreed: ok, gatewayValue: last?.value, directValue: direct.at(-1)?.value, problem }
    })
    return { ok: tags.every((t) => t.agreed), tags, elapsedMs: Date.now() - started }
  }
  return {
    finish,
    close: async () => {
      closed = true
      await finish()
    },
  }
}
