import { AttributeIds, type ClientSession, resolveNodeId } from 'node-opcua'
import type { NodeDetails } from '../../../preload/contract'
import { parseNodeId, readDataTypeNames, readNodeAttributes } from './browse'
import { readMethodSignature } from './methods'

const ACCESS_BITS: [number, string][] = [
  [0x01, 'CurrentRead'],
  [0x02, 'CurrentWrite'],
  [0x04, 'HistoryRead'],
  [0x08, 'HistoryWrite'],
  [0x10, 'SemanticChange'],
  [0x20, 'StatusWrite'],
  [0x40, 'TimestampWrite'],
]

/** The AccessLevel bits by name (CurrentRead, CurrentWrite …). */
export function accessLevelNames(level: number): string[] {
  return ACCESS_BITS.filter(([bit]) => (level & bit) !== 0).map(([, name]) => name)
}

/** What the attributes pane shows: UaExpert's attributes of one node, the DataType by name, a method's typed arguments. */
export async function readNodeDetails(session: ClientSession, nodeId: string): Promise<NodeDetails> {
  const id = parseNodeId(nodeId)
  const attributes = await readNodeAttributes(session, id)
  const get = (name: string) => attributes.find((attribute) => attribute.name === name)
  const text = (name: string) => {
    const value = get(name)?.value
    return typeof value === 'string' && value !== '' ? value : undefined
  }
  const number = (name: string) => {
    const value = get(name)?.value
    return typeof value === 'number' ? value : undefined
  }
  const details: NodeDetails = {
    nodeId: id.toString(),
    nodeClass: text('NodeClass') ?? 'Unspecified',
    browseName: text('BrowseName') ?? '',
    displayName: text('DisplayName') ?? text('BrowseName') ?? '',
    description: text('Description'),
  }
  if (details.nodeClass === 'Variable' || details.nodeClass === 'VariableType') {
    const value = get('Value')
    details.value = value?.value ?? null
    details.valueStatus = value?.status
    const dataValue = await session.read({ nodeId: id, attributeId: AttributeIds.Value }, 0)
    details.sourceTime = dataValue.sourceTimestamp?.getTime() ?? dataValue.serverTimestamp?.getTime() ?? undefined
    const dataTypeId = text('DataType')
    if (dataTypeId) [details.dataType] = await readDataTypeNames(session, [resolveNodeId(dataTypeId)])
    details.valueRank = number('ValueRank')
    const dimensions = get('ArrayDimensions')?.value
    if (Array.isArray(dimensions) && dimensions.length > 0) details.arrayDimensions = dimensions.filter((d): d is number => typeof d === 'number')
    else if (details.valueRank !== undefined && details.valueRank >= 1 && Array.isArray(details.value)) details.arrayDimensions = [details.value.length]
    const level = number('UserAccessLevel') ?? number('AccessLevel')
    if (level !== undefined) details.accessLevel = accessLevelNames(level)
    details.minimumSamplingIntervalMs = number('MinimumSamplingInterval')
    const historizing = get('Historizing')?.value
    if (typeof historizing === 'boolean') details.historizing = historizing
  }
  if (details.nodeClass === 'Method') {
    const executable = get('Executable')?.value
    if (typeof executable === 'boolean') details.executable = executable
    details.method = await readMethodSignature(session, id.toString())
  }
  return details
}
