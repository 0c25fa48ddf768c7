import type { DataValue } from 'node-opcua'
import type { TagValue } from '../../../preload/contract'
import { qualityFromStatusCode } from './status-quality'
import { plainValue } from './variant-value'

/** Source time falls back to the server time, then to the receive time, so every value has one. */
export function toTagValue(tagId: string, dataValue: DataValue, receiveTime: number): TagValue {
  const sourceTime = dataValue.sourceTimestamp?.getTime() ?? dataValue.serverTimestamp?.getTime() ?? receiveTime
  return { tagId, value: plainValue(dataValue.value), quality: qualityFromStatusCode(dataValue.statusCode), sourceTime, receiveTime }
}
