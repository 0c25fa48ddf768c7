// Server state in the renderer: every react-query key is made here, so a key names a contract channel or a feature of the
// contract (checked by the compiler, no stray string), and invalidating a feature's prefix refreshes all of its queries.
import { useQuery, type UseQueryOptions } from '@tanstack/react-query'
import { useEffect } from 'react'
import type { EventOf, InputOf, OutputOf, RequestName, StreamName } from '../../../preload/contract'
import { useClient } from '../app/client-context'
import type { HostError } from './client'

/** The features whose queries share a prefix (`oee.report`, `oee.stops`… are all under `oee`). */
type Feature = RequestName extends `${infer F}.${string}` ? F : never

/** A query key: a channel or a feature first, then whatever makes this query distinct (ids, ranges, filters). */
export function queryKey(root: RequestName | Feature, ...parts: readonly unknown[]): readonly unknown[] {
  return [root, ...parts]
}

/** One request channel as a query, keyed by the channel and its input. */
export function useChannelQuery<K extends RequestName>(
  channel: K,
  input?: InputOf<K>,
  options: Omit<UseQueryOptions<OutputOf<K>>, 'queryKey' | 'queryFn'> = {},
) {
  const client = useClient()
  return useQuery({ queryKey: input === undefined ? queryKey(channel) : queryKey(channel, input), queryFn: () => client.call(channel, input), ...options })
}

/** A stream for as long as the component is mounted (and `input` is the same); events go to `onEvent`. */
export function useStream<K extends StreamName>(
  channel: K,
  input: InputOf<K>,
  onEvent: (event: EventOf<K>) => void,
  onEnd?: (error?: HostError) => void,
): void {
  const client = useClient()
  const inputKey = JSON.stringify(input ?? null)
  useEffect(
    () => client.subscribe(channel, input, onEvent, onEnd),
    // The input is compared by value; the handlers are the caller's setters or stable callbacks.
    [client, channel, inputKey],
  )
}
