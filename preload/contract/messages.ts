import { z } from 'zod'
import { workbenchErrorSchema } from './errors'

/** Largest message either side accepts; larger ones get PAYLOAD_TOO_LARGE and the link stays up. */
export const MAX_MESSAGE_BYTES = 4 * 1024 * 1024

/** What a client sends over any transport (Electron IPC or WebSocket). */
export const clientMessageSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('call'), id: z.number().int(), channel: z.string().max(200), input: z.unknown().optional() }),
  z.object({ kind: z.literal('subscribe'), id: z.number().int(), channel: z.string().max(200), input: z.unknown().optional() }),
  z.object({ kind: z.literal('unsubscribe'), id: z.number().int() }),
])
export type ClientMessage = z.infer<typeof clientMessageSchema>

/** What the host sends back. id 0 carries errors about messages that could not be read at all. */
export const hostMessageSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('result'), id: z.number(), ok: z.literal(true), output: z.unknown() }),
  z.object({ kind: z.literal('result'), id: z.number(), ok: z.literal(false), error: workbenchErrorSchema }),
  z.object({ kind: z.literal('event'), id: z.number(), data: z.unknown() }),
  z.object({ kind: z.literal('end'), id: z.number(), error: workbenchErrorSchema.optional() }),
])
export type HostMessage = z.infer<typeof hostMessageSchema>

/** The bridge the preload script exposes as window.workbench in the desktop host. */
export interface PreloadBridge {
  readonly transport: 'ipc'
  send(message: ClientMessage): void
  onMessage(listener: (message: HostMessage) => void): () => void
}
