import { WorkbenchError, isWorkbenchErrorShape, type WorkbenchErrorShape } from '../../preload/contract'

interface CodedError {
  code?: unknown
  message?: unknown
  details?: unknown
}

/** Turns anything thrown by a service into the contract's typed error, keeping its message. */
export function toWorkbenchError(error: unknown): WorkbenchErrorShape {
  if (error instanceof WorkbenchError) return error.toJSON()
  if (isWorkbenchErrorShape(error)) return error
  if (error instanceof Error) {
    const coded = error as CodedError
    if (coded.code === 'EADDRINUSE' || coded.code === 'PORT_IN_USE') {
      return { code: 'PORT_IN_USE', message: error.message, details: coded.details }
    }
    if (coded.code === 'ETIMEDOUT') return { code: 'TIMEOUT', message: error.message }
    if (coded.code === 'ECONNREFUSED') return { code: 'CONNECTION_FAILED', message: error.message }
    return { code: 'INTERNAL', message: error.message || 'Unexpected error', details: { name: error.name } }
  }
  return { code: 'INTERNAL', message: `Unexpected error: ${String(error)}` }
}
