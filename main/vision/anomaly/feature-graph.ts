// The fixed feature extractor of the anomaly model as ONNX nodes, shared by fitting and scoring so both see identical features.
import { floatTensor, node } from '../models/onnx-graph'

/** Per-pixel filters on the RGB input, then |·| and average pooling over overlapping cells. */
export const FEATURE_NAMES = ['mean_r', 'mean_g', 'mean_b', 'abs_grad_x', 'abs_grad_y', 'abs_laplacian', 'abs_laplacian_coarse'] as const
export const FEATURE_COUNT = FEATURE_NAMES.length
const KERNEL = 5

export interface PoolGeometry {
  /** Side of the square averaging window, in model pixels. */
  cell: number
  /** Step between windows; half the cell gives overlapping cells and a smoother heat map. */
  stride: number
}

export function gridSize(input: { width: number; height: number }, pool: PoolGeometry): { gridWidth: number; gridHeight: number } {
  const gridWidth = Math.floor((input.width - pool.cell) / pool.stride) + 1
  const gridHeight = Math.floor((input.height - pool.cell) / pool.stride) + 1
  if (gridWidth < 1 || gridHeight < 1)
    throw new Error(`Anomaly model: input ${input.width}×${input.height} is smaller than one ${pool.cell}-pixel cell — use a larger input or smaller cell`)
  return { gridWidth, gridHeight }
}

/** [FEATURE_COUNT, 3, 5, 5] weights: colour means per channel, then gradient/Laplacian filters on grey (= mean of R, G, B). */
export function featureKernels(): Float32Array {
  const weights = new Float32Array(FEATURE_COUNT * 3 * KERNEL * KERNEL)
  const set = (feature: number, channel: number, rows: number[][], scale: number) => {
    const offset = (KERNEL - rows.length) / 2
    rows.forEach((row, y) => row.forEach((v, x) => (weights[((feature * 3 + channel) * KERNEL + y + offset) * KERNEL + x + offset] = v * scale)))
  }
  const box3 = [
    [1, 1, 1],
    [1, 1, 1],
    [1, 1, 1],
  ]
  const sobelX = [
    [-1, 0, 1],
    [-2, 0, 2],
    [-1, 0, 1],
  ]
  const sobelY = [
    [-1, -2, -1],
    [0, 0, 0],
    [1, 2, 1],
  ]
  const laplacian = [
    [0, 1, 0],
    [1, -4, 1],
    [0, 1, 0],
  ]
  // Laplacian of a 5×5 spacing: reacts to blobs (dents, stains) that a 3×3 one sees only at their rim.
  const laplacianCoarse = [
    [0, 0, 1, 0, 0],
    [0, 0, 0, 0, 0],
    [1, 0, -4, 0, 1],
    [0, 0, 0, 0, 0],
    [0, 0, 1, 0, 0],
  ]
  for (let c = 0; c < 3; c++) {
    set(c, c, box3, 1 / 9)
    set(3, c, sobelX, 1 / 8 / 3)
    set(4, c, sobelY, 1 / 8 / 3)
    set(5, c, laplacian, 1 / 4 / 3)
    set(6, c, laplacianCoarse, 1 / 4 / 3)
  }
  return weights
}

/** Nodes from `images` [1,3,H,W] to `features` [1,K,gridH,gridW]. */
export function featureNodes(pool: PoolGeometry, inputName = 'images', outputName = 'features') {
  return {
    nodes: [
      node('Conv', [inputName, 'feature_kernels'], ['filtered'], { kernel_shape: [KERNEL, KERNEL], pads: [2, 2, 2, 2], strides: [1, 1] }),
      node('Abs', ['filtered'], ['magnitudes']),
      node('AveragePool', ['magnitudes'], [outputName], { kernel_shape: [pool.cell, pool.cell], strides: [pool.stride, pool.stride] }),
    ],
    initializers: [floatTensor('feature_kernels', [FEATURE_COUNT, 3, KERNEL, KERNEL], featureKernels())],
  }
}
