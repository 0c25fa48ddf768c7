import { describeSparkplugPayload } from './sparkplug/sparkplug-codec'

/** What the explorer keeps per topic: bounded, whatever the broker throws at it. */
export interface TopicStats {
  topic: string
  count: number
  bytes: number
  lastPayload: string
  format?: PayloadFormat
  lastTime: number
  retained: boolean
}

const MAX_PAYLOAD_CHARS = 2048

export type PayloadFormat = 'text' | 'json' | 'sparkplug' | 'binary'

/** Text as it is, JSON marked as such, Sparkplug B decoded to JSON, anything else as hex. */
export function describePayload(topic: string, raw: Uint8Array): { text: string; format: PayloadFormat } {
  if (topic.startsWith('spBv1.0/') && !topic.startsWith('spBv1.0/STATE/')) {
    try {
      return { text: describeSparkplugPayload(raw).slice(0, MAX_PAYLOAD_CHARS * 4), format: 'sparkplug' }
    } catch {
      // Not protobuf after all: shown as what it is below.
    }
  }
  const text = Buffer.from(raw.subarray(0, MAX_PAYLOAD_CHARS * 4))
    .toString('utf8')
    .slice(0, MAX_PAYLOAD_CHARS)
  // U+FFFD means bytes that are not UTF-8, control characters mean binary: hex reads better.
  if (text.includes('\uFFFD') || [...text.slice(0, 256)].some((ch) => ch.charCodeAt(0) < 9 || (ch.charCodeAt(0) > 13 && ch.charCodeAt(0) < 32))) {
    return {
      text: Buffer.from(raw.subarray(0, MAX_PAYLOAD_CHARS / 3))
        .toString('hex')
        .replace(/(..)(?!$)/g, '$1 '),
      format: 'binary',
    }
  }
  const trimmed = text.trimStart()
  if ((trimmed.startsWith('{') || trimmed.startsWith('[')) && raw.byteLength <= MAX_PAYLOAD_CHARS) {
    try {
      JSON.parse(text)
      return { text, format: 'json' }
    } catch {
      return { text, format: 'text' }
    }
  }
  return { text, format: 'text' }
}

/**
 * The live topic table behind the MQTT explorer: one entry per topic with its count and last payload
 * (truncated), at most `maxTopics` topics; the ones beyond are counted, not stored, so a busy `#` cannot eat memory.
 */
export class TopicTree {
  private readonly topics = new Map<string, TopicStats>()
  private changed = new Set<string>()
  private droppedTopics = 0
  private messages = 0

  constructor(private readonly maxTopics = 20_000) {}

  record(topic: string, payload: Uint8Array, retained: boolean, time = Date.now()): void {
    this.messages += 1
    let stats = this.topics.get(topic)
    if (!stats) {
      if (this.topics.size >= this.maxTopics) {
        this.droppedTopics += 1
        return
      }
      stats = { topic, count: 0, bytes: 0, lastPayload: '', lastTime: 0, retained: false }
      this.topics.set(topic, stats)
    }
    stats.count += 1
    stats.bytes += payload.byteLength
    stats.lastTime = time
    stats.retained = retained
    // Decoding is deferred to takeChanges(): only the last payload per interval is ever turned into text.
    ;(stats as TopicStats & { raw?: Uint8Array }).raw = payload
    this.changed.add(topic)
  }

  /** The topics that changed since the last call (coalesced: one entry per topic however many messages came). */
  takeChanges(): TopicStats[] {
    const out: TopicStats[] = []
    for (const topic of this.changed) {
      const stats = this.topics.get(topic) as TopicStats & { raw?: Uint8Array }
      if (stats.raw) {
        const described = describePayload(topic, stats.raw)
        stats.lastPayload = described.text
        stats.format = described.format
        stats.raw = undefined
      }
      out.push({
        topic,
        count: stats.count,
        bytes: stats.bytes,
        lastPayload: stats.lastPayload,
        format: stats.format,
        lastTime: stats.lastTime,
        retained: stats.retained,
      })
    }
    this.changed = new Set()
    return out
  }

  totals(): { topics: number; messages: number; droppedTopics: number } {
    return { topics: this.topics.size, messages: this.messages, droppedTopics: this.droppedTopics }
  }
}
