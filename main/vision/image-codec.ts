// PNG/JPEG in and out through sharp, with errors that name the file.
import sharp from 'sharp'
import type { RgbImage } from './raster'

export async function encodePng(image: RgbImage): Promise<Buffer> {
  return sharp(Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength), {
    raw: { width: image.width, height: image.height, channels: 3 },
  })
    .png()
    .toBuffer()
}

export class ImageDecodeError extends Error {
  constructor(
    readonly source: string,
    cause: unknown,
  ) {
    super(
      `Cannot decode image ${source}: ${cause instanceof Error ? cause.message : String(cause)} — check that the file is a complete PNG/JPEG/WebP/TIFF image`,
    )
    this.name = 'ImageDecodeError'
  }
}

/** Decodes any image sharp reads into 8-bit RGB (alpha dropped, greyscale expanded). */
export async function decodeRgb(input: Buffer | string, source = typeof input === 'string' ? input : 'image buffer'): Promise<RgbImage> {
  try {
    const { data, info } = await sharp(input).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true })
    if (info.channels !== 3) throw new Error(`expected 3 channels after conversion, got ${info.channels}`)
    return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) }
  } catch (error) {
    throw new ImageDecodeError(source, error)
  }
}
