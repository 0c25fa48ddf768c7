import type { StatusCode } from 'node-opcua'
import type { Quality } from '../../../preload/contract'

/** OPC UA severity bits (Good 00, Uncertain 01, Bad 10/11) to the workbench quality, with the status name as reason. */
export function qualityFromStatusCode(statusCode: StatusCode): Quality {
  const severity = statusCode.value >>> 30
  if (severity === 0) return statusCode.value === 0 ? { status: 'good' } : { status: 'good', reason: statusCode.name }
  if (severity === 1) return { status: 'uncertain', reason: statusCode.name }
  return { status: 'bad', reason: statusCode.name }
}
