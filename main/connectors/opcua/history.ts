import { type ClientSession, type HistoryData, resolveNodeId, StatusCodes, TimestampsToReturn } from 'node-opcua'
import { type TagValue, WorkbenchError } from '../../../preload/contract'
import { parseNodeId } from './browse'
import { toTagValue } from './data-value-to-tag-value'

export interface HistoryReadOptions {
  start: Date
  end: Date
  /** Per request; the server pages with continuation points up to maxValues in total. */
  maxValues?: number
}

const NOT_SUPPORTED = new Set([
  StatusCodes.BadHistoryOperationUnsupported.value,
  StatusCodes.BadHistoryOperationInvalid.value,
  StatusCodes.BadNotReadable.value,
  // open62541 without a history backend answers the whole service with BadNotSupported.
  StatusCodes.BadNotSupported.value,
  StatusCodes.BadHistoryOperationUnsupported.value,
])

/** Raw history of one node from the server's own historian, when it has one. */
export async function readRawHistory(session: ClientSession, nodeId: string, options: HistoryReadOptions): Promise<TagValue[]> {
  const maxValues = options.maxValues ?? 10_000
  let result
  try {
    result = await session.readHistoryValue(parseNodeId(nodeId), options.start, options.end, {
      numValuesPerNode: Math.min(maxValues, 1000),
      returnBounds: false,
      timestampsToReturn: TimestampsToReturn.Both,
    })
  } catch (error) {
    const match = /BadServiceUnsupported|BadHistoryOperationUnsupported|BadNotSupported/.exec(String(error))
    if (match) throw notSupported(nodeId, match[0])
    throw error
  }
  if (NOT_SUPPORTED.has(result.statusCode.value) || result.statusCode.value === StatusCodes.BadServiceUnsupported.value) {
    throw notSupported(nodeId, result.statusCode.name)
  }
  if (result.statusCode.isBad()) {
    throw new WorkbenchError('UNAVAILABLE', `OPC UA ${nodeId}: history read failed (${result.statusCode.name}) — check the NodeId and the time range`, {
      nodeId,
      statusCode: result.statusCode.name,
    })
  }
  const receiveTime = Date.now()
  const values = ((result.historyData as HistoryData | null)?.dataValues ?? []).map((dataValue) => toTagValue(nodeId, dataValue, receiveTime))
  // Further pages are not fetched yet; the caller narrows the range. Release the server-side continuation point.
  if (result.continuationPoint && result.continuationPoint.length > 0) {
    await session
      .readHistoryValue([{ nodeId: resolveNodeId(nodeId), continuationPoint: result.continuationPoint }], options.start, options.end, { numValuesPerNode: 0 })
      .catch(() => undefined)
  }
  return values.slice(0, maxValues)
}

function notSupported(nodeId: string, statusName: string): WorkbenchError {
  return new WorkbenchError(
    'UNAVAILABLE',
    `OPC UA ${nodeId}: the server keeps no history for this node (${statusName}) — history read is not supported here; record it in the workbench historian instead`,
    { nodeId, statusCode: statusName, reason: 'history-not-supported' },
  )
}
