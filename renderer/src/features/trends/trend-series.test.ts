import { describe, expect, it } from 'vitest'
import type { HistoryBuckets } from '../../../../preload/contract'
import { alignPens, axesByUnit, bucketsToPoints, noDataAt, toCsv } from './trend-series'

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
  noData: [],
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
    expect(
      toCsv(
        ['a', 'b,c'],
        [
          [0, 1],
          [1, undefined],
          [2, 3],
        ],
        [],
      ),
    ).toBe('time,a,a quality,"b,c","b,c quality"\n1970-01-01T00:00:00.000Z,1,,2,\n1970-01-01T00:00:01.000Z,,,3,\n')
  })

  it('breaks the line at a no-data span shorter than a bucket: after the bucket it starts in, or inside it', () => {
    // Four 10 s buckets with values in each; an outage from 12 s to 21 s spans a bucket edge, a short one from 33 s to 36 s does not.
    const series = buckets({
      bucketMs: 10_000,
      t: [0, 10_000, 20_000, 30_000],
      count: [5, 3, 4, 6],
      min: [1, 2, 3, 4],
      max: [1, 2, 3, 9],
      avg: [1, 2, 3, 6],
      first: [1, 2, 3, 4],
      last: [1, 2, 3, 8],
      noData: [
        { from: 12_000, to: 21_000, reason: 'broker connection lost' },
        { from: 33_000, to: 36_000, reason: null },
      ],
    })
    const points = bucketsToPoints(series, false)
    expect(points.x).toEqual([0, 10, 18.75, 20, 30, 32, 34, 36, 38])
    expect(points.y).toEqual([1, 2, null, 3, 4, 4, 9, null, 8])
    // Without the spans the same buckets draw one unbroken line.
    expect(bucketsToPoints({ ...series, noData: [] }, false).y).not.toContain(null)
  })

  it('finds the span under a time and writes it to CSV as an empty value with "no data" and the reason as quality', () => {
    const spans = [
      { from: 2000, to: 5000, reason: 'connection Filler PLC removed' },
      { from: 9000, to: null, reason: null },
    ]
    expect(noDataAt(spans, 1999)).toBeUndefined()
    expect(noDataAt(spans, 2000)?.reason).toBe('connection Filler PLC removed')
    expect(noDataAt(spans, 5000)).toBeUndefined()
    expect(noDataAt(spans, 1e12)?.from).toBe(9000)
    const csv = toCsv(
      ['Speed'],
      [
        [1, 2, 5, 9],
        [40, null, 41, null],
      ],
      [{ quality: [0, 2, 1, 2], noData: spans }],
    )
    expect(csv.trim().split('\n')).toEqual([
      'time,Speed,Speed quality',
      '1970-01-01T00:00:01.000Z,40,good',
      '1970-01-01T00:00:02.000Z,,no data: connection Filler PLC removed',
      '1970-01-01T00:00:05.000Z,41,uncertain',
      '1970-01-01T00:00:09.000Z,,no data',
    ])
  })
})
