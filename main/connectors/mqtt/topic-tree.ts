/** What the explorer keeps per topic: bounded, whatever the broker throws at it. */
export interface TopicStats {
  topic: string
  count: number
  bytes: number
  lastPayload: string
  lastTime: number
  retained: boolean
}

const MAX_PAYLOAD_CHARS = 2048

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
        stats.lastPayload = Buffer.from(stats.raw.subarray(0, MAX_PAYLOAD_CHARS * 4)).toString('utf8').slice(0, MAX_PAYLOAD_CHARS)
        stats.raw = undefined
      }
      out.push({ topic, count: stats.count, bytes: stats.bytes, lastPayload: stats.lastPayload, lastTime: stats.lastTime, retained: stats.retained })
    }
    this.changed = new Set()
    return out
  }

  totals(): { topics: number; messages: number; droppedTopics: number } {
    return { topics: this.topics.size, messages: this.messages, droppedTopics: this.droppedTopics }
  }
}
