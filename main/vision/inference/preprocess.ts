// Letterbox to the model size (aspect kept, grey padding as Ultralytics trains with), then RGB float32 CHW in 0..1, into reusable buffers.
import { readFileSync, statSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import sharp from 'sharp'
import { decodePlainPng, ImageDecodeError, openImage, pngSize } from '../image-codec'
import type { BoxGeometry } from './nms'
import type { RgbImage } from '../raster'

export type ImageInput = Buffer | string | RgbImage

/** How an image was fitted into the model input, to map boxes back. */
export interface Letterbox {
  originalWidth: number
  originalHeight: number
  targetWidth: number
  targetHeight: number
  /** Size of the resized image inside the target, before padding. */
  resizedWidth: number
  resizedHeight: number
  padLeft: number
  padTop: number
}

export interface PreparedImage {
  /** [3, height, width] planes, values 0..1. */
  tensor: Float32Array
  letterbox: Letterbox
}

function describe(input: ImageInput, source?: string): string {
  return source ?? (typeof input === 'string' ? input : 'image buffer')
}

export function planLetterbox(originalWidth: number, originalHeight: number, targetWidth: number, targetHeight: number): Letterbox {
  const scale = Math.min(targetWidth / originalWidth, targetHeight / originalHeight)
  const resizedWidth = Math.max(1, Math.round(originalWidth * scale))
  const resizedHeight = Math.max(1, Math.round(originalHeight * scale))
  return {
    originalWidth,
    originalHeight,
    targetWidth,
    targetHeight,
    resizedWidth,
    resizedHeight,
    padLeft: Math.floor((targetWidth - resizedWidth) / 2),
    padTop: Math.floor((targetHeight - resizedHeight) / 2),
  }
}

/** byte → byte / 255 as float32: a table read instead of a division per channel (the values are identical). */
const UNIT = Float32Array.from({ length: 256 }, (_, i) => i / 255)

/** Interleaved RGB bytes → planar float32 0..1, written at `offset` in `out` (a letterbox with nothing to pad). */
export function rgbToChw(rgb: Uint8Array, width: number, height: number, out = new Float32Array(3 * width * height), offset = 0): Float32Array {
  return padIntoChw(rgb, planLetterbox(width, height, width, height), 0, out, offset)
}

/** Where pixels sit in a byte buffer: interleaved `channels` per pixel, rows `rowStride` apart, the first at `firstByte`. */
export interface PixelLayout {
  channels?: number
  rowStride?: number
  firstByte?: number
}

/** Fills only the padding around the image area of a letterboxed planar tensor (the image area is written by the caller). */
function fillPadding(out: Float32Array, offset: number, lb: Letterbox, padValue: number): void {
  const { targetWidth: tw, targetHeight: th, resizedWidth: rw, resizedHeight: rh, padLeft, padTop } = lb
  const plane = tw * th
  const padFloat = padValue / 255
  const right = tw - padLeft - rw
  for (let c = 0; c < 3; c++) {
    const base = offset + c * plane
    out.fill(padFloat, base, base + padTop * tw)
    out.fill(padFloat, base + (padTop + rh) * tw, base + plane)
    if (padLeft > 0 || right > 0)
      for (let y = padTop; y < padTop + rh; y++) {
        const row = base + y * tw
        if (padLeft > 0) out.fill(padFloat, row, row + padLeft)
        if (right > 0) out.fill(padFloat, row + padLeft + rw, row + tw)
      }
  }
}

/**
 * Writes pixels into a padded planar float32 tensor in one pass (padding and CHW conversion fused, no extra image copy).
 * `out`/`offset` let a batch share one reused buffer; the layout reads grey, RGBA or PNG rows (which carry a filter
 * byte) without repacking them first.
 */
export function padIntoChw(
  pixels: Uint8Array,
  lb: Letterbox,
  padValue: number,
  out: Float32Array = new Float32Array(3 * lb.targetWidth * lb.targetHeight),
  offset = 0,
  layout: PixelLayout = {},
  paddingWritten = false,
): Float32Array {
  const { targetWidth: tw, targetHeight: th, resizedWidth: rw, resizedHeight: rh, padLeft, padTop } = lb
  const channels = layout.channels ?? 3
  const rowStride = layout.rowStride ?? rw * channels
  const firstByte = layout.firstByte ?? 0
  const plane = tw * th
  const plane2 = 2 * plane
  // Only the padding is filled (and only when the region does not hold this plan's padding already): the image area is
  // overwritten below, so a reused buffer needs no clearing.
  if (!paddingWritten) fillPadding(out, offset, lb, padValue)
  for (let y = 0; y < rh; y++) {
    let o = offset + (y + padTop) * tw + padLeft
    const end = o + rw
    let i = firstByte + y * rowStride
    // One loop per layout so each stays monomorphic and branch-free (the RGB one is the hot path).
    if (channels === 3)
      for (; o < end; o++, i += 3) {
        out[o] = UNIT[pixels[i]]
        out[o + plane] = UNIT[pixels[i + 1]]
        out[o + plane2] = UNIT[pixels[i + 2]]
      }
    else if (channels === 4)
      for (; o < end; o++, i += 4) {
        out[o] = UNIT[pixels[i]]
        out[o + plane] = UNIT[pixels[i + 1]]
        out[o + plane2] = UNIT[pixels[i + 2]]
      }
    else
      for (; o < end; o++, i += channels) {
        const v = UNIT[pixels[i]]
        out[o] = v
        out[o + plane] = v
        out[o + plane2] = v
      }
  }
  return out
}

/**
 * Whole-factor downscale by averaging f×f blocks (area resampling) into packed RGB bytes: no sharp pipeline, no thread
 * hop. Each mean is rounded half up, as Math.round does.
 */
export function downscaleRgb(pixels: Uint8Array, lb: Letterbox, f: number, layout: PixelLayout = {}): Uint8Array {
  const { resizedWidth: rw, resizedHeight: rh, originalWidth } = lb
  const channels = layout.channels ?? 3
  const rowStride = layout.rowStride ?? originalWidth * channels
  const first = layout.firstByte ?? 0
  const area = f * f
  const grey = channels < 3
  const out = new Uint8Array(rw * rh * 3)
  for (let y = 0, o = 0; y < rh; y++) {
    const top = first + y * f * rowStride
    if (f === 2 && channels === 3) {
      // The common case (a camera at twice the model's size): four pixels per output.
      for (let a = top, b = top + rowStride, x = 0; x < rw; x++, o += 3, a += 6, b += 6) {
        out[o] = (pixels[a] + pixels[a + 3] + pixels[b] + pixels[b + 3] + 2) >> 2
        out[o + 1] = (pixels[a + 1] + pixels[a + 4] + pixels[b + 1] + pixels[b + 4] + 2) >> 2
        out[o + 2] = (pixels[a + 2] + pixels[a + 5] + pixels[b + 2] + pixels[b + 5] + 2) >> 2
      }
      continue
    }
    for (let x = 0; x < rw; x++, o += 3) {
      let red = 0
      let green = 0
      let blue = 0
      for (let dy = 0; dy < f; dy++)
        for (let dx = 0, i = top + dy * rowStride + x * f * channels; dx < f; dx++, i += channels) {
          red += pixels[i]
          green += pixels[grey ? i : i + 1]
          blue += pixels[grey ? i : i + 2]
        }
      out[o] = Math.round(red / area)
      out[o + 1] = Math.round(green / area)
      out[o + 2] = Math.round(blue / area)
    }
  }
  return out
}

/** Packs rows in any layout (PNG rows with filter bytes, grey, RGBA) into plain RGB bytes. */
function packRgb(pixels: Uint8Array, width: number, height: number, layout: PixelLayout): Uint8Array {
  const channels = layout.channels ?? 3
  const rowStride = layout.rowStride ?? width * channels
  const first = layout.firstByte ?? 0
  const out = new Uint8Array(width * height * 3)
  for (let y = 0, o = 0; y < height; y++)
    for (let x = 0, i = first + y * rowStride; x < width; x++, i += channels, o += 3) {
      out[o] = pixels[i]
      out[o + 1] = pixels[channels < 3 ? i : i + 1]
      out[o + 2] = pixels[channels < 3 ? i : i + 2]
    }
  return out
}

/** An image at the size it takes inside the model input (before padding), in whatever byte layout it was decoded to. */
interface Resized {
  pixels: Uint8Array
  plan: Letterbox
  layout?: PixelLayout
}

/** What tells a changed file from the one cached: its size and modification time, read once per lookup. */
type FileStamp = { size: number; mtimeMs: number }

/**
 * Decoded, resized images kept in memory between runs, keyed by file and model input size and checked against the
 * file's size and modification time — the "cache images" option of training tools: evaluating a second model version,
 * or pre-labeling again, skips PNG/JPEG decoding. Least recently used entries go first when the byte budget is reached.
 */
export class DecodedImageCache {
  private readonly entries = new Map<string, { size: number; mtimeMs: number; pixels: Uint8Array; plan: Letterbox }>()
  private used = 0
  hits = 0
  misses = 0

  constructor(readonly budgetBytes: number) {}

  get bytes(): number {
    return this.used
  }

  get count(): number {
    return this.entries.size
  }

  /** The cached image for `file` at `target`, unless the file (as `stat` found it) changed since, or was never cached. */
  get(file: string, target: { width: number; height: number }, stat: FileStamp | undefined): Resized | undefined {
    const key = `${target.width}x${target.height}|${file}`
    const entry = this.entries.get(key)
    if (!entry) {
      this.misses++
      return undefined
    }
    if (!stat || stat.size !== entry.size || stat.mtimeMs !== entry.mtimeMs) {
      this.drop(key)
      this.misses++
      return undefined
    }
    // Map order is the LRU order: a hit moves to the end.
    this.entries.delete(key)
    this.entries.set(key, entry)
    this.hits++
    return { pixels: entry.pixels, plan: entry.plan }
  }

  put(file: string, target: { width: number; height: number }, resized: Resized, stat: FileStamp): void {
    const pixels = resized.layout ? packRgb(resized.pixels, resized.plan.resizedWidth, resized.plan.resizedHeight, resized.layout) : resized.pixels
    if (pixels.byteLength > this.budgetBytes) return
    const key = `${target.width}x${target.height}|${file}`
    this.drop(key)
    for (const oldest of this.entries.keys()) {
      if (this.used + pixels.byteLength <= this.budgetBytes) break
      this.drop(oldest)
    }
    this.entries.set(key, { size: stat.size, mtimeMs: stat.mtimeMs, pixels, plan: resized.plan })
    this.used += pixels.byteLength
  }

  clear(): void {
    this.entries.clear()
    this.used = 0
  }

  private drop(key: string): void {
    const entry = this.entries.get(key)
    if (!entry) return
    this.entries.delete(key)
    this.used -= entry.pixels.byteLength
  }
}

export interface LetterboxOptions {
  source?: string
  padValue?: number
  /** Write into this buffer (a reused batch tensor) at `offset` instead of allocating one. */
  out?: Float32Array
  offset?: number
  /** Read the file synchronously: in the inference worker a blocking read from the page cache is cheaper than a thread hop. */
  syncRead?: boolean
  /** Keep decoded files here (and take them from here): only images given as file paths are cached. */
  cache?: DecodedImageCache
  /**
   * The letterbox last written at this place of `out` (with the same pad value): when this image's is the same, its
   * padding is there already and is not written again — a quarter of the writes for a 4:3 camera in a square input.
   */
  paddedFor?: Letterbox
}

const sameLetterbox = (a: Letterbox, b: Letterbox): boolean =>
  a.targetWidth === b.targetWidth &&
  a.targetHeight === b.targetHeight &&
  a.resizedWidth === b.resizedWidth &&
  a.resizedHeight === b.resizedHeight &&
  a.padLeft === b.padLeft &&
  a.padTop === b.padTop

/** 2, 3… when the image shrinks by that whole factor in both directions (a 320×240 camera into 160×120), else undefined. */
function integerFactor(size: { width: number; height: number }, plan: Letterbox): number | undefined {
  const f = size.width / plan.resizedWidth
  return Number.isInteger(f) && f > 1 && plan.resizedHeight * f === size.height ? f : undefined
}

async function decodeToRgb(input: Buffer | string): Promise<{ data: Uint8Array; width: number; height: number }> {
  const { data, info } = await (await openImage(input)).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true })
  if (info.channels !== 3) throw new Error(`expected 3 channels after conversion, got ${info.channels}`)
  return { data, width: info.width, height: info.height }
}

const resizeRaw = (data: Uint8Array, width: number, height: number, plan: Letterbox): Promise<Buffer> =>
  sharp(Buffer.from(data.buffer, data.byteOffset, data.byteLength), { raw: { width, height, channels: 3 } })
    .resize(plan.resizedWidth, plan.resizedHeight, { fit: 'fill', kernel: 'linear' })
    .raw()
    .toBuffer()

/** Decoded RGB pixels at their own size → the size they take in the model input. */
async function fitPixels(data: Uint8Array, width: number, height: number, target: { width: number; height: number }, layout?: PixelLayout): Promise<Resized> {
  const plan = planLetterbox(width, height, target.width, target.height)
  if (plan.resizedWidth === width && plan.resizedHeight === height) return { pixels: data, plan, layout }
  const factor = integerFactor({ width, height }, plan)
  if (factor) return { pixels: downscaleRgb(data, plan, factor, layout), plan }
  return { pixels: await resizeRaw(layout ? packRgb(data, width, height, layout) : data, width, height, plan), plan }
}

/**
 * Plain PNGs at the model's scale, or a whole factor above it, are decoded (and area-downscaled) in JS; other PNGs that
 * need resizing decode and resize in one sharp pipeline; anything else decodes through sharp, then resizes when needed.
 */
async function resizeForModel(bytes: Buffer, target: { width: number; height: number }): Promise<Resized> {
  const size = pngSize(bytes)
  if (size) {
    const plan = planLetterbox(size.width, size.height, target.width, target.height)
    const same = plan.resizedWidth === size.width && plan.resizedHeight === size.height
    if (same || integerFactor(size, plan)) {
      const png = await decodePlainPng(bytes)
      if (png) return fitPixels(png.rows, png.width, png.height, target, { channels: png.channels, rowStride: png.stride, firstByte: 1 })
    } else {
      const pixels = await sharp(bytes)
        .removeAlpha()
        .toColourspace('srgb')
        .resize(plan.resizedWidth, plan.resizedHeight, { fit: 'fill', kernel: 'linear' })
        .raw()
        .toBuffer()
      return { pixels, plan }
    }
  }
  const decoded = await decodeToRgb(bytes)
  return fitPixels(decoded.data, decoded.width, decoded.height, target)
}

/** Letterboxes one image (a file, encoded bytes or raw RGB) into the model tensor. */
export async function letterboxImage(input: ImageInput, target: { width: number; height: number }, options: LetterboxOptions = {}): Promise<PreparedImage> {
  const pad = options.padValue ?? 114
  const write = ({ pixels, plan, layout }: Resized): PreparedImage => {
    if (!layout && pixels.length !== plan.resizedWidth * plan.resizedHeight * 3)
      throw new Error(`resized to ${pixels.length} bytes, expected ${plan.resizedWidth}×${plan.resizedHeight}×3`)
    const padded = options.out !== undefined && options.paddedFor !== undefined && sameLetterbox(options.paddedFor, plan)
    return { tensor: padIntoChw(pixels, plan, pad, options.out, options.offset ?? 0, layout, padded), letterbox: plan }
  }
  try {
    if (!(typeof input === 'string' || Buffer.isBuffer(input))) return write(await fitPixels(input.data, input.width, input.height, target))
    const cache = typeof input === 'string' ? options.cache : undefined
    // Stamped before reading: if the file changes in between, the next lookup sees a newer stamp and decodes again.
    const stamp = cache && statSync(input as string, { throwIfNoEntry: false })
    const cached = cache?.get(input as string, target, stamp)
    if (cached) return write(cached)
    const bytes = typeof input === 'string' ? (options.syncRead ? readFileSync(input) : await readFile(input)) : input
    const resized = await resizeForModel(bytes, target)
    const prepared = write(resized)
    if (cache && stamp) cache.put(input as string, target, resized, stamp)
    return prepared
  } catch (error) {
    if (error instanceof ImageDecodeError) throw error
    throw new ImageDecodeError(describe(input, options.source), error)
  }
}

/** Model-input box → original image pixels, clipped to the image. */
export function unletterboxBox<T extends BoxGeometry>(box: T, lb: Letterbox): T {
  const sx = lb.resizedWidth / lb.originalWidth
  const sy = lb.resizedHeight / lb.originalHeight
  const x0 = Math.min(lb.originalWidth, Math.max(0, (box.x - lb.padLeft) / sx))
  const y0 = Math.min(lb.originalHeight, Math.max(0, (box.y - lb.padTop) / sy))
  const x1 = Math.min(lb.originalWidth, Math.max(0, (box.x + box.w - lb.padLeft) / sx))
  const y1 = Math.min(lb.originalHeight, Math.max(0, (box.y + box.h - lb.padTop) / sy))
  return { ...box, x: x0, y: y0, w: x1 - x0, h: y1 - y0 }
}
