import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { letterboxImage, planLetterbox, rgbToChw, unletterboxBox } from './preprocess'
import { createImage, fillRect } from '../raster'

describe('preprocess', () => {
  it('plans a centred letterbox and maps boxes back exactly', () => {
    const plan = planLetterbox(320, 240, 640, 640)
    expect(plan).toMatchObject({ resizedWidth: 640, resizedHeight: 480, padLeft: 0, padTop: 80 })
    expect(unletterboxBox({ x: 100, y: 180, w: 40, h: 20 }, plan)).toEqual({ x: 50, y: 50, w: 20, h: 10 })
    expect(unletterboxBox({ x: -10, y: 60, w: 40, h: 20 }, plan)).toEqual({ x: 0, y: 0, w: 15, h: 0 })
  })

  it('converts interleaved RGB to planar 0..1', () => {
    expect(rgbToChw(Uint8Array.from([255, 0, 51, 0, 255, 102]), 2, 1)).toEqual(Float32Array.from([1, 0, 0, 1, 0.2, 0.4]))
  })

  it('letterboxes with grey padding and keeps content where the plan says', async () => {
    const image = createImage(128, 96, [0, 0, 0])
    fillRect(image, 0, 0, 128, 96, [255, 0, 0])
    const png = await sharp(Buffer.from(image.data), { raw: { width: 128, height: 96, channels: 3 } })
      .png()
      .toBuffer()
    const { tensor, letterbox } = await letterboxImage(png, { width: 64, height: 64 })
    expect(letterbox).toMatchObject({ resizedWidth: 64, resizedHeight: 48, padTop: 8, padLeft: 0 })
    const plane = 64 * 64
    expect(tensor[0]).toBeCloseTo(114 / 255, 6) // padding, red channel
    expect(tensor[32 * 64 + 32]).toBe(1) // centre, red
    expect(tensor[plane + 32 * 64 + 32]).toBe(0) // centre, green
    expect(tensor[63 * 64 + 5]).toBeCloseTo(114 / 255, 6) // bottom padding
    const fromRaw = await letterboxImage(image, { width: 64, height: 64 })
    expect(fromRaw.tensor).toEqual(tensor)
  })
})
