import { describe, expect, it } from 'vitest'
import { cholesky, invertLowerTriangular } from './gaussian-fit'
import { auroc, chooseThreshold } from './roc'

describe('auroc', () => {
  it('matches hand-worked rankings', () => {
    expect(auroc([1, 2, 3, 4], [false, false, true, true])).toBe(1)
    expect(auroc([1, 2, 3, 4], [true, true, false, false])).toBe(0)
    // Pairs (anomalous, good): (3,1) ✓ (3,4) ✗ (2,1) ✓ (2,4) ✗ → 2/4.
    expect(auroc([1, 3, 2, 4], [false, true, true, false])).toBe(0.5)
    expect(auroc([1, 1], [false, true])).toBe(0.5) // a tie counts half
    expect(() => auroc([1, 2], [false, false])).toThrow(/needs both good and anomalous parts/)
  })
})

describe('chooseThreshold', () => {
  const scores = [1, 2, 3, 4, 5, 6]
  const anomalous = [false, false, true, false, true, true]
  it('max F1 picks the midpoint that gives the best F1', () => {
    // Above 2.5: TP 3, FP 1 → F1 6/7; above 4.5: TP 2, FP 0 → F1 0.8.
    expect(chooseThreshold(scores, anomalous)).toMatchObject({ threshold: 2.5, recall: 1, precision: 0.75 })
  })
  it('a false-positive budget of 0 gives the lowest threshold with no false alarm', () => {
    expect(chooseThreshold(scores, anomalous, { rule: 'false-positive-rate', rate: 0 })).toMatchObject({ threshold: 4.5, falsePositiveRate: 0, recall: 2 / 3 })
  })
})

describe('whitening algebra', () => {
  it('L⁻¹ of the Cholesky factor whitens: |L⁻¹d|² = dᵀΣ⁻¹d', () => {
    const sigma = [4, 2, 2, 3] // Σ⁻¹ = [3, −2; −2, 4] / 8
    const inv = invertLowerTriangular(cholesky(sigma, 2), 2)
    const d = [1, 2]
    const z = [inv[0] * d[0] + inv[1] * d[1], inv[2] * d[0] + inv[3] * d[1]]
    expect(z[0] ** 2 + z[1] ** 2).toBeCloseTo((3 * 1 - 2 * 2 * 1 * 2 + 4 * 4) / 8, 12)
  })
})
