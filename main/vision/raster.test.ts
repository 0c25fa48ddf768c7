import { describe, expect, it } from 'vitest'
import { createImage, drawLine, fillEllipse, fillRotatedRect, type PixelBox, type RgbImage } from './raster'

function changedExtent(before: RgbImage, after: RgbImage): PixelBox | undefined {
  let minX = Infinity,
    minY = Infinity,
    maxX = -1,
    maxY = -1
  for (let y = 0; y < after.height; y++)
    for (let x = 0; x < after.width; x++) {
      const i = (y * after.width + x) * 3
      if (before.data[i] !== after.data[i] || before.data[i + 1] !== after.data[i + 1] || before.data[i + 2] !== after.data[i + 2]) {
        minX = Math.min(minX, x)
        maxX = Math.max(maxX, x)
        minY = Math.min(minY, y)
        maxY = Math.max(maxY, y)
      }
    }
  return maxX < 0 ? undefined : { x: minX, y: minY, w: maxX - minX + 1, h: maxY - minY + 1 }
}

describe('raster', () => {
  it.each([
    ['line', (img: RgbImage) => drawLine(img, 5.3, 7.1, 30.2, 19.8, 2.2, [255, 255, 255])],
    ['ellipse', (img: RgbImage) => fillEllipse(img, 20, 15, 7.5, 4.2, [255, 0, 0])],
    ['rotated rect', (img: RgbImage) => fillRotatedRect(img, 20, 20, 18, 8, 0.3, () => [0, 255, 0])],
    ['clipped ellipse', (img: RgbImage) => fillEllipse(img, 1, 1, 6, 6, [9, 9, 9])],
  ])('returns exactly the box of the pixels a %s changed', (_name, draw) => {
    const before = createImage(40, 40, [10, 20, 30])
    const after = { ...before, data: before.data.slice() }
    const box = draw(after)
    expect(box).toEqual(changedExtent(before, after))
  })

  it('a 2×3 rectangle of pixels has a 2×3 box', () => {
    const img = createImage(10, 10, [0, 0, 0])
    expect(fillRotatedRect(img, 4, 4.5, 2, 3, 0, () => [1, 1, 1])).toEqual({ x: 3, y: 3, w: 2, h: 3 })
  })
})
