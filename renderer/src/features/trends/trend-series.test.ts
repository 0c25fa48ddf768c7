import { describe, expect, it } from 'vitest'
import type { HistoryBuckets } from '../../../../preload/contract'
import { alignPens, axesByUnit, bucketsToPoints, toCsv } from './trend-series'

const buckets = (values: Partial<HistoryBuckets>): HistoryBuckets => ({
  tagId: 'T',
  source: 'raw',
  from: 0,
  bucketMs: 1000,
  t: [0, 1000, 2000],
  count: [3, 0, 1],
  min: [1, null, 5],
  max: [9, null, 5],
  avg: [4, null, 5],
  first: [2, null, 5],
  last: [3, null, 5],
  ...values,
})

describe('trend series', () => {
  it('keeps each bucket extremes in time order and leaves empty buckets as gaps', () => {
    const points = bucketsToPoints(buckets({}), false)
    expect(points.x).toEqual([0, 0.25, 0.5, 0.75, 1, 2])
    expect(points.y).toEqual([2, 9, 1, 3, null, 5])
  })

  it('draws stepped pens from each bucket last value', () => {
    expect(bucketsToPoints(buckets({}), true).y).toEqual([3, null, 5])
  })

  it('aligns pens with different times onto one axis with undefined where a pen has no point', () => {
    const [x, a, b] = alignPens([
      { x: [1, 3], y: [10, 30] },
      { x: [2, 3], y: [null, 33] },
    ])
    expect(x).toEqual([1, 2, 3])
    expect(a).toEqual([10, undefined, 30])
    expect(b).toEqual([undefined, null, 33])
  })

  it('gives one axis per unit and exports visible data as CSV', () => {
    expect(axesByUnit([{ unit: 'bpm' }, { unit: '°C' }, { unit: 'bpm' }, {}])).toEqual(['bpm', '°C', ''])
    expect(toCsv(['a', 'b,c'], [[0, 1], [1, null], [2, 3]])).toBe('time,a,"b,c"\n1970-01-01T00:00:00.000Z,1,2\n1970-01-01T00:00:01.000Z,,3\n')
  })
})
