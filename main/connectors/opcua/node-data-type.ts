import { AttributeIds, type ClientSession, DataType, findBasicDataType, type NodeId, resolveNodeId } from 'node-opcua'
import { WorkbenchError } from '../../../preload/contract'

/** The built-in DataType behind a variable (Duration → Double, enumerations → Int32), read once and cached by the caller. */
export async function readNodeDataType(session: ClientSession, nodeId: string | NodeId): Promise<DataType> {
  const dataValue = await session.read({ nodeId: resolveNodeId(nodeId), attributeId: AttributeIds.DataType })
  if (!dataValue.statusCode.isGood()) {
    throw new WorkbenchError('NOT_FOUND', `OPC UA ${nodeId.toString()}: cannot read the data type (${dataValue.statusCode.name}) — check the NodeId`, {
      nodeId: nodeId.toString(),
    })
  }
  return findBasicDataType(session, dataValue.value.value as NodeId)
}

export function dataTypeName(dataType: DataType): string {
  return DataType[dataType] ?? `DataType(${dataType})`
}
