import {
  AttributeIds,
  BrowseDirection,
  type ClientSession,
  DataType,
  NodeClass,
  type NodeId,
  type ReferenceDescription,
  ReferenceTypeIds,
  resolveNodeId,
  StatusCodes,
} from 'node-opcua'
import { type TagValue, WorkbenchError } from '../../../preload/contract'
import { plainValue } from './variant-value'

export const OBJECTS_FOLDER = 'i=85'

export interface BrowsedNode {
  nodeId: string
  browseName: string
  displayName: string
  nodeClass: string
  /** The DataType's browse name for variables (Double, Int32, EUInformation …). */
  dataType?: string
  /** False only when the server says the node has no hierarchical children (so the tree shows no expander). */
  hasChildren: boolean
}

export interface NodeAttribute {
  name: string
  value: TagValue['value']
  status: string
}

export interface NodeReference {
  referenceType: string
  isForward: boolean
  nodeId: string
  browseName: string
  displayName: string
  nodeClass: string
}

/** A NodeId from its text; a person's typo is INVALID_INPUT with the notation to use. */
export function parseNodeId(nodeId: string | NodeId): NodeId {
  try {
    return resolveNodeId(nodeId)
  } catch {
    throw new WorkbenchError('INVALID_INPUT', `OPC UA: "${nodeId.toString()}" is not a NodeId — write it like ns=1;s=Line1.Filler.Speed or i=85`)
  }
}

/** Follows continuation points so a node with thousands of children is listed completely. */
async function browseAll(
  session: ClientSession,
  nodeId: NodeId,
  referenceTypeId: number,
  browseDirection = BrowseDirection.Forward,
): Promise<ReferenceDescription[]> {
  const result = await session.browse({
    nodeId,
    browseDirection,
    referenceTypeId: resolveNodeId(referenceTypeId),
    includeSubtypes: true,
    nodeClassMask: 0,
    resultMask: 0x3f,
  })
  if (result.statusCode.value === StatusCodes.BadNodeIdUnknown.value) {
    throw new WorkbenchError('NOT_FOUND', `OPC UA ${nodeId.toString()}: no such node on this server — check the NodeId or browse for it`, {
      nodeId: nodeId.toString(),
    })
  }
  const references = [...(result.references ?? [])]
  let continuationPoint = result.continuationPoint
  while (continuationPoint && continuationPoint.length > 0) {
    const next = await session.browseNext(continuationPoint, false)
    references.push(...(next.references ?? []))
    continuationPoint = next.continuationPoint
  }
  return references
}

/** The children of one node (lazy: the tree asks again when a person expands a child). */
export async function browseChildren(session: ClientSession, nodeId: string | NodeId = OBJECTS_FOLDER): Promise<BrowsedNode[]> {
  const references = await browseAll(session, parseNodeId(nodeId), ReferenceTypeIds.HierarchicalReferences)
  if (references.length === 0) return []
  const ids = references.map((reference) => reference.nodeId)
  const variables = references.map((reference, index) => ({ reference, index })).filter(({ reference }) => reference.nodeClass === NodeClass.Variable)
  const [dataTypeIds, childCounts] = await Promise.all([
    variables.length > 0
      ? session.read(variables.map(({ reference }) => ({ nodeId: reference.nodeId, attributeId: AttributeIds.DataType })))
      : Promise.resolve([]),
    hasHierarchicalChildren(session, ids as NodeId[]),
  ])
  const dataTypeNames = await readDataTypeNames(
    session,
    dataTypeIds.map((value) => (value.statusCode.isGood() ? (value.value.value as NodeId) : undefined)),
  )
  const dataTypeByIndex = new Map(variables.map(({ index }, position) => [index, dataTypeNames[position]]))
  return references.map((reference, index) => ({
    nodeId: reference.nodeId.toString(),
    browseName: reference.browseName.toString(),
    displayName: reference.displayName.text ?? reference.browseName.name ?? '',
    nodeClass: NodeClass[reference.nodeClass],
    dataType: dataTypeByIndex.get(index),
    hasChildren: childCounts[index],
  }))
}

async function hasHierarchicalChildren(session: ClientSession, nodeIds: NodeId[]): Promise<boolean[]> {
  const results = await session.browse(
    nodeIds.map((nodeId) => ({
      nodeId,
      browseDirection: BrowseDirection.Forward,
      referenceTypeId: resolveNodeId(ReferenceTypeIds.HierarchicalReferences),
      includeSubtypes: true,
      nodeClassMask: 0,
      resultMask: 0,
    })),
  )
  return results.map((result) => (result.references?.length ?? 0) > 0 || (result.continuationPoint?.length ?? 0) > 0)
}

/** The browse names of DataTypes (built-in ones without a round trip). */
export async function readDataTypeNames(session: ClientSession, dataTypeIds: (NodeId | undefined)[]): Promise<(string | undefined)[]> {
  const known = dataTypeIds.map((id) => (id && id.namespace === 0 && typeof id.value === 'number' && DataType[id.value] ? DataType[id.value] : undefined))
  const unknownIndexes = dataTypeIds.flatMap((id, index) => (id && !known[index] ? [index] : []))
  if (unknownIndexes.length > 0) {
    const names = await session.read(unknownIndexes.map((index) => ({ nodeId: dataTypeIds[index]!, attributeId: AttributeIds.BrowseName })))
    unknownIndexes.forEach((index, position) => {
      known[index] = names[position].statusCode.isGood() ? String((names[position].value.value as { name?: string }).name ?? '') : undefined
    })
  }
  return known
}

const ATTRIBUTES: [string, AttributeIds][] = [
  ['NodeId', AttributeIds.NodeId],
  ['NodeClass', AttributeIds.NodeClass],
  ['BrowseName', AttributeIds.BrowseName],
  ['DisplayName', AttributeIds.DisplayName],
  ['Description', AttributeIds.Description],
  ['Value', AttributeIds.Value],
  ['DataType', AttributeIds.DataType],
  ['ValueRank', AttributeIds.ValueRank],
  ['ArrayDimensions', AttributeIds.ArrayDimensions],
  ['AccessLevel', AttributeIds.AccessLevel],
  ['UserAccessLevel', AttributeIds.UserAccessLevel],
  ['MinimumSamplingInterval', AttributeIds.MinimumSamplingInterval],
  ['Historizing', AttributeIds.Historizing],
  ['Executable', AttributeIds.Executable],
  ['EventNotifier', AttributeIds.EventNotifier],
]

/** Every standard attribute the node has (those it lacks answer BadAttributeIdInvalid and are left out). */
export async function readNodeAttributes(session: ClientSession, nodeId: string | NodeId): Promise<NodeAttribute[]> {
  const id = parseNodeId(nodeId)
  const values = await session.read(ATTRIBUTES.map(([, attributeId]) => ({ nodeId: id, attributeId })))
  if (values[0].statusCode.value === StatusCodes.BadNodeIdUnknown.value) {
    throw new WorkbenchError('NOT_FOUND', `OPC UA ${id.toString()}: no such node on this server — check the NodeId or browse for it`, { nodeId: id.toString() })
  }
  const attributes: NodeAttribute[] = []
  values.forEach((dataValue, index) => {
    if (dataValue.statusCode.value === StatusCodes.BadAttributeIdInvalid.value) return
    const [name, attributeId] = ATTRIBUTES[index]
    const raw: unknown = dataValue.value?.value
    let value: NodeAttribute['value'] = plainValue(dataValue.value)
    if (attributeId === AttributeIds.NodeClass && typeof raw === 'number') value = NodeClass[raw]
    else if (
      raw &&
      typeof raw === 'object' &&
      'toString' in raw &&
      (attributeId === AttributeIds.NodeId || attributeId === AttributeIds.DataType || attributeId === AttributeIds.BrowseName)
    )
      value = String(raw)
    attributes.push({ name, value, status: dataValue.statusCode.name })
  })
  return attributes
}

/** All references of a node, both directions, with the reference type's name. */
export async function readNodeReferences(session: ClientSession, nodeId: string | NodeId): Promise<NodeReference[]> {
  const references = await browseAll(session, parseNodeId(nodeId), ReferenceTypeIds.References, BrowseDirection.Both)
  const typeIds = [...new Set(references.map((reference) => reference.referenceTypeId.toString()))]
  const typeNames = await session.read(typeIds.map((id) => ({ nodeId: resolveNodeId(id), attributeId: AttributeIds.BrowseName })))
  const nameById = new Map(
    typeIds.map((id, index) => [id, typeNames[index].statusCode.isGood() ? String((typeNames[index].value.value as { name?: string }).name) : id]),
  )
  return references.map((reference) => ({
    referenceType: nameById.get(reference.referenceTypeId.toString()) ?? reference.referenceTypeId.toString(),
    isForward: reference.isForward,
    nodeId: reference.nodeId.toString(),
    browseName: reference.browseName.toString(),
    displayName: reference.displayName.text ?? '',
    nodeClass: NodeClass[reference.nodeClass],
  }))
}

export interface SearchOptions {
  from?: string
  /** Stops after visiting this many nodes, so a search never walks a huge server forever. */
  maxNodes?: number
  maxResults?: number
}

export interface SearchResult {
  matches: (BrowsedNode & { path: string[] })[]
  visited: number
  /** True when the node budget ran out before the whole tree was seen. */
  truncated: boolean
}

/** Breadth-first search by browse/display name (case-insensitive substring), bounded by a node budget. */
export async function searchByBrowseName(session: ClientSession, text: string, options: SearchOptions = {}): Promise<SearchResult> {
  const needle = text.trim().toLowerCase()
  const maxNodes = options.maxNodes ?? 5000
  const maxResults = options.maxResults ?? 100
  const queue: { nodeId: string; path: string[] }[] = [{ nodeId: options.from ?? OBJECTS_FOLDER, path: [] }]
  const seen = new Set<string>([queue[0].nodeId])
  const matches: SearchResult['matches'] = []
  let visited = 0
  while (queue.length > 0 && visited < maxNodes && matches.length < maxResults) {
    const { nodeId, path } = queue.shift()!
    const references = await browseAll(session, parseNodeId(nodeId), ReferenceTypeIds.HierarchicalReferences)
    for (const reference of references) {
      const id = reference.nodeId.toString()
      if (seen.has(id)) continue
      seen.add(id)
      visited += 1
      const name = reference.browseName.name ?? ''
      const display = reference.displayName.text ?? name
      const childPath = [...path, display]
      if (needle && (name.toLowerCase().includes(needle) || display.toLowerCase().includes(needle))) {
        matches.push({
          nodeId: id,
          browseName: reference.browseName.toString(),
          displayName: display,
          nodeClass: NodeClass[reference.nodeClass],
          hasChildren: true,
          path: childPath,
        })
        if (matches.length >= maxResults) break
      }
      if (reference.nodeClass === NodeClass.Object || reference.nodeClass === NodeClass.Variable) queue.push({ nodeId: id, path: childPath })
      if (visited >= maxNodes) break
    }
  }
  return { matches, visited, truncated: queue.length > 0 && (visited >= maxNodes || matches.length >= maxResults) }
}

/** Jump to a NodeId: the node itself as the tree shows it. */
export async function describeNode(session: ClientSession, nodeId: string | NodeId): Promise<BrowsedNode> {
  const attributes = await readNodeAttributes(session, nodeId)
  const get = (name: string) => attributes.find((attribute) => attribute.name === name)?.value
  const [children] = await hasHierarchicalChildren(session, [parseNodeId(nodeId)])
  const dataTypeId = get('DataType')
  const [dataType] = typeof dataTypeId === 'string' ? await readDataTypeNames(session, [resolveNodeId(dataTypeId)]) : [undefined]
  const browseName = String(get('BrowseName') ?? '')
  return {
    nodeId: parseNodeId(nodeId).toString(),
    browseName,
    displayName: String(get('DisplayName') ?? browseName),
    nodeClass: String(get('NodeClass') ?? 'Unspecified'),
    dataType,
    hasChildren: children,
  }
}
