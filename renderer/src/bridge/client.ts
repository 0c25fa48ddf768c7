import type { EventOf, HostMessage, InputOf, OutputOf, RequestName, StreamName, WorkbenchErrorShape } from '../../../preload/contract'
import type { Link } from './link'

/** A typed error from the host, as the contract defines it. */
export class HostError extends Error {
  readonly code: string
  readonly details?: unknown
  constructor(shape: WorkbenchErrorShape) {
    super(shape.message)
    this.name = 'HostError'
    this.code = shape.code
    this.details = shape.details
  }
}

interface OpenStream {
  channel: string
  input: unknown
  onEvent(data: unknown): void
  onEnd?(error?: HostError): void
}

/** The renderer's one API to the core; it never knows whether IPC or a WebSocket carries it. */
export interface WorkbenchClient {
  readonly link: Link
  call<K extends RequestName>(channel: K, input?: InputOf<K>): Promise<OutputOf<K>>
  subscribe<K extends StreamName>(channel: K, input: InputOf<K>, onEvent: (event: EventOf<K>) => void, onEnd?: (error?: HostError) => void): () => void
}

export function createClient(link: Link & { reconnected?(listener: () => void): () => void }): WorkbenchClient {
  let nextId = 1
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: HostError): void }>()
  const streams = new Map<number, OpenStream>()

  link.onMessage((message: HostMessage) => {
    if (message.kind === 'result') {
      const call = pending.get(message.id)
      if (!call) return
      pending.delete(message.id)
      if (message.ok) call.resolve(message.output)
      else call.reject(new HostError(message.error))
    } else if (message.kind === 'event') {
      streams.get(message.id)?.onEvent(message.data)
    } else if (message.kind === 'end') {
      const stream = streams.get(message.id)
      streams.delete(message.id)
      stream?.onEnd?.(message.error ? new HostError(message.error) : undefined)
    }
  })
  // After a reconnect the host has forgotten our streams: open them again under the same ids.
  link.reconnected?.(() => {
    for (const [id, stream] of streams) link.send({ kind: 'subscribe', id, channel: stream.channel, input: stream.input })
  })
  link.onState((state) => {
    if (state === 'closed' || state === 'refused') {
      for (const call of pending.values())
        call.reject(new HostError({ code: 'UNAVAILABLE', message: 'The workstation host is not reachable — the call was not completed' }))
      pending.clear()
    }
  })

  return {
    link,
    call(channel, input) {
      const id = nextId++
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve: resolve as (value: unknown) => void, reject })
        link.send({ kind: 'call', id, channel, input })
      })
    },
    subscribe(channel, input, onEvent, onEnd) {
      const id = nextId++
      streams.set(id, { channel, input, onEvent: onEvent as (data: unknown) => void, onEnd })
      link.send({ kind: 'subscribe', id, channel, input })
      return () => {
        if (streams.delete(id)) link.send({ kind: 'unsubscribe', id })
      }
    },
  }
}
