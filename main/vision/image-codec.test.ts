import { rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { encode as encodeBmp } from 'bmp-ts'
import { decodePlainPng, decodeRgb, openImage, pngSize, uprightSize } from './image-codec'
import { letterboxImage } from './inference/preprocess'
import { createSeededRandom } from './seeded-random'

/** A noisy gradient, so every PNG filter type gets chosen somewhere by the adaptive encoder. */
function noisyPixels(width: number, height: number, channels: number): Buffer {
  const random = createSeededRandom(3)
  const data = Buffer.alloc(width * height * channels)
  for (let i = 0; i < data.length; i++) data[i] = (i % 251) + random.int(0, 4)
  return data
}

describe('plain PNG decoding', () => {
  for (const channels of [1, 2, 3, 4] as const)
    it(`decodes ${channels}-channel PNGs exactly as sharp does`, async () => {
      const source = sharp(noisyPixels(37, 23, channels), { raw: { width: 37, height: 23, channels } })
      // sharp writes grey input as RGB unless told the colour space.
      const png = await (channels < 3 ? source.toColourspace('b-w') : source).png({ adaptiveFiltering: true, compressionLevel: 6 }).toBuffer()
      expect(pngSize(png)).toEqual({ width: 37, height: 23 })
      const ours = await decodePlainPng(png)
      expect(ours?.channels).toBe(channels)
      const reference = await sharp(png).removeAlpha().toColourspace('srgb').raw().toBuffer()
      const rgb: number[] = []
      for (let y = 0; y < 23; y++)
        for (let x = 0; x < 37; x++) {
          const i = y * ours!.stride + 1 + x * channels
          if (channels < 3) rgb.push(ours!.rows[i], ours!.rows[i], ours!.rows[i])
          else rgb.push(ours!.rows[i], ours!.rows[i + 1], ours!.rows[i + 2])
        }
      expect(Buffer.from(rgb).equals(reference)).toBe(true)
    })

  it('leaves palette PNGs to sharp and letterboxes them the same way', async () => {
    const raw = noisyPixels(40, 30, 3)
    const palette = await sharp(raw, { raw: { width: 40, height: 30, channels: 3 } })
      .png({ palette: true })
      .toBuffer()
    expect(await decodePlainPng(palette)).toBeUndefined()
    const viaSharp = await letterboxImage(palette, { width: 40, height: 40 })
    const decoded = await sharp(palette).removeAlpha().toColourspace('srgb').raw().toBuffer()
    const viaRaw = await letterboxImage({ width: 40, height: 30, data: decoded }, { width: 40, height: 40 })
    expect(viaSharp.tensor).toEqual(viaRaw.tensor)
  })

  it('writes into a shared batch buffer at an offset and pads a reused buffer again', async () => {
    const png = await sharp(noisyPixels(32, 24, 3), { raw: { width: 32, height: 24, channels: 3 } })
      .png()
      .toBuffer()
    const single = await letterboxImage(png, { width: 32, height: 32 })
    const batch = new Float32Array(2 * 3 * 32 * 32).fill(7)
    await letterboxImage(png, { width: 32, height: 32 }, { out: batch, offset: 3 * 32 * 32 })
    expect(batch.subarray(3 * 32 * 32)).toEqual(single.tensor)
    expect(batch[0]).toBe(7)
  })

  it('downscales by a whole factor as the mean of each block, the same from PNG, raw pixels and a synchronous read', async () => {
    const raw = noisyPixels(64, 48, 3)
    const png = await sharp(raw, { raw: { width: 64, height: 48, channels: 3 } })
      .png()
      .toBuffer()
    const fromPng = await letterboxImage(png, { width: 32, height: 32 })
    const fromRaw = await letterboxImage({ width: 64, height: 48, data: raw }, { width: 32, height: 32 })
    expect(fromPng.tensor).toEqual(fromRaw.tensor)
    expect(fromPng.letterbox).toMatchObject({ resizedWidth: 32, resizedHeight: 24, padTop: 4 })
    // Red of output pixel (0, 0) = mean of the red bytes of input pixels (0,0), (1,0), (0,1), (1,1).
    const mean = Math.round((raw[0] + raw[3] + raw[64 * 3] + raw[64 * 3 + 3]) / 4)
    expect(fromPng.tensor[4 * 32]).toBeCloseTo(mean / 255, 6)
    const file = path.join(tmpdir(), `otw-codec-${process.pid}.png`)
    writeFileSync(file, png)
    try {
      expect((await letterboxImage(file, { width: 32, height: 32 }, { syncRead: true })).tensor).toEqual(fromPng.tensor)
    } finally {
      rmSync(file, { force: true })
    }
  })
})

describe('images from elsewhere: BMP, TIFF and EXIF orientation', () => {
  // 6×4, red left half, blue right half: where the red ends up tells which way the image was turned.
  const halves = (): Buffer => {
    const data = Buffer.alloc(6 * 4 * 3)
    for (let y = 0; y < 4; y++) for (let x = 0; x < 6; x++) data.set(x < 3 ? [255, 0, 0] : [0, 0, 255], (y * 6 + x) * 3)
    return data
  }
  const at = (image: { width: number; data: Uint8Array }, x: number, y: number) => [
    ...image.data.subarray((y * image.width + x) * 3, (y * image.width + x) * 3 + 3),
  ]

  it('decodes a 24-bit BMP written by bmp-ts (bottom-up rows, BGR) to the same pixels', async () => {
    const rgb = halves()
    // bmp-ts takes ABGR pixels.
    const abgr = Buffer.alloc(6 * 4 * 4)
    for (let i = 0; i < 24; i++) abgr.set([0, rgb[i * 3 + 2], rgb[i * 3 + 1], rgb[i * 3]], i * 4)
    const file = path.join(tmpdir(), `otw-codec-${process.pid}.bmp`)
    writeFileSync(file, encodeBmp({ width: 6, height: 4, data: abgr, bitPP: 24 }).data)
    try {
      expect(await uprightSize(file)).toEqual({ width: 6, height: 4 })
      const decoded = await decodeRgb(file)
      expect([decoded.width, decoded.height]).toEqual([6, 4])
      expect(Buffer.from(decoded.data)).toEqual(rgb)
      // Thumbnails and the canvas go through the same door.
      const png = await (await openImage(file)).png().toBuffer()
      expect(pngSize(png)).toEqual({ width: 6, height: 4 })
    } finally {
      rmSync(file, { force: true })
    }
  })

  it('reads TIFF, and turns a JPEG upright by its EXIF orientation (size and pixels)', async () => {
    const raw = { raw: { width: 6, height: 4, channels: 3 as const } }
    const tiff = await sharp(halves(), raw).tiff({ compression: 'lzw' }).toBuffer()
    expect(await uprightSize(tiff)).toEqual({ width: 6, height: 4 })
    expect(at(await decodeRgb(tiff), 0, 0)).toEqual([255, 0, 0])
    // Orientation 6: the camera was turned; shown rotated 90° clockwise, so 4×6 with the red half on top.
    const turned = await sharp(halves(), raw).jpeg({ quality: 100 }).withMetadata({ orientation: 6 }).toBuffer()
    expect((await sharp(turned).metadata()).orientation).toBe(6)
    expect(await uprightSize(turned)).toEqual({ width: 4, height: 6 })
    const upright = await decodeRgb(turned)
    expect([upright.width, upright.height]).toEqual([4, 6])
    const [r0, , b0] = at(upright, 1, 0)
    const [r1, , b1] = at(upright, 1, 5)
    expect(r0).toBeGreaterThan(200)
    expect(b0).toBeLessThan(60)
    expect(b1).toBeGreaterThan(200)
    expect(r1).toBeLessThan(60)
  })
})
