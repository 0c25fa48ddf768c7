import { describe, it, expect } from 'vitest'
import { planPolls, pollPointFromTag, sliceResponse, type PollPlanOptions, type PollPoint } from './poll-plan'
import { isRegisterTable, parseModbusAddress, MODBUS_TABLES, type ModbusAddress } from '../../preload/contract/modbus-address'
import { registerCount } from './modbus-codec'
import type { DataType } from './tag'

function random(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0
    return state / 2 ** 32
  }
}

const REGISTER_TYPES: DataType[] = ['bool', 'int16', 'uint16', 'int32', 'float32', 'int64', 'float64', 'string']

function randomPoints(next: () => number, size: number, maxStringLength = 40): PollPoint[] {
  const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]!
  // Clustered offsets (including the top of the address space) so merging and limits both get exercised.
  const base = pick([0, 100, 5000, 65000])
  return Array.from({ length: size }, (_, i) => {
    const table = pick(MODBUS_TABLES)
    const dataType = isRegisterTable(table) ? pick(REGISTER_TYPES) : 'bool'
    const stringLength = dataType === 'string' ? 1 + Math.floor(next() * maxStringLength) : undefined
    const count = isRegisterTable(table) ? registerCount({ dataType, stringLength }) : 1
    const offset = Math.min(base + Math.floor(next() * 3000), 65536 - count)
    const bit = dataType === 'bool' && isRegisterTable(table) && next() < 0.5 ? Math.floor(next() * 16) : undefined
    const address: ModbusAddress = bit === undefined ? { table, offset } : { table, offset, bit }
    return {
      id: `p${i}`,
      unitId: pick([1, 2]),
      address: next() < 0.5 ? address : `${table}:${offset}${bit === undefined ? '' : `.${bit}`}`,
      dataType,
      stringLength,
      scanRateMs: pick([100, 1000]),
    }
  })
}

// Collects violations as text and asserts once: thousands of expect() calls would make this slow.
function checkPlan(points: PollPoint[], options: PollPlanOptions): number {
  const plan = planPolls(points, options)
  const problems: string[] = []
  const fail = (message: string) => problems.push(message)
  const maxRegisters = options.maxRegistersPerRead ?? 125
  const maxBits = options.maxBitsPerRead ?? 2000
  const maxGap = (table: ModbusAddress['table']) => (isRegisterTable(table) ? (options.maxGapRegisters ?? 0) : (options.maxGapBits ?? 0))
  const functionCodes = { co: 1, di: 2, hr: 3, ir: 4 }
  plan.requests.forEach((request, index) => {
    const limit = isRegisterTable(request.table) ? maxRegisters : maxBits
    if (request.count < 1 || request.count > limit) fail(`request ${index} reads ${request.count} (limit ${limit})`)
    if (request.offset + request.count > 65536) fail(`request ${index} runs past 65535`)
    if (request.functionCode !== functionCodes[request.table]) fail(`request ${index} has function ${request.functionCode}`)
  })
  if (plan.slices.size !== points.length) fail(`${plan.slices.size} slices for ${points.length} points`)
  const used = plan.requests.map((request) => new Array<boolean>(request.count).fill(false))
  for (const point of points) {
    const address = typeof point.address === 'string' ? parseModbusAddress(point.address) : point.address
    const slice = plan.slices.get(point.id)
    const request = slice && plan.requests[slice.requestIndex]
    if (!slice || !request) {
      fail(`${point.id} is not covered`)
      continue
    }
    const count = isRegisterTable(address.table) ? registerCount(point) : 1
    if (!request.pointIds.includes(point.id)) fail(`${point.id} missing from its request's pointIds`)
    if (request.unitId !== point.unitId || request.table !== address.table || request.scanRateMs !== point.scanRateMs) {
      fail(`${point.id} planned into the wrong unit/table/scan rate`)
    }
    if (request.offset + slice.start !== address.offset) fail(`${point.id} slice starts at the wrong address`)
    if (slice.count !== count || slice.start + slice.count > request.count) fail(`${point.id} slice has the wrong size`)
    if (slice.bit !== address.bit) fail(`${point.id} lost its bit`)
    used[slice.requestIndex]!.fill(true, slice.start, slice.start + slice.count)
  }
  // No read spans more unused addresses than allowed in one stretch, nor starts or ends on one.
  plan.requests.forEach((request, index) => {
    const flags = used[index]!
    let run = 0
    for (const u of flags) {
      run = u ? 0 : run + 1
      if (run > maxGap(request.table)) {
        fail(`request ${index} has a gap of more than ${maxGap(request.table)}`)
        break
      }
    }
    if (!flags[0] || !flags[request.count - 1]) fail(`request ${index} reads unused addresses at an end`)
  })
  expect(problems).toEqual([])
  return plan.requests.length
}

describe('poll plan: properties on random tag sets', () => {
  const optionSets: PollPlanOptions[] = [
    {},
    { maxGapRegisters: 10, maxGapBits: 64 },
    { maxRegistersPerRead: 16, maxBitsPerRead: 40, maxGapRegisters: 3, maxGapBits: 8 },
    { maxGapRegisters: 200, maxGapBits: 5000 },
  ]
  optionSets.forEach((options, index) => {
    it(`never exceeds limits and covers every tag (options #${index})`, () => {
      const next = random(1000 + index)
      for (let round = 0; round < 40; round++) {
        checkPlan(randomPoints(next, 1 + Math.floor(next() * 300), options.maxRegistersPerRead ?? 40), options)
      }
    })
  })

  it('allowing gaps never needs more reads', () => {
    const next = random(7)
    for (let round = 0; round < 20; round++) {
      const points = randomPoints(next, 200)
      expect(checkPlan(points, { maxGapRegisters: 20, maxGapBits: 100 })).toBeLessThanOrEqual(checkPlan(points, {}))
    }
  })
})

describe('poll plan: concrete cases', () => {
  const point = (id: string, address: string, dataType: DataType = 'uint16', extra: Partial<PollPoint> = {}): PollPoint => ({
    id,
    unitId: 1,
    address,
    dataType,
    scanRateMs: 1000,
    ...extra,
  })

  it('merges adjacent registers into one read and gives each tag its slice', () => {
    const plan = planPolls([point('b', 'hr:2', 'float32'), point('a', 'hr:0'), point('c', 'hr:1')])
    expect(plan.requests).toEqual([{ unitId: 1, table: 'hr', functionCode: 3, offset: 0, count: 4, scanRateMs: 1000, pointIds: ['a', 'c', 'b'] }])
    expect(plan.slices.get('b')).toEqual({ requestIndex: 0, start: 2, count: 2 })
    expect(sliceResponse([10, 11, 12, 13], plan.slices.get('b')!)).toEqual([12, 13])
  })

  it('bridges a gap only when allowed', () => {
    const points = [point('a', 'hr:0'), point('b', 'hr:5')]
    expect(planPolls(points).requests).toHaveLength(2)
    expect(planPolls(points, { maxGapRegisters: 3 }).requests).toHaveLength(2)
    const merged = planPolls(points, { maxGapRegisters: 4 })
    expect(merged.requests).toHaveLength(1)
    expect(merged.requests[0]!.count).toBe(6)
  })

  it('splits at 125 registers and 2000 coils', () => {
    const registers = Array.from({ length: 126 }, (_, i) => point(`r${i}`, `hr:${i}`))
    expect(planPolls(registers).requests.map((r) => [r.offset, r.count])).toEqual([
      [0, 125],
      [125, 1],
    ])
    const coils = Array.from({ length: 2001 }, (_, i) => point(`c${i}`, `co:${i}`, 'bool'))
    expect(planPolls(coils).requests.map((r) => [r.offset, r.count])).toEqual([
      [0, 2000],
      [2000, 1],
    ])
  })

  it('keeps tables, units and scan rates apart, and shares a register between bit tags', () => {
    const plan = planPolls([
      point('hr', 'hr:0'),
      point('ir', 'ir:0'),
      point('unit2', 'hr:1', 'uint16', { unitId: 2 }),
      point('fast', 'hr:2', 'uint16', { scanRateMs: 100 }),
      point('bit3', '40001.3', 'bool'),
      point('bit4', '40001.4', 'bool'),
    ])
    expect(plan.requests).toHaveLength(4)
    expect(plan.slices.get('bit3')).toEqual({ requestIndex: plan.slices.get('hr')!.requestIndex, start: 0, count: 1, bit: 3 })
    expect(plan.slices.get('bit4')!.bit).toBe(4)
  })

  it('reports points it cannot plan, by id and address', () => {
    expect(() => planPolls([point('s', 'hr:0', 'string', { stringLength: 126 })])).toThrow(
      'poll point "s" at hr:0 (40001): needs 126 registers but one read returns at most 125',
    )
    expect(() => planPolls([point('s', 'hr:0', 'string')])).toThrow('poll point "s" at hr:0 (40001): string needs stringLength')
    expect(() => planPolls([point('c', 'co:0', 'int16')])).toThrow('data type must be bool, not int16')
    expect(() => planPolls([point('f', 'hr:65535', 'float32')])).toThrow('run past the last address 65535')
    expect(() => planPolls([point('a', 'hr:0'), point('a', 'hr:1')])).toThrow('"a" appears twice')
    expect(() => planPolls([point('u', 'hr:0', 'uint16', { unitId: 256 })])).toThrow('unit id 256 is outside 0..255')
    expect(() => planPolls([point('r', 'hr:0', 'uint16', { scanRateMs: 0 })])).toThrow('scan rate 0 ms must be above 0')
    expect(() => planPolls([], { maxRegistersPerRead: 200 })).toThrow('1..125 (the Modbus limit)')
  })

  it('builds points from tags with the connection defaults', () => {
    const tag = { id: 't', address: 'hr:4', dataType: 'int32' as const, stringLength: undefined, scanRateMs: undefined }
    expect(pollPointFromTag(tag, 3, 500)).toEqual({ id: 't', unitId: 3, address: 'hr:4', dataType: 'int32', stringLength: undefined, scanRateMs: 500 })
  })
})
