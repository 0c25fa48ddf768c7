import { AttributeIds, BrowseDirection, type ClientSession, type NodeId, NodeClassMask, ReferenceTypeIds, resolveNodeId } from 'node-opcua'

export interface EngineeringInfo {
  unit?: string
  range?: { low: number; high: number }
}

/** Reads the EURange and EngineeringUnits properties of an analog item, when present, to fill a tag's unit and range. */
export async function readEngineeringInfo(session: ClientSession, nodeId: string | NodeId): Promise<EngineeringInfo> {
  const browse = await session.browse({
    nodeId: resolveNodeId(nodeId),
    browseDirection: BrowseDirection.Forward,
    referenceTypeId: resolveNodeId(ReferenceTypeIds.HasProperty),
    includeSubtypes: true,
    nodeClassMask: NodeClassMask.Variable,
    resultMask: 0x3f,
  })
  const properties = new Map((browse.references ?? []).map((reference) => [reference.browseName.name ?? '', reference.nodeId]))
  const wanted = (['EURange', 'EngineeringUnits'] as const).filter((name) => properties.has(name))
  if (wanted.length === 0) return {}
  const values = await session.read(wanted.map((name) => ({ nodeId: properties.get(name)!, attributeId: AttributeIds.Value })))
  const info: EngineeringInfo = {}
  wanted.forEach((name, index) => {
    const value: unknown = values[index].statusCode.isGood() ? values[index].value.value : undefined
    if (!value || typeof value !== 'object') return
    if (name === 'EURange') {
      const { low, high } = value as { low?: unknown; high?: unknown }
      if (typeof low === 'number' && typeof high === 'number') info.range = { low, high }
    } else {
      const text = (value as { displayName?: { text?: string | null } }).displayName?.text
      if (text) info.unit = text
    }
  })
  return info
}
