import { registerCount } from './modbus-codec'
import { MAX_MODBUS_OFFSET, formatBoth, isRegisterTable, parseModbusAddress, type ModbusAddress, type ModbusTable } from '../../preload/contract/modbus-address'
import type { DataType, Tag } from './tag'

// Merges neighbouring Modbus addresses into the fewest reads a device accepts, per unit, table and scan rate.

/** One thing to poll: usually a tag, with the unit and scan rate its connection resolves. */
export interface PollPoint {
  id: string
  unitId: number
  address: ModbusAddress | string
  dataType: DataType
  stringLength?: number
  scanRateMs: number
}

export interface PollPlanOptions {
  /** Registers per read (function 3/4); the protocol allows at most 125. */
  maxRegistersPerRead?: number
  /** Coils / inputs per read (function 1/2); the protocol allows at most 2000. */
  maxBitsPerRead?: number
  /** Unused registers a read may span to join two points; 0 because strict devices reject unmapped addresses. */
  maxGapRegisters?: number
  /** Unused coils / inputs a read may span to join two points. */
  maxGapBits?: number
}

export const MODBUS_MAX_REGISTERS_PER_READ = 125
export const MODBUS_MAX_BITS_PER_READ = 2000

const FUNCTION_CODE: Record<ModbusTable, 1 | 2 | 3 | 4> = { co: 1, di: 2, hr: 3, ir: 4 }
const TABLE_ORDER: Record<ModbusTable, number> = { co: 0, di: 1, ir: 2, hr: 3 }

export interface PollRequest {
  unitId: number
  table: ModbusTable
  functionCode: 1 | 2 | 3 | 4
  /** 0-based first address of the read. */
  offset: number
  /** Registers or bits to read. */
  count: number
  scanRateMs: number
  pointIds: string[]
}

/** Where a point's data sits in its request's response: words (or bits) [start, start + count). */
export interface PollSlice {
  requestIndex: number
  start: number
  count: number
  bit?: number
}

export interface PollPlan {
  requests: PollRequest[]
  slices: Map<string, PollSlice>
}

export class PollPlanError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'PollPlanError'
  }
}

interface Span {
  id: string
  address: ModbusAddress
  offset: number
  count: number
}

export function planPolls(points: readonly PollPoint[], options: PollPlanOptions = {}): PollPlan {
  const maxRegisters = limit(options.maxRegistersPerRead, MODBUS_MAX_REGISTERS_PER_READ, 'maxRegistersPerRead')
  const maxBits = limit(options.maxBitsPerRead, MODBUS_MAX_BITS_PER_READ, 'maxBitsPerRead')
  const maxGapRegisters = gap(options.maxGapRegisters, 'maxGapRegisters')
  const maxGapBits = gap(options.maxGapBits, 'maxGapBits')

  const groups = new Map<string, { unitId: number; table: ModbusTable; scanRateMs: number; spans: Span[] }>()
  const seen = new Set<string>()
  for (const point of points) {
    if (seen.has(point.id)) throw new PollPlanError(`poll point "${point.id}" appears twice — ids must be unique`)
    seen.add(point.id)
    if (!Number.isInteger(point.unitId) || point.unitId < 0 || point.unitId > 255) {
      throw new PollPlanError(`poll point "${point.id}": unit id ${point.unitId} is outside 0..255`)
    }
    if (!(point.scanRateMs > 0)) {
      throw new PollPlanError(`poll point "${point.id}": scan rate ${point.scanRateMs} ms must be above 0`)
    }
    const span = spanOf(point, maxRegisters)
    const key = `${point.scanRateMs}|${point.unitId}|${span.address.table}`
    let group = groups.get(key)
    if (!group) {
      group = { unitId: point.unitId, table: span.address.table, scanRateMs: point.scanRateMs, spans: [] }
      groups.set(key, group)
    }
    group.spans.push(span)
  }

  const ordered = [...groups.values()].sort((a, b) => a.scanRateMs - b.scanRateMs || a.unitId - b.unitId || TABLE_ORDER[a.table] - TABLE_ORDER[b.table])
  const requests: PollRequest[] = []
  const slices = new Map<string, PollSlice>()
  for (const group of ordered) {
    const registers = isRegisterTable(group.table)
    const maxCount = registers ? maxRegisters : maxBits
    const maxGap = registers ? maxGapRegisters : maxGapBits
    const spans = group.spans.sort((a, b) => a.offset - b.offset || a.count - b.count)
    let current: { request: PollRequest; members: Span[] } | undefined
    const flush = () => {
      if (!current) return
      const requestIndex = requests.push(current.request) - 1
      for (const span of current.members) {
        slices.set(span.id, {
          requestIndex,
          start: span.offset - current.request.offset,
          count: span.count,
          ...(span.address.bit === undefined ? {} : { bit: span.address.bit }),
        })
      }
    }
    // Greedy over spans sorted by start: extend the open read while the result stays within limits.
    for (const span of spans) {
      const end = span.offset + span.count
      if (current) {
        const { request } = current
        const requestEnd = request.offset + request.count
        const newCount = Math.max(requestEnd, end) - request.offset
        if (span.offset - requestEnd <= maxGap && newCount <= maxCount) {
          request.count = newCount
          request.pointIds.push(span.id)
          current.members.push(span)
          continue
        }
        flush()
      }
      current = {
        request: {
          unitId: group.unitId,
          table: group.table,
          functionCode: FUNCTION_CODE[group.table],
          offset: span.offset,
          count: span.count,
          scanRateMs: group.scanRateMs,
          pointIds: [span.id],
        },
        members: [span],
      }
    }
    flush()
  }
  return { requests, slices }
}

// Only register spans can exceed one read (strings); a bit point is always 1 wide.
function spanOf(point: PollPoint, maxCount: number): Span {
  const address = typeof point.address === 'string' ? parseModbusAddress(point.address) : point.address
  const where = `poll point "${point.id}" at ${formatBoth(address)}`
  let count = 1
  if (isRegisterTable(address.table)) {
    try {
      count = registerCount(point)
    } catch (error) {
      throw new PollPlanError(`${where}: ${(error as Error).message}`)
    }
  } else if (point.dataType !== 'bool') {
    throw new PollPlanError(`${where}: coils and discrete inputs hold single bits, so the data type must be bool, not ${point.dataType}`)
  }
  if (count > maxCount) {
    throw new PollPlanError(`${where}: needs ${count} registers but one read returns at most ${maxCount} — shorten the string`)
  }
  if (address.offset + count - 1 > MAX_MODBUS_OFFSET) {
    throw new PollPlanError(`${where}: ${count} registers run past the last address ${MAX_MODBUS_OFFSET}`)
  }
  return { id: point.id, address, offset: address.offset, count }
}

function limit(value: number | undefined, protocolMax: number, name: string): number {
  if (value === undefined) return protocolMax
  if (!Number.isInteger(value) || value < 1 || value > protocolMax) {
    throw new PollPlanError(`poll option ${name} is ${value}; use a whole number in 1..${protocolMax} (the Modbus limit)`)
  }
  return value
}

function gap(value: number | undefined, name: string): number {
  if (value === undefined) return 0
  if (!Number.isInteger(value) || value < 0) {
    throw new PollPlanError(`poll option ${name} is ${value}; use a whole number of 0 or more`)
  }
  return value
}

/** A Modbus tag as a poll point; the connection supplies unit and default scan rate. */
export function pollPointFromTag(
  tag: Pick<Tag, 'id' | 'address' | 'dataType' | 'stringLength' | 'scanRateMs'>,
  unitId: number,
  defaultScanRateMs: number,
): PollPoint {
  return {
    id: tag.id,
    unitId,
    address: tag.address,
    dataType: tag.dataType,
    stringLength: tag.stringLength,
    scanRateMs: tag.scanRateMs ?? defaultScanRateMs,
  }
}

/** The part of a response that belongs to one point, ready for decodeTagValue. */
export function sliceResponse<T>(response: readonly T[], slice: PollSlice): T[] {
  return response.slice(slice.start, slice.start + slice.count)
}
