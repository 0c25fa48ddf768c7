import type { z } from 'zod'
import { WorkbenchError, channels, type ChannelName, type WorkbenchErrorShape } from '../../preload/contract'
import type { Handlers, StreamSink } from './handlers'
import { toWorkbenchError } from './to-workbench-error'

export type CallResult = { ok: true; output: unknown } | { ok: false; error: WorkbenchErrorShape }

/** The one wrapper every call crosses: look up the channel, validate the input, run, map errors. */
export interface Router {
  call(channel: string, input: unknown): Promise<CallResult>
  /** Opens a stream; returns its closer, or throws a WorkbenchError for an unknown channel or bad input. */
  open(channel: string, input: unknown, sink: StreamSink<unknown>): () => void
}

function lookup(channel: string): (typeof channels)[ChannelName] {
  if (!Object.hasOwn(channels, channel)) {
    throw new WorkbenchError('UNKNOWN_CHANNEL', `Unknown channel "${channel}" — the host and the UI are from different versions, or the name is misspelt`, {
      channel,
    })
  }
  return channels[channel as ChannelName]
}

function parseInput(channel: string, schema: z.ZodType, input: unknown): unknown {
  const parsed = schema.safeParse(input)
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }))
    const first = issues[0]
    throw new WorkbenchError('INVALID_INPUT', `Invalid input for "${channel}": ${first ? `${first.path || '(input)'}: ${first.message}` : 'rejected'}`, {
      issues,
    })
  }
  return parsed.data
}

export function createRouter(handlers: Handlers): Router {
  const table = handlers as unknown as Record<string, (input: unknown, sink?: StreamSink<unknown>) => unknown>
  return {
    async call(channel, input) {
      try {
        const descriptor = lookup(channel)
        if (descriptor.kind !== 'request') {
          throw new WorkbenchError('UNKNOWN_CHANNEL', `"${channel}" is a stream: subscribe to it instead of calling it`)
        }
        const parsed = parseInput(channel, descriptor.input, input)
        const output = await table[channel](parsed)
        return { ok: true, output }
      } catch (error) {
        return { ok: false, error: toWorkbenchError(error) }
      }
    },
    open(channel, input, sink) {
      const descriptor = lookup(channel)
      if (descriptor.kind !== 'stream') {
        throw new WorkbenchError('UNKNOWN_CHANNEL', `"${channel}" is a request: call it instead of subscribing`)
      }
      const parsed = parseInput(channel, descriptor.input, input)
      return table[channel](parsed, sink) as () => void
    },
  }
}
