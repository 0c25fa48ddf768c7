// PNG/JPEG in and out through sharp, with errors that name the file; BMP (which libvips does not read) through bmp-ts.
import { open, readFile } from 'node:fs/promises'
import { inflateSync } from 'node:zlib'
import { decode as decodeBmp } from 'bmp-ts'
import sharp, { type Sharp } from 'sharp'
import type { RgbImage } from './raster'

/** "BM": a Windows bitmap. */
export const isBmp = (bytes: Uint8Array): boolean => bytes.length >= 2 && bytes[0] === 0x42 && bytes[1] === 0x4d

/**
 * A sharp pipeline on any image the app reads — PNG, JPEG, WebP, TIFF, and BMP decoded by bmp-ts — turned upright by its
 * EXIF orientation (a camera held sideways), so the canvas, the thumbnails, training and inference all see the same pixels.
 */
export async function openImage(input: Buffer | string): Promise<Sharp> {
  const bytes = typeof input === 'string' ? await readHead(input, 2) : input
  if (!isBmp(bytes)) return sharp(input).autoOrient()
  const whole = typeof input === 'string' ? await readFile(input) : input
  const bmp = decodeBmp(whole, { toRGBA: true })
  // bmp-ts leaves the alpha of 24-bit files at 0: dropped, or every pixel would be transparent.
  return sharp(bmp.data, { raw: { width: bmp.width, height: bmp.height, channels: 4 } }).removeAlpha()
}

async function readHead(file: string, length: number): Promise<Buffer> {
  const handle = await open(file, 'r')
  try {
    const head = Buffer.alloc(length)
    const { bytesRead } = await handle.read(head, 0, length, 0)
    return head.subarray(0, bytesRead)
  } finally {
    await handle.close()
  }
}

/** Width and height as the image shows upright (EXIF orientation 5–8 swaps them); BMPs from their header. */
export async function uprightSize(input: Buffer | string): Promise<{ width: number; height: number }> {
  const head = typeof input === 'string' ? await readHead(input, 26) : input
  if (isBmp(head)) {
    if (head.length < 26) throw new Error(`BMP header is short (${head.length} bytes)`)
    const view = new DataView(head.buffer, head.byteOffset, head.byteLength)
    // BITMAPINFOHEADER and later: signed 32-bit width and height (negative height: rows top-down); the old core header is 16-bit.
    const core = view.getUint32(14, true) === 12
    const width = core ? view.getUint16(18, true) : view.getInt32(18, true)
    const height = core ? view.getUint16(20, true) : Math.abs(view.getInt32(22, true))
    if (!(width > 0 && height > 0)) throw new Error(`BMP header gives ${width}×${height}`)
    return { width, height }
  }
  const meta = await sharp(input).metadata()
  if (!meta.width || !meta.height) throw new Error('no width/height in the header')
  return (meta.orientation ?? 1) >= 5 ? { width: meta.height, height: meta.width } : { width: meta.width, height: meta.height }
}

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
      `Cannot decode image ${source}: ${cause instanceof Error ? cause.message : String(cause)} — check that the file is a complete PNG/JPEG/WebP/TIFF/BMP image`,
    )
    this.name = 'ImageDecodeError'
  }
}

/** Decodes any image the app reads (openImage) into upright 8-bit RGB (alpha dropped, greyscale expanded). */
export async function decodeRgb(input: Buffer | string, source = typeof input === 'string' ? input : 'image buffer'): Promise<RgbImage> {
  try {
    const { data, info } = await (await openImage(input)).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true })
    if (info.channels !== 3) throw new Error(`expected 3 channels after conversion, got ${info.channels}`)
    return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) }
  } catch (error) {
    throw new ImageDecodeError(source, error)
  }
}

/** Width and height from a PNG's IHDR, without decoding; undefined for anything that is not a PNG. */
export function pngSize(bytes: Uint8Array): { width: number; height: number } | undefined {
  if (bytes.length < 24 || !PNG_SIGNATURE.every((b, i) => bytes[i] === b)) return undefined
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  return { width: view.getUint32(16), height: view.getUint32(20) }
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]

/** Decoded PNG rows, unfiltered in place: row y starts at `y * stride + 1` (each row keeps its filter byte in front). */
export interface PngPixels {
  width: number
  height: number
  /** Bytes per pixel: 1 grey, 2 grey+alpha, 3 RGB, 4 RGBA. */
  channels: 1 | 2 | 3 | 4
  stride: number
  rows: Uint8Array
}

/**
 * The plain 8-bit, non-interlaced PNGs cameras and our datasets write, decoded straight to rows the letterbox reads
 * (no sharp pipeline, no copy): inflate, then unfiltering in JS. Returns undefined (so the caller falls back to sharp) for palette,
 * 16-bit, interlaced or colour-managed (iCCP) files.
 */
export async function decodePlainPng(bytes: Uint8Array): Promise<PngPixels | undefined> {
  const size = pngSize(bytes)
  if (!size) return undefined
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const bitDepth = bytes[24]
  const colorType = bytes[25]
  const interlace = bytes[28]
  const channels = ({ 0: 1, 4: 2, 2: 3, 6: 4 } as Record<number, 1 | 2 | 3 | 4>)[colorType]
  if (bitDepth !== 8 || interlace !== 0 || !channels) return undefined
  const idat: Uint8Array[] = []
  for (let at = 8; at + 8 <= bytes.length;) {
    const length = view.getUint32(at)
    const type = String.fromCharCode(bytes[at + 4], bytes[at + 5], bytes[at + 6], bytes[at + 7])
    if (type === 'iCCP') return undefined
    if (type === 'IDAT') idat.push(bytes.subarray(at + 8, at + 8 + length))
    if (type === 'IEND') break
    at += 12 + length
  }
  const stride = size.width * channels + 1
  // Synchronous on purpose: Node's async inflate hops threads per 64 KB chunk and costs 3–4× the CPU. The output size is
  // known, so one output chunk of that size: no 16 KB pieces concatenated afterwards (a quarter less CPU for a 320×240 frame).
  const inflated = inflateSync(idat.length === 1 ? idat[0] : Buffer.concat(idat), { chunkSize: Math.max(64, stride * size.height + 1) })
  const rows = new Uint8Array(inflated.buffer, inflated.byteOffset, inflated.byteLength)
  if (rows.length < stride * size.height) throw new Error(`PNG data is short: ${rows.length} bytes for ${size.width}×${size.height}`)
  unfilterPng(rows, stride, size.height, channels)
  return { ...size, channels, stride, rows }
}

/** Reverses PNG filters 0–4 in place (the previous row is already unfiltered when a row is done). */
function unfilterPng(rows: Uint8Array, stride: number, height: number, bpp: number): void {
  for (let y = 0; y < height; y++) {
    const start = y * stride + 1
    const end = start + stride - 1
    const filter = rows[start - 1]
    if (filter === 0) continue
    if (filter === 1) for (let i = start + bpp; i < end; i++) rows[i] = (rows[i] + rows[i - bpp]) & 255
    else if (filter === 2) {
      if (y > 0) for (let i = start; i < end; i++) rows[i] = (rows[i] + rows[i - stride]) & 255
    } else if (filter === 3)
      for (let i = start; i < end; i++) {
        const left = i - start >= bpp ? rows[i - bpp] : 0
        const above = y > 0 ? rows[i - stride] : 0
        rows[i] = (rows[i] + ((left + above) >> 1)) & 255
      }
    else if (filter === 4)
      for (let i = start; i < end; i++) {
        const hasLeft = i - start >= bpp
        const a = hasLeft ? rows[i - bpp] : 0
        const b = y > 0 ? rows[i - stride] : 0
        const c = hasLeft && y > 0 ? rows[i - bpp - stride] : 0
        const p = a + b - c
        const pa = Math.abs(p - a)
        const pb = Math.abs(p - b)
        const pc = Math.abs(p - c)
        rows[i] = (rows[i] + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c)) & 255
      }
    else throw new Error(`PNG row ${y} has unknown filter type ${filter}`)
  }
}
