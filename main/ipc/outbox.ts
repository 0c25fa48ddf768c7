import type { HostMessage } from '../../preload/contract'
import { coalescingFor } from './stream-coalescing'

/** Where an outbox writes: one client's link (a WebSocket in the headless host). */
export interface OutboxLink {
  /** Hands one serialized message to the transport. */
  write(text: string): void
  /** Bytes handed to the transport that the peer has not taken yet. */
  queuedBytes(): number
  /** Ends the link and tells the peer why (a WebSocket close code and a reason of at most 123 bytes). */
  close(code: number, reason: string): void
}

export interface OutboxLimits {
  /** Above this many queued bytes, stream events wait (the newest per stream kept) instead of queueing. */
  coalesceAboveBytes: number
  /** A message that finds more than this many bytes still queued closes the link instead (1008). */
  maxQueuedBytes: number
  /** A link backed up this long without the peer taking a single byte is closed (1013). */
  maxStalledMs: number
}

export const DEFAULT_OUTBOX_LIMITS: OutboxLimits = { coalesceAboveBytes: 1024 * 1024, maxQueuedBytes: 64 * 1024 * 1024, maxStalledMs: 30_000 }

/** WebSocket close codes: 1008 policy violation (outbox cap), 1013 try again later (the peer stopped reading). */
export const CLOSE_OUTBOX_FULL = 1008
export const CLOSE_NOT_READING = 1013

export interface OutboxStats {
  queuedBytes: number
  /** Stream events waiting to be merged with newer ones (at most one per open stream). */
  heldEvents: number
  closed: boolean
}

export interface Outbox {
  /** `channel` names the stream an event or end belongs to; results go without one. */
  send(message: HostMessage, channel?: string): void
  /** True while stream events should merge at their source rather than be sent. */
  backedUp(): boolean
  stats(): OutboxStats
  /** The link is gone: drop what waits and stop watching it. */
  dispose(): void
}

const POLL_MS = 25
const megabytes = (bytes: number): string => (bytes / (1024 * 1024)).toFixed(1)

/**
 * One client's outgoing messages with a cap: while the link is backed up, stream events merge (newest per stream)
 * instead of queueing; past the cap, or when the peer takes nothing for too long, the link is closed with a reason.
 */
export function createOutbox(link: OutboxLink, limits: OutboxLimits = DEFAULT_OUTBOX_LIMITS, onClosed: () => void = () => undefined): Outbox {
  const held = new Map<number, Extract<HostMessage, { kind: 'event' }>>()
  let closed = false
  let timer: NodeJS.Timeout | undefined
  let lastQueued = 0
  let writtenSinceTick = 0
  let lastProgressAt = performance.now()

  const shut = (code: number, reason: string): void => {
    if (closed) return
    closed = true
    held.clear()
    clearInterval(timer)
    timer = undefined
    try {
      link.close(code, reason)
    } finally {
      onClosed()
    }
  }

  const write = (message: HostMessage): void => {
    const queued = link.queuedBytes()
    if (queued > limits.maxQueuedBytes) {
      shut(CLOSE_OUTBOX_FULL, `Outbox over ${megabytes(limits.maxQueuedBytes)} MB: the client is not reading its replies; reconnect`)
      return
    }
    const text = JSON.stringify(message)
    writtenSinceTick += text.length
    link.write(text)
    watch()
  }

  const releaseHeld = (id: number): void => {
    const waiting = held.get(id)
    if (!waiting) return
    held.delete(id)
    write(waiting)
  }

  const tick = (): void => {
    const queued = link.queuedBytes()
    // Bytes the peer took since the last look; header bytes and multi-byte text only make this an underestimate.
    const drained = lastQueued + writtenSinceTick - queued
    lastQueued = queued
    writtenSinceTick = 0
    const now = performance.now()
    if (drained > 0 || queued <= limits.coalesceAboveBytes) lastProgressAt = now
    if (queued <= limits.coalesceAboveBytes) {
      for (const id of [...held.keys()]) if (!closed) releaseHeld(id)
    } else if (now - lastProgressAt > limits.maxStalledMs) {
      shut(CLOSE_NOT_READING, `Client not reading: ${megabytes(queued)} MB waiting for ${Math.round((now - lastProgressAt) / 1000)} s; reconnect`)
      return
    }
    if (held.size === 0 && link.queuedBytes() <= limits.coalesceAboveBytes) {
      clearInterval(timer)
      timer = undefined
    }
  }

  const watch = (): void => {
    if (timer || closed) return
    if (held.size === 0 && link.queuedBytes() <= limits.coalesceAboveBytes) return
    lastQueued = link.queuedBytes()
    writtenSinceTick = 0
    lastProgressAt = performance.now()
    timer = setInterval(tick, POLL_MS)
    timer.unref?.()
  }

  const backedUp = (): boolean => held.size > 0 || link.queuedBytes() > limits.coalesceAboveBytes

  return {
    send(message, channel) {
      if (closed) return
      if (message.kind === 'event' && channel !== undefined) {
        const coalescing = coalescingFor(channel)
        const waiting = held.get(message.id)
        if (coalescing.canHold(message.data) && (waiting || backedUp())) {
          held.set(message.id, waiting ? { ...message, data: coalescing.merge(waiting.data, message.data) } : message)
          watch()
          return
        }
      }
      // Whatever else a stream sends (its end, an event that cannot merge) goes after what it already has waiting.
      if (message.kind !== 'result') releaseHeld(message.id)
      if (!closed) write(message)
    },
    backedUp,
    stats: () => ({ queuedBytes: link.queuedBytes(), heldEvents: held.size, closed }),
    dispose() {
      closed = true
      held.clear()
      clearInterval(timer)
      timer = undefined
    },
  }
}
