import { AttributeIds, type ClientSession, type DataType, resolveNodeId } from 'node-opcua'
import { WorkbenchError } from '../../../preload/contract'
import type { WriteValue } from '../connector'
import { readNodeDataType } from './node-data-type'
import { toWriteVariant } from './write-variant'

/** Writes one value converted to the node's DataType; pass the known DataType to skip the lookup. */
export async function writeNodeValue(session: ClientSession, nodeId: string, value: WriteValue, knownDataType?: DataType): Promise<DataType> {
  const dataType = knownDataType ?? (await readNodeDataType(session, nodeId))
  const variant = toWriteVariant(nodeId, dataType, value)
  const statusCode = await session.write({ nodeId: resolveNodeId(nodeId), attributeId: AttributeIds.Value, value: { value: variant } })
  if (!statusCode.isGood()) {
    const hint = /BadNotWritable|BadUserAccessDenied/.test(statusCode.name) ? 'the node is read-only for this user' : 'check the value and the node'
    throw new WorkbenchError('WRITE_REFUSED', `OPC UA ${nodeId}: the server refused the write of ${String(value)} (${statusCode.name}) — ${hint}`, {
      nodeId,
      statusCode: statusCode.name,
    })
  }
  return dataType
}
