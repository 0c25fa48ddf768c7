import { AttributeIds, type ClientSession, type DataType, resolveNodeId } from 'node-opcua'
import { WorkbenchError } from '../../../preload/contract'
import type { WriteValue } from '../connector'
import { readNodeDataType } from './node-data-type'
import { toWriteVariant } from './write-variant'

/** What a write needs to know of a node: its built-in DataType and whether it holds an array (ValueRank ≥ 1). */
export interface NodeValueShape {
  dataType: DataType
  isArray: boolean
}

/** The DataType and ValueRank of a variable, read once and cached by the caller. */
export async function readNodeValueShape(session: ClientSession, nodeId: string): Promise<NodeValueShape> {
  const dataType = await readNodeDataType(session, nodeId)
  const rank = await session.read({ nodeId: resolveNodeId(nodeId), attributeId: AttributeIds.ValueRank })
  const valueRank = typeof rank.value?.value === 'number' ? (rank.value.value as number) : -1
  return { dataType, isArray: valueRank >= 1 }
}

/** Writes one value (an array for an array node) converted to the node's DataType; pass the known shape to skip the lookup. */
export async function writeNodeValue(
  session: ClientSession,
  nodeId: string,
  value: WriteValue | readonly WriteValue[],
  known?: NodeValueShape,
): Promise<NodeValueShape> {
  const shape = known ?? (await readNodeValueShape(session, nodeId))
  const variant = toWriteVariant(nodeId, shape.dataType, value, shape.isArray)
  const statusCode = await session.write({ nodeId: resolveNodeId(nodeId), attributeId: AttributeIds.Value, value: { value: variant } })
  if (!statusCode.isGood()) {
    const hint = /BadNotWritable|BadUserAccessDenied/.test(statusCode.name) ? 'the node is read-only for this user' : 'check the value and the node'
    const shown = Array.isArray(value) ? JSON.stringify(value) : String(value)
    throw new WorkbenchError('WRITE_REFUSED', `OPC UA ${nodeId}: the server refused the write of ${shown} (${statusCode.name}) — ${hint}`, {
      nodeId,
      statusCode: statusCode.name,
    })
  }
  return shape
}
