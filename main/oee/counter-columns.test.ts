import { describe, expect, it } from 'vitest'
import { totalizeColumns, totalizeCounter } from './counter-totalizer'

describe('totalizeColumns', () => {
  it('counts exactly like the sample path: rollover, reset, repeats and gaps', () => {
    const t = [0, 1000, 2000, 3000, 4000, 5000, 6000, 7000]
    const v = [65_530, 65_534, 2, 2, Number.NaN, 10, 3, 7]
    const samples = t.map((x, i) => ({ t: x, v: v[i] }))
    const options = { bitWidth: 16 as const, maxStep: (dt: number) => dt / 100 + 10 }
    const a = totalizeColumns({ t: Float64Array.from(t), v: Float64Array.from(v) }, options)
    const b = totalizeCounter(samples, options)
    expect(a).toEqual(b)
    expect([a.rollovers, a.resets]).toEqual([1, 1])
  })

  it('takes the reading before the query as the baseline without copying the columns', () => {
    const a = totalizeColumns({ t: [2000, 3000], v: [65_535, 4], before: { t: 1000, v: 65_530 } }, { bitWidth: 16 })
    expect([...a.cumulative]).toEqual([5, 10])
    expect(a.rollovers).toBe(1)
  })

  it('sorts disordered columns instead of miscounting', () => {
    const a = totalizeColumns({ t: [2000, 1000, 3000], v: [5, 3, 9] }, { bitWidth: 'none' })
    expect([...a.cumulative]).toEqual([2, 6])
  })
})
