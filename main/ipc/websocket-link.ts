import type { WebSocket } from 'ws'
import { MAX_MESSAGE_BYTES } from '../../preload/contract'
import { DEFAULT_OUTBOX_LIMITS, createOutbox, type OutboxLimits, type OutboxStats } from './outbox'
import type { Router } from './router'
import { createSession } from './session'

/** How much of an oversized message is read to find the id of the call that sent it. */
const OVERSIZED_PREFIX_BYTES = 1024

export interface WebSocketBinding {
  stats(): OutboxStats
}

const asBuffer = (data: Buffer | ArrayBuffer | Buffer[]): Buffer =>
  Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data)

/**
 * Binds the router to one WebSocket: a session for its calls and streams, and an outbox with a cap between them
 * and the socket, so a client that stops reading costs the host a bounded amount of memory and then its link.
 */
export function bindWebSocket(ws: WebSocket, router: Router, limits: Partial<OutboxLimits> = {}): WebSocketBinding {
  const outbox = createOutbox(
    {
      write: (text) => ws.send(text),
      queuedBytes: () => ws.bufferedAmount,
      close: (code, reason) => ws.close(code, reason),
    },
    { ...DEFAULT_OUTBOX_LIMITS, ...limits },
    () => session.close(),
  )
  const session = createSession({
    router,
    send: (message, channel) => {
      if (ws.readyState === ws.OPEN) outbox.send(message, channel)
    },
    congested: () => outbox.backedUp(),
  })
  ws.on('message', (data, isBinary) => {
    const buffer = asBuffer(data)
    if (buffer.byteLength > MAX_MESSAGE_BYTES) {
      // Only the beginning is decoded: the id comes first in every message the clients send.
      session.receive(isBinary ? null : buffer.subarray(0, OVERSIZED_PREFIX_BYTES).toString('utf8'), buffer.byteLength)
      return
    }
    session.receive(isBinary ? buffer : buffer.toString('utf8'), buffer.byteLength)
  })
  const gone = (): void => {
    outbox.dispose()
    session.close()
  }
  ws.on('close', gone)
  ws.on('error', gone)
  return { stats: () => outbox.stats() }
}
