import { AttributeIds, type ClientSession, NumericRange, resolveNodeId } from 'node-opcua'
import type { TagValue } from '../../../preload/contract'
import { toTagValue } from './data-value-to-tag-value'

/** Reads current values from the device itself (maxAge 0), all in one request. */
export async function readNodeValues(session: ClientSession, items: readonly { tagId: string; nodeId: string; indexRange?: string }[]): Promise<TagValue[]> {
  if (items.length === 0) return []
  const dataValues = await session.read(
    items.map((item) => ({
      nodeId: resolveNodeId(item.nodeId),
      attributeId: AttributeIds.Value,
      indexRange: item.indexRange === undefined ? undefined : new NumericRange(item.indexRange),
    })),
    0,
  )
  const receiveTime = Date.now()
  return dataValues.map((dataValue, index) => toTagValue(items[index].tagId, dataValue, receiveTime))
}
