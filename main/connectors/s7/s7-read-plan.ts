import { ACK_DATA_HEADER, JOB_HEADER, READ_ITEM_REPLY_HEADER, READ_ITEM_REQUEST } from './s7-frames'
import type { S7Area } from './s7-address'

// Packs tag reads into as few read-var requests as the negotiated PDU allows: neighbouring tags of one area/DB merge into
// one range, ranges fill each request's reply up to the PDU size (a range that does not fit is split across requests),
// and no request carries more items than the CPU takes.

export interface ReadPoint {
  id: string
  area: S7Area
  db: number
  offset: number
  size: number
}

/** A contiguous byte range of one area/DB and the points inside it. */
export interface ReadRange {
  area: S7Area
  db: number
  offset: number
  length: number
  pointIds: string[]
}

/** A piece of a range in one request (`start` relative to the range). */
export interface ReadChunk {
  range: number
  start: number
  length: number
}

export interface ReadPlan {
  ranges: ReadRange[]
  requests: ReadChunk[][]
}

export interface ReadPlanOptions {
  pduSize: number
  /** Items per read var request; S7-300/400 and Snap7 take 20, which is the safe default. */
  maxItems?: number
  /** Bytes between two tags that are read along rather than paying another item (4 header bytes and an item slot). */
  mergeGapBytes?: number
  /** Area/DB keys (`DB:1`, `M:0`) whose tags are read one by one, because a merged read of them ran past the end. */
  isolate?: ReadonlySet<string>
}

export const DEFAULT_MAX_ITEMS = 20
export const DEFAULT_MERGE_GAP_BYTES = 16
/** A split leaves at least this many data bytes in the request it fills, or it is not worth an item. */
const MIN_CHUNK = 8
/** Param bytes of a read var: function and item count. */
const READ_PARAM = 2

export const areaKey = (area: S7Area, db: number) => `${area}:${db}`

/** Reply bytes available for item headers and data in one request. */
export function replyCapacity(pduSize: number): number {
  return pduSize - ACK_DATA_HEADER - READ_PARAM
}

/** Items one request can carry: the CPU's limit, and what fits the request PDU. */
export function itemLimit(pduSize: number, maxItems = DEFAULT_MAX_ITEMS): number {
  return Math.max(1, Math.min(maxItems, Math.floor((pduSize - JOB_HEADER - READ_PARAM) / READ_ITEM_REQUEST)))
}

const itemCost = (length: number) => READ_ITEM_REPLY_HEADER + length + (length % 2)

export function planReads(points: readonly ReadPoint[], options: ReadPlanOptions): ReadPlan {
  const ranges = mergeRanges(points, options)
  const capacity = replyCapacity(options.pduSize)
  const limit = itemLimit(options.pduSize, options.maxItems)
  const requests: ReadChunk[][] = []
  let current: ReadChunk[] = []
  let free = capacity
  const flush = () => {
    if (current.length > 0) requests.push(current)
    current = []
    free = capacity
  }
  ranges.forEach((range, index) => {
    let start = 0
    while (start < range.length) {
      const rest = range.length - start
      if (current.length >= limit) flush()
      if (itemCost(rest) <= free) {
        current.push({ range: index, start, length: rest })
        free -= itemCost(rest)
        break
      }
      // Fill what is left of this request with the front of the range (an even length, so no pad byte is wasted).
      const fits = (free - READ_ITEM_REPLY_HEADER) & ~1
      if (fits >= MIN_CHUNK) {
        current.push({ range: index, start, length: fits })
        start += fits
      }
      flush()
    }
  })
  flush()
  return { ranges, requests }
}

function mergeRanges(points: readonly ReadPoint[], options: ReadPlanOptions): ReadRange[] {
  const gap = options.mergeGapBytes ?? DEFAULT_MERGE_GAP_BYTES
  const byArea = new Map<string, ReadPoint[]>()
  for (const point of points) {
    const key = areaKey(point.area, point.db)
    const list = byArea.get(key) ?? []
    list.push(point)
    byArea.set(key, list)
  }
  const ranges: ReadRange[] = []
  for (const [key, list] of byArea) {
    const isolated = options.isolate?.has(key) ?? false
    list.sort((a, b) => a.offset - b.offset || b.size - a.size)
    let current: ReadRange | undefined
    for (const point of list) {
      const end = point.offset + point.size
      const joins =
        current && (isolated ? point.offset === current.offset && point.size === current.length : point.offset <= current.offset + current.length + gap)
      if (current && joins) {
        current.length = Math.max(current.length, end - current.offset)
        current.pointIds.push(point.id)
      } else {
        current = { area: point.area, db: point.db, offset: point.offset, length: point.size, pointIds: [point.id] }
        ranges.push(current)
      }
    }
  }
  return ranges
}

/**
 * A lower bound on the requests any packing needs for these points at this PDU size: every request carries at most
 * replyCapacity bytes, each area/DB costs at least one item header, each gap between tags costs its bytes or another
 * header (whichever is less), and no request carries more than itemLimit items of distinct areas.
 */
export function optimalRequestCount(points: readonly ReadPoint[], options: Pick<ReadPlanOptions, 'pduSize' | 'maxItems'>): number {
  const exact = mergeRanges(points, { pduSize: options.pduSize, mergeGapBytes: 0 })
  const areas = new Set(exact.map((r) => areaKey(r.area, r.db)))
  let bytes = 0
  let previous: ReadRange | undefined
  for (const range of exact) {
    const sameArea = previous && previous.area === range.area && previous.db === range.db
    bytes += range.length + (sameArea ? Math.min(range.offset - previous!.offset - previous!.length, READ_ITEM_REPLY_HEADER) : READ_ITEM_REPLY_HEADER)
    previous = range
  }
  return Math.max(Math.ceil(bytes / replyCapacity(options.pduSize)), Math.ceil(areas.size / itemLimit(options.pduSize, options.maxItems)))
}
