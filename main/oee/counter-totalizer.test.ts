import { describe, expect, it } from 'vitest'
import { countBetween, totalizeCounter } from './counter-totalizer'

const seq = (values: number[]) => values.map((v, i) => ({ t: i * 1000, v }))

describe('counter totalizer', () => {
  it('adds steps and ignores the first value (it is only the baseline)', () => {
    const inc = totalizeCounter(seq([100, 101, 101, 105]), { bitWidth: 'none' })
    expect(countBetween(inc, 0, 10_000)).toBe(5)
    expect(countBetween(inc, 2000, 3000)).toBe(4)
  })

  it('wraps a 16-bit counter', () => {
    const inc = totalizeCounter(seq([65530, 65535, 4, 10]), { bitWidth: 16 })
    expect(countBetween(inc, 0, 10_000)).toBe(5 + 5 + 6)
    expect(inc.rollovers).toBe(1)
    expect(inc.resets).toBe(0)
  })

  it('wraps a 32-bit counter', () => {
    const inc = totalizeCounter(seq([4294967290, 5, 6]), { bitWidth: 32 })
    expect(countBetween(inc, 0, 10_000)).toBe(12)
    expect(inc.rollovers).toBe(1)
  })

  it('treats a drop to a low value as a reset: the jump is not counted, the new value is', () => {
    expect(countBetween(totalizeCounter(seq([100, 150, 0, 20]), { bitWidth: 'none' }), 0, 1e9)).toBe(70)
    const inc32 = totalizeCounter(seq([100, 150, 3, 20]), { bitWidth: 32 })
    expect(countBetween(inc32, 0, 1e9)).toBe(50 + 3 + 17)
    expect(inc32.resets).toBe(1)
  })

  it('uses the plausibility limit to tell a 16-bit reset from a rollover', () => {
    const values = [40000, 40010, 0, 5]
    expect(countBetween(totalizeCounter(seq(values), { bitWidth: 16 }), 0, 1e9)).toBe(10 + 25526 + 5)
    const inc = totalizeCounter(seq(values), { bitWidth: 16, maxStep: () => 100 })
    expect(countBetween(inc, 0, 1e9)).toBe(15)
    expect(inc.resets).toBe(1)
  })

  it('skips non-finite values', () => {
    expect(countBetween(totalizeCounter(seq([1, NaN, 3]), { bitWidth: 'none' }), 0, 1e9)).toBe(2)
  })
})
