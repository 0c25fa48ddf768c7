import { useCallback, useEffect, useRef, useState } from 'react'
import type { EventOf, InputOf, VisionEvaluateEvent, VisionPrelabelEvent } from '../../../../../preload/contract'
import { useClient } from '../../../app/client-context'

type TaskChannel = 'visionModels.prelabel' | 'visionModels.evaluate'
export type TaskState<K extends TaskChannel> =
  | { phase: 'idle' }
  | { phase: 'running'; done: number; total: number; rate: number; etaMs: number | null }
  | { phase: 'done'; result: Extract<EventOf<K>, { kind: 'done' }> }
  | { phase: 'failed'; message: string }
  | { phase: 'cancelled' }

/** A long task on a stream channel: progress, the result, an error, or cancel (closing the stream cancels it in main). */
export function useLongTask<K extends TaskChannel>(channel: K, onDone?: () => void) {
  const client = useClient()
  const [state, setState] = useState<TaskState<K>>({ phase: 'idle' })
  const close = useRef<(() => void) | null>(null)
  const start = useCallback(
    (input: InputOf<K>) => {
      close.current?.()
      setState({ phase: 'running', done: 0, total: 0, rate: 0, etaMs: null })
      close.current = client.subscribe(
        channel,
        input,
        (event) => {
          const e = event as VisionPrelabelEvent | VisionEvaluateEvent
          if (e.kind === 'progress') setState({ phase: 'running', done: e.done, total: e.total, rate: e.rate, etaMs: e.etaMs })
          else {
            setState({ phase: 'done', result: e as unknown as Extract<EventOf<K>, { kind: 'done' }> })
            onDone?.()
          }
        },
        (error) => {
          close.current = null
          if (error) setState(error.code === 'CANCELLED' ? { phase: 'cancelled' } : { phase: 'failed', message: error.message })
        },
      )
    },
    [client, channel, onDone],
  )
  const cancel = useCallback(() => {
    close.current?.()
    close.current = null
    setState({ phase: 'cancelled' })
  }, [])
  useEffect(() => () => close.current?.(), [])
  return { state, start, cancel }
}
