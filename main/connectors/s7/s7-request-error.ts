import { RETURN_CODE } from './s7-frames'
import type { S7Item } from './s7-address'
import { describeS7Item } from './s7-address'

// Why an S7 request or one of its items failed, in words an engineer acts on.

export type S7FailureKind = 'item' | 'refused' | 'timeout' | 'disconnected' | 'protocol'

export const ACCESS_DENIED_ADVICE =
  "access denied: enable PUT/GET access in the CPU's protection settings (TIA Portal: CPU properties › Protection & Security › " +
  'Connection mechanisms › Permit access with PUT/GET communication) and switch the DB to non-optimized access ' +
  '(DB properties › Attributes › untick Optimized block access), then download'

/** A failed request or item; the message follows `S7 <where>: <what> — <what to do>`. */
export class S7RequestError extends Error {
  constructor(
    message: string,
    readonly kind: S7FailureKind,
    /** The item return code (kind 'item') or the header's error class and code as one number (kind 'refused'). */
    readonly s7Code?: number,
  ) {
    super(message)
    this.name = 'S7RequestError'
  }
}

/** Words for an item return code; `dbSize` (when known) makes "address out of range" say how large the DB is. */
export function describeItemFailure(returnCode: number, item: S7Item, dbSize?: number): string {
  const what = describeS7Item(item)
  switch (returnCode) {
    case RETURN_CODE.objectDoesNotExist:
      return item.area === 'DB'
        ? `${what}: item not available (DB ${item.db} does not exist) — check the DB number, or download the DB to the CPU`
        : `${what}: item not available — this CPU has no such ${item.area} area`
    case RETURN_CODE.addressOutOfRange: {
      const size =
        dbSize !== undefined && item.area === 'DB'
          ? ` (DB${item.db} has ${dbSize} byte${dbSize === 1 ? '' : 's'})`
          : item.area === 'DB'
            ? ` (past the end of DB${item.db})`
            : ''
      return `${what}: address out of range${size} — check the offset against the DB's layout, or download the DB with the new variables`
    }
    case RETURN_CODE.accessDenied:
      return `${what}: ${ACCESS_DENIED_ADVICE}`
    case RETURN_CODE.hardwareFault:
      return `${what}: hardware fault — check the CPU diagnostics buffer`
    case RETURN_CODE.dataTypeNotSupported:
      return `${what}: data type not supported by the CPU for this area`
    case RETURN_CODE.dataTypeInconsistent:
      return `${what}: data type inconsistent (the CPU refused the length) — check the tag's data type`
    default:
      return `${what}: the CPU refused the item (return code 0x${returnCode.toString(16).padStart(2, '0')})`
  }
}

/** Words for an error class/code in an ack-data header (the whole request was refused). */
export function describeHeaderError(errorClass: number, errorCode: number): string {
  const code = `error class 0x${errorClass.toString(16).padStart(2, '0')} code 0x${errorCode.toString(16).padStart(2, '0')}`
  if (errorClass === 0x81 && errorCode === 0x04) return `${ACCESS_DENIED_ADVICE} (${code}: function not allowed in this protection level)`
  if (errorClass === 0x85) return `the request does not fit the negotiated PDU (${code}) — this is a bug in the request packing, please report it`
  if (errorClass === 0x87) return `the CPU rejected the request's parameters (${code})`
  if (errorClass === 0xd6 || errorClass === 0xd4) return `${ACCESS_DENIED_ADVICE} (${code})`
  return `the CPU refused the request (${code})`
}
