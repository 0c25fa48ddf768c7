import type { ChannelName, EventOf, OutputOf, ParsedInputOf, RequestName, StreamName } from '../../preload/contract'

/** Where a stream handler sends its events; `congested` tells it to coalesce instead of queueing. */
export interface StreamSink<E> {
  emit(event: E): void
  end(error?: unknown): void
  congested(): boolean
}

export type RequestHandler<K extends RequestName> = (input: ParsedInputOf<K>) => Promise<OutputOf<K>> | OutputOf<K>
/** Opens a stream and returns the function that closes it. */
export type StreamHandler<K extends StreamName> = (input: ParsedInputOf<K>, sink: StreamSink<EventOf<K>>) => () => void

/** The implementation of every channel of the contract; the compiler checks that none is missing. */
export type Handlers = { [K in RequestName]: RequestHandler<K> } & { [K in StreamName]: StreamHandler<K> }

export type AnyChannel = ChannelName
