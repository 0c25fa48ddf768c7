import { describe, expect, it } from 'vitest'
import { itemLimit, optimalRequestCount, planReads, replyCapacity, type ReadPoint } from './s7-read-plan'

const real = (db: number, offset: number): ReadPoint => ({ id: `DB${db}.DBD${offset}`, area: 'DB', db, offset, size: 4 })

describe('planReads', () => {
  it('merges neighbouring tags of one DB into one range and keeps areas apart', () => {
    const plan = planReads([real(1, 0), real(1, 4), real(1, 20), { id: 'MW0', area: 'M', db: 0, offset: 0, size: 2 }, real(2, 0)], { pduSize: 240 })
    expect(plan.ranges.map((r) => [r.area, r.db, r.offset, r.length, r.pointIds.length])).toEqual([
      ['DB', 1, 0, 24, 3],
      ['M', 0, 0, 2, 1],
      ['DB', 2, 0, 4, 1],
    ])
    expect(plan.requests).toHaveLength(1)
  })

  it('splits a range longer than a PDU across requests, filling each reply to the PDU size', () => {
    const points = Array.from({ length: 250 }, (_, i) => real(1, i * 4))
    const plan = planReads(points, { pduSize: 240 })
    // 1000 bytes; 226 reply bytes per request at PDU 240, 4 of them for the item header.
    for (const request of plan.requests) {
      const cost = request.reduce((sum, chunk) => sum + 4 + chunk.length + (chunk.length % 2), 0)
      expect(cost).toBeLessThanOrEqual(replyCapacity(240))
    }
    expect(plan.requests.flat().reduce((sum, c) => sum + c.length, 0)).toBe(1000)
    expect(plan.requests).toHaveLength(5)
    expect(optimalRequestCount(points, { pduSize: 240 })).toBe(5)
  })

  it('puts no more items in a request than the CPU takes or the request PDU holds', () => {
    const points = Array.from({ length: 60 }, (_, i) => real(i + 1, 0))
    expect(planReads(points, { pduSize: 960 }).requests.map((r) => r.length)).toEqual([20, 20, 20])
    expect(itemLimit(240)).toBe(19)
    expect(planReads(points, { pduSize: 240 }).requests.map((r) => r.length)).toEqual([19, 19, 19, 3])
    expect(optimalRequestCount(points, { pduSize: 240 })).toBe(4)
  })

  it('reads an isolated DB tag by tag, bits of one byte still together', () => {
    const bits: ReadPoint[] = [0, 1].map((bit) => ({ id: `DB2.DBX8.${bit}`, area: 'DB', db: 2, offset: 8, size: 1 }))
    const plan = planReads([real(2, 0), real(2, 4), { id: 'DB2.DBW8', area: 'DB', db: 2, offset: 8, size: 2 }, ...bits], {
      pduSize: 480,
      isolate: new Set(['DB:2']),
    })
    expect(plan.ranges.map((r) => r.pointIds)).toEqual([['DB2.DBD0'], ['DB2.DBD4'], ['DB2.DBW8'], ['DB2.DBX8.0', 'DB2.DBX8.1']])
  })
})
