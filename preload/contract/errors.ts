import { z } from 'zod'

/** Every failure that crosses the contract is one of these codes. */
export const errorCodes = [
  'UNKNOWN_CHANNEL',
  'INVALID_INPUT',
  'PAYLOAD_TOO_LARGE',
  'MALFORMED_MESSAGE',
  'NOT_FOUND',
  'PORT_IN_USE',
  'CONNECTION_FAILED',
  'TIMEOUT',
  'WRITE_REFUSED',
  'UNAVAILABLE',
  'CANCELLED',
  'SENDER_REFUSED',
  /** The target changed since the plan (Node-RED 409 version_mismatch): plan again. */
  'CONFLICT',
  /** A target refused the credentials. */
  'AUTH_FAILED',
  /** An imported session is analysed read-only: nothing is connected, written, recorded or edited. */
  'READ_ONLY',
  'INTERNAL',
] as const

export const errorCodeSchema = z.enum(errorCodes)
export type ErrorCode = z.infer<typeof errorCodeSchema>

export const workbenchErrorSchema = z.object({
  code: errorCodeSchema,
  message: z.string(),
  details: z.unknown().optional(),
})
export type WorkbenchErrorShape = z.infer<typeof workbenchErrorSchema>

/** An error that knows its contract code; services throw it, the ipc wrapper passes it on as is. */
export class WorkbenchError extends Error {
  readonly code: ErrorCode
  readonly details?: unknown

  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message)
    this.name = 'WorkbenchError'
    this.code = code
    this.details = details
  }

  toJSON(): WorkbenchErrorShape {
    return { code: this.code, message: this.message, details: this.details }
  }
}

export function isWorkbenchErrorShape(value: unknown): value is WorkbenchErrorShape {
  return workbenchErrorSchema.safeParse(value).success
}
