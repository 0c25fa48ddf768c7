import { MAX_MESSAGE_BYTES, clientMessageSchema, type HostMessage, type WorkbenchErrorShape } from '../../preload/contract'
import { leadingCallId } from './leading-call-id'
import type { Router } from './router'
import { toWorkbenchError } from './to-workbench-error'

export interface SessionOptions {
  router: Router
  /** `channel` names the stream an event or end belongs to, so the link can merge what a newer event supersedes. */
  send(message: HostMessage, channel?: string): void
  /** True while the link is backed up: stream handlers then merge at their source instead of emitting. */
  congested?(): boolean
}

/**
 * One client's conversation over any transport: decodes messages, runs calls, keeps its streams,
 * and closes them all when the link goes away.
 */
export interface Session {
  /** For a message over MAX_MESSAGE_BYTES, `raw` may be just its beginning: enough to answer the call that sent it. */
  receive(raw: unknown, sizeBytes?: number): void
  close(): void
  openStreams(): number
}

const readError = (error: WorkbenchErrorShape, id = 0): HostMessage => ({ kind: 'result', id, ok: false, error })

export function createSession(options: SessionOptions): Session {
  const { router } = options
  const streams = new Map<number, () => void>()
  let closed = false

  const send = (message: HostMessage, channel?: string): void => {
    if (closed) return
    try {
      options.send(message, channel)
    } catch {
      // The link died under us; the transport will call close().
    }
  }

  const decode = (raw: unknown, sizeBytes: number | undefined): unknown => {
    if (sizeBytes !== undefined && sizeBytes > MAX_MESSAGE_BYTES) {
      throw { code: 'PAYLOAD_TOO_LARGE', message: `Message of ${sizeBytes} bytes is larger than the ${MAX_MESSAGE_BYTES}-byte limit — send less at once` }
    }
    if (typeof raw !== 'string') return raw
    try {
      return JSON.parse(raw)
    } catch {
      throw { code: 'MALFORMED_MESSAGE', message: 'Message is not valid JSON — the client must send one JSON object per message' }
    }
  }

  return {
    receive(raw, sizeBytes) {
      if (closed) return
      let decoded: unknown
      try {
        decoded = decode(raw, sizeBytes)
      } catch (error) {
        const tooLarge = sizeBytes !== undefined && sizeBytes > MAX_MESSAGE_BYTES && typeof raw === 'string'
        send(readError(toWorkbenchError(error), (tooLarge ? leadingCallId(raw) : undefined) ?? 0))
        return
      }
      const parsed = clientMessageSchema.safeParse(decoded)
      if (!parsed.success) {
        const id = typeof (decoded as { id?: unknown })?.id === 'number' ? (decoded as { id: number }).id : 0
        send({
          kind: 'result',
          id,
          ok: false,
          error: {
            code: 'MALFORMED_MESSAGE',
            message: 'Message does not follow the contract envelope ({ kind, id, channel, input })',
            details: { issues: parsed.error.issues.map((i) => i.message) },
          },
        })
        return
      }
      const message = parsed.data
      switch (message.kind) {
        case 'call':
          void router
            .call(message.channel, message.input)
            .then((result) =>
              send(
                result.ok
                  ? { kind: 'result', id: message.id, ok: true, output: result.output }
                  : { kind: 'result', id: message.id, ok: false, error: result.error },
              ),
            )
          return
        case 'subscribe': {
          if (streams.has(message.id)) {
            send({ kind: 'end', id: message.id, error: { code: 'INVALID_INPUT', message: `Stream id ${message.id} is already open` } })
            return
          }
          try {
            let ended = false
            const closeStream = router.open(message.channel, message.input, {
              emit: (data) => {
                if (!ended) send({ kind: 'event', id: message.id, data }, message.channel)
              },
              end: (error) => {
                if (ended) return
                ended = true
                streams.get(message.id)?.()
                streams.delete(message.id)
                send({ kind: 'end', id: message.id, error: error === undefined ? undefined : toWorkbenchError(error) }, message.channel)
              },
              congested: () => options.congested?.() ?? false,
            })
            if (ended) closeStream()
            else streams.set(message.id, closeStream)
          } catch (error) {
            send({ kind: 'end', id: message.id, error: toWorkbenchError(error) }, message.channel)
          }
          return
        }
        case 'unsubscribe': {
          const closeStream = streams.get(message.id)
          streams.delete(message.id)
          closeStream?.()
          return
        }
      }
    },
    close() {
      if (closed) return
      closed = true
      for (const closeStream of streams.values()) {
        try {
          closeStream()
        } catch {
          // A stream that fails to close must not keep the others open.
        }
      }
      streams.clear()
    },
    openStreams: () => streams.size,
  }
}
