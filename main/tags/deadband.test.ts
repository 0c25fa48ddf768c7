import { describe, it, expect } from 'vitest'
import { createDeadbandFilter, deadbandThreshold, exceedsDeadband } from './deadband'
import type { TagValue } from './tag'

const sample = (value: TagValue['value'], status: 'good' | 'bad' = 'good'): TagValue => ({
  tagId: 't',
  value,
  quality: { status },
  sourceTime: 0,
  receiveTime: 0,
  stale: false,
})

describe('deadband', () => {
  it('computes absolute and percent-of-range thresholds', () => {
    expect(deadbandThreshold({ mode: 'absolute', value: 0.5 })).toBe(0.5)
    expect(deadbandThreshold({ mode: 'percent', value: 2 }, { low: -50, high: 150 })).toBe(4)
    expect(() => deadbandThreshold({ mode: 'percent', value: 2 })).toThrow('needs an engineering range')
  })

  it('reports only changes strictly larger than the threshold', () => {
    expect(exceedsDeadband(10, 10.5, 0.5)).toBe(false)
    expect(exceedsDeadband(10, 10.51, 0.5)).toBe(true)
    expect(exceedsDeadband(10, 9.4, 0.5)).toBe(true)
    expect(exceedsDeadband(10, 10, 0)).toBe(false)
    expect(exceedsDeadband(NaN, 1, 5)).toBe(true)
    expect(exceedsDeadband(NaN, NaN, 5)).toBe(false)
    expect(exceedsDeadband(1, Infinity, 5)).toBe(true)
  })

  it('filters a stream against the last reported value, so drift still gets through', () => {
    const accept = createDeadbandFilter({ deadband: { mode: 'absolute', value: 1 } })
    const reported = [10, 10.4, 10.8, 11.2, 11.3, 9.9].filter((v) => accept(sample(v)))
    expect(reported).toEqual([10, 11.2, 9.9])
  })

  it('uses the scaled engineering span for percent deadbands and always passes quality changes', () => {
    const accept = createDeadbandFilter({
      deadband: { mode: 'percent', value: 1 },
      scaling: { rawLow: 0, rawHigh: 27648, engLow: 200, engHigh: 0 },
    })
    expect(accept(sample(100))).toBe(true)
    expect(accept(sample(101.9))).toBe(false)
    expect(accept(sample(101.9, 'bad'))).toBe(true)
    expect(accept(sample(102.5, 'bad'))).toBe(false)
    expect(accept(sample(104, 'bad'))).toBe(true)
  })

  it('passes non-numeric values when they change, and everything without a deadband', () => {
    const accept = createDeadbandFilter({ deadband: { mode: 'absolute', value: 1 } })
    expect([sample('a'), sample('a'), sample('b'), sample(true)].map(accept)).toEqual([true, false, true, true])
    const noDeadband = createDeadbandFilter({})
    expect([sample(1), sample(1)].map(noDeadband)).toEqual([true, true])
  })
})
