// Per-cell Gaussian of the features (PaDiM spirit): running mean and full K×K covariance, then a whitening matrix per cell.

export class CellGaussianAccumulator {
  private count = 0
  private readonly sum: Float64Array
  private readonly sumOfProducts: Float64Array

  constructor(
    readonly features: number,
    readonly cells: number,
  ) {
    this.sum = new Float64Array(features * cells)
    this.sumOfProducts = new Float64Array(features * features * cells)
  }

  /** `values` is [K, cells] (ONNX NCHW order with N = 1). */
  add(values: ArrayLike<number>): void {
    const { features: k, cells } = this
    if (values.length !== k * cells) throw new Error(`Anomaly fit: feature map has ${values.length} values, expected ${k * cells}`)
    for (let c = 0; c < cells; c++) {
      for (let a = 0; a < k; a++) {
        const va = values[a * cells + c]
        this.sum[a * cells + c] += va
        for (let b = a; b < k; b++) this.sumOfProducts[(a * k + b) * cells + c] += va * values[b * cells + c]
      }
    }
    this.count++
  }

  get samples(): number {
    return this.count
  }

  /**
   * Mean [K, cells] and whitening W [K, K, cells] with Wᵀ W = (Σ + λI)⁻¹, so |W (x − μ)|² is the Mahalanobis distance².
   * λ = `relativeRegularisation` × mean variance of the cell + a floor, which keeps near-constant cells from exploding.
   */
  finish(relativeRegularisation = 0.05, floor = 1e-6): { mean: Float32Array; whitening: Float32Array } {
    const { features: k, cells, count: n } = this
    if (n < 2) throw new Error(`Anomaly fit: needs at least 2 good images, got ${n} — add more good parts`)
    const mean = new Float32Array(k * cells)
    const whitening = new Float32Array(k * k * cells)
    const cov = new Float64Array(k * k)
    for (let c = 0; c < cells; c++) {
      for (let a = 0; a < k; a++) mean[a * cells + c] = this.sum[a * cells + c] / n
      let trace = 0
      for (let a = 0; a < k; a++)
        for (let b = a; b < k; b++) {
          const ma = this.sum[a * cells + c] / n
          const mb = this.sum[b * cells + c] / n
          const v = (this.sumOfProducts[(a * k + b) * cells + c] - n * ma * mb) / (n - 1)
          cov[a * k + b] = v
          cov[b * k + a] = v
          if (a === b) trace += v
        }
      const lambda = (relativeRegularisation * trace) / k + floor
      for (let a = 0; a < k; a++) cov[a * k + a] += lambda
      const inverseCholesky = invertLowerTriangular(cholesky(cov, k), k)
      for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) whitening[(a * k + b) * cells + c] = inverseCholesky[a * k + b]
    }
    return { mean, whitening }
  }
}

/** Lower-triangular L with L Lᵀ = A (A symmetric positive definite, row-major k×k). */
export function cholesky(a: ArrayLike<number>, k: number): Float64Array {
  const l = new Float64Array(k * k)
  for (let i = 0; i < k; i++)
    for (let j = 0; j <= i; j++) {
      let s = a[i * k + j]
      for (let m = 0; m < j; m++) s -= l[i * k + m] * l[j * k + m]
      l[i * k + j] = i === j ? Math.sqrt(Math.max(s, 1e-12)) : s / l[j * k + j]
    }
  return l
}

export function invertLowerTriangular(l: Float64Array, k: number): Float64Array {
  const inv = new Float64Array(k * k)
  for (let i = 0; i < k; i++) {
    inv[i * k + i] = 1 / l[i * k + i]
    for (let j = 0; j < i; j++) {
      let s = 0
      for (let m = j; m < i; m++) s += l[i * k + m] * inv[m * k + j]
      inv[i * k + j] = -s / l[i * k + i]
    }
  }
  return inv
}
