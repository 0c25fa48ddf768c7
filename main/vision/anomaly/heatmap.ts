// Turns a per-cell score grid into a picture: scores interpolated to image pixels, blended red over the part where above threshold.
import type { RgbImage } from '../raster'
import type { AnomalyResult } from './anomaly-detector'
import type { PoolGeometry } from './feature-graph'

/** Per-pixel score at the original image size (bilinear between cell centres, mapped back through the letterbox). */
export function scoreMapToImage(result: AnomalyResult, pool: PoolGeometry): Float32Array {
  const { letterbox: lb, gridWidth, gridHeight, scoreMap } = result
  const out = new Float32Array(lb.originalWidth * lb.originalHeight)
  const sx = lb.resizedWidth / lb.originalWidth
  const sy = lb.resizedHeight / lb.originalHeight
  const sample = (gx: number, gy: number) => scoreMap[Math.min(gridHeight - 1, Math.max(0, gy)) * gridWidth + Math.min(gridWidth - 1, Math.max(0, gx))]
  for (let y = 0; y < lb.originalHeight; y++) {
    // Cell j covers model pixels j·stride … j·stride + cell; its centre is at j·stride + cell/2.
    const gy = ((y + 0.5) * sy + lb.padTop - pool.cell / 2) / pool.stride
    const y0 = Math.floor(gy)
    const fy = gy - y0
    for (let x = 0; x < lb.originalWidth; x++) {
      const gx = ((x + 0.5) * sx + lb.padLeft - pool.cell / 2) / pool.stride
      const x0 = Math.floor(gx)
      const fx = gx - x0
      out[y * lb.originalWidth + x] =
        (1 - fy) * ((1 - fx) * sample(x0, y0) + fx * sample(x0 + 1, y0)) + fy * ((1 - fx) * sample(x0, y0 + 1) + fx * sample(x0 + 1, y0 + 1))
    }
  }
  return out
}

/** Red where the score exceeds the threshold, stronger with the excess; the part stays visible underneath. */
export function overlayHeatmap(image: RgbImage, perPixel: Float32Array, threshold: number): RgbImage {
  const data = image.data.slice()
  for (let p = 0; p < perPixel.length; p++) {
    const excess = perPixel[p] / threshold - 1
    if (excess <= 0) continue
    const alpha = Math.min(0.75, 0.35 + excess)
    data[p * 3] = Math.round(data[p * 3] * (1 - alpha) + 255 * alpha)
    data[p * 3 + 1] = Math.round(data[p * 3 + 1] * (1 - alpha))
    data[p * 3 + 2] = Math.round(data[p * 3 + 2] * (1 - alpha))
  }
  return { width: image.width, height: image.height, data }
}
