// Letterbox to the model size (aspect kept, grey padding as Ultralytics trains with), then RGB float32 CHW in 0..1, into reusable buffers.
import { readFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import sharp from 'sharp'
import { decodePlainPng, ImageDecodeError, pngSize } from './image-codec'
import type { BoxGeometry } from './nms'
import type { RgbImage } from './raster'

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

/** Interleaved RGB bytes → planar float32 0..1, written at `offset` in `out` (so a batch shares one buffer). */
export function rgbToChw(rgb: Uint8Array, width: number, height: number, out = new Float32Array(3 * width * height), offset = 0): Float32Array {
  const plane = width * height
  for (let p = 0, i = 0; p < plane; p++, i += 3) {
    out[offset + p] = rgb[i] / 255
    out[offset + plane + p] = rgb[i + 1] / 255
    out[offset + 2 * plane + p] = rgb[i + 2] / 255
  }
  return out
}

/**
 * Writes pixels into a padded planar float32 tensor in one pass (padding and CHW conversion fused, no extra image copy).
 * `out`/`offset` let a batch share one reused buffer; `channels`, `rowStride` and `firstByte` read grey, RGBA or
 * PNG rows (which carry a filter byte) without repacking them first.
 */
export function padIntoChw(
  pixels: Uint8Array,
  lb: Letterbox,
  padValue: number,
  out: Float32Array = new Float32Array(3 * lb.targetWidth * lb.targetHeight),
  offset = 0,
  layout: { channels?: number; rowStride?: number; firstByte?: number } = {},
): Float32Array {
  const { targetWidth: tw, targetHeight: th, resizedWidth: rw, resizedHeight: rh, padLeft, padTop } = lb
  const channels = layout.channels ?? 3
  const rowStride = layout.rowStride ?? rw * channels
  const firstByte = layout.firstByte ?? 0
  const plane = tw * th
  const r = offset
  const g = offset + plane
  const b = offset + 2 * plane
  const padFloat = padValue / 255
  // Only the padding is filled: the image area is overwritten below, so a reused buffer needs no clearing.
  const fillPad = (from: number, to: number) => {
    out.fill(padFloat, r + from, r + to)
    out.fill(padFloat, g + from, g + to)
    out.fill(padFloat, b + from, b + to)
  }
  fillPad(0, padTop * tw)
  fillPad((padTop + rh) * tw, plane)
  const grey = channels < 3
  for (let y = 0; y < rh; y++) {
    const row = (y + padTop) * tw
    fillPad(row, row + padLeft)
    fillPad(row + padLeft + rw, row + tw)
    const at = row + padLeft
    for (let x = 0, i = firstByte + y * rowStride; x < rw; x++, i += channels) {
      if (grey) {
        const v = pixels[i] / 255
        out[r + at + x] = v
        out[g + at + x] = v
        out[b + at + x] = v
      } else {
        out[r + at + x] = pixels[i] / 255
        out[g + at + x] = pixels[i + 1] / 255
        out[b + at + x] = pixels[i + 2] / 255
      }
    }
  }
  return out
}

export interface LetterboxOptions {
  source?: string
  padValue?: number
  /** Write into this buffer (a reused batch tensor) at `offset` instead of allocating one. */
  out?: Float32Array
  offset?: number
  /** Read the file synchronously: in the inference worker a blocking read from the page cache is cheaper than a thread hop. */
  syncRead?: boolean
}

/** 2, 3… when the image shrinks by that whole factor in both directions (a 320×240 camera into 160×120), else undefined. */
function integerFactor(size: { width: number; height: number }, plan: Letterbox): number | undefined {
  const f = size.width / plan.resizedWidth
  return Number.isInteger(f) && f > 1 && plan.resizedHeight * f === size.height ? f : undefined
}

/** Whole-factor downscale by averaging f×f blocks (area resampling) in JS: no sharp pipeline, no thread hop. */
function boxDownscale(pixels: Uint8Array, plan: Letterbox, f: number, layout: { channels?: number; rowStride?: number; firstByte?: number } = {}): Uint8Array {
  const channels = layout.channels ?? 3
  const rowStride = layout.rowStride ?? plan.originalWidth * channels
  const first = layout.firstByte ?? 0
  const { resizedWidth: rw, resizedHeight: rh } = plan
  const out = new Uint8Array(rw * rh * 3)
  const area = f * f
  const grey = channels < 3
  for (let y = 0; y < rh; y++)
    for (let x = 0; x < rw; x++) {
      let r = 0
      let g = 0
      let b = 0
      for (let dy = 0; dy < f; dy++) {
        let i = first + (y * f + dy) * rowStride + x * f * channels
        for (let dx = 0; dx < f; dx++, i += channels) {
          r += pixels[i]
          g += grey ? pixels[i] : pixels[i + 1]
          b += grey ? pixels[i] : pixels[i + 2]
        }
      }
      const o = (y * rw + x) * 3
      out[o] = Math.round(r / area)
      out[o + 1] = Math.round(g / area)
      out[o + 2] = Math.round(b / area)
    }
  return out
}

async function decodeToRgb(input: Buffer | string): Promise<{ data: Uint8Array; width: number; height: number }> {
  const { data, info } = await sharp(input).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true })
  if (info.channels !== 3) throw new Error(`expected 3 channels after conversion, got ${info.channels}`)
  return { data, width: info.width, height: info.height }
}

const resizeRaw = (data: Uint8Array, width: number, height: number, plan: Letterbox): Promise<Buffer> =>
  sharp(Buffer.from(data.buffer, data.byteOffset, data.byteLength), { raw: { width, height, channels: 3 } })
    .resize(plan.resizedWidth, plan.resizedHeight, { fit: 'fill', kernel: 'linear' })
    .raw()
    .toBuffer()

/**
 * Letterboxes one image into the model tensor. Plain PNGs at the model's scale, or a whole factor above it, are decoded
 * (and area-downscaled) in JS straight into the tensor; other PNGs that need resizing decode and resize in one sharp
 * pipeline; anything else decodes through sharp, then resizes only when the scale is not 1.
 */
export async function letterboxImage(input: ImageInput, target: { width: number; height: number }, options: LetterboxOptions = {}): Promise<PreparedImage> {
  const pad = options.padValue ?? 114
  const offset = options.offset ?? 0
  const into = (pixels: Uint8Array, plan: Letterbox, layout?: Parameters<typeof padIntoChw>[5]): PreparedImage => {
    if (!layout && pixels.length !== plan.resizedWidth * plan.resizedHeight * 3)
      throw new Error(`resized to ${pixels.length} bytes, expected ${plan.resizedWidth}×${plan.resizedHeight}×3`)
    return { tensor: padIntoChw(pixels, plan, pad, options.out, offset, layout), letterbox: plan }
  }
  try {
    if (!(typeof input === 'string' || Buffer.isBuffer(input))) {
      const plan = planLetterbox(input.width, input.height, target.width, target.height)
      const same = plan.resizedWidth === input.width && plan.resizedHeight === input.height
      const factor = integerFactor(input, plan)
      if (same) return into(input.data, plan)
      return into(factor ? boxDownscale(input.data, plan, factor) : await resizeRaw(input.data, input.width, input.height, plan), plan)
    }
    const bytes = typeof input === 'string' ? (options.syncRead ? readFileSync(input) : await readFile(input)) : input
    const size = pngSize(bytes)
    if (size) {
      const plan = planLetterbox(size.width, size.height, target.width, target.height)
      const same = plan.resizedWidth === size.width && plan.resizedHeight === size.height
      const factor = integerFactor(size, plan)
      if (same || factor) {
        const png = await decodePlainPng(bytes)
        const layout = png && { channels: png.channels, rowStride: png.stride, firstByte: 1 }
        if (png && same) return into(png.rows, plan, layout)
        if (png && factor) return into(boxDownscale(png.rows, plan, factor, layout), plan)
      } else {
        const pixels = await sharp(bytes)
          .removeAlpha()
          .toColourspace('srgb')
          .resize(plan.resizedWidth, plan.resizedHeight, { fit: 'fill', kernel: 'linear' })
          .raw()
          .toBuffer()
        return into(pixels, plan)
      }
    }
    const decoded = await decodeToRgb(bytes)
    const plan = planLetterbox(decoded.width, decoded.height, target.width, target.height)
    const same = plan.resizedWidth === decoded.width && plan.resizedHeight === decoded.height
    const factor = integerFactor(decoded, plan)
    if (same) return into(decoded.data, plan)
    return into(factor ? boxDownscale(decoded.data, plan, factor) : await resizeRaw(decoded.data, decoded.width, decoded.height, plan), plan)
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
