// Letterbox to the model size (aspect kept, grey padding as Ultralytics trains with), then RGB float32 CHW in 0..1.
import sharp from 'sharp'
import { ImageDecodeError } from './image-codec'
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

/** Writes an RGB image into a padded planar float32 tensor in one pass (padding and CHW conversion fused, no extra image copy). */
export function padIntoChw(rgb: Uint8Array, lb: Letterbox, padValue: number): Float32Array {
  const { targetWidth: tw, targetHeight: th, resizedWidth: rw, resizedHeight: rh, padLeft, padTop } = lb
  const plane = tw * th
  const out = new Float32Array(3 * plane).fill(padValue / 255)
  for (let y = 0; y < rh; y++) {
    const row = (y + padTop) * tw + padLeft
    for (let x = 0, i = y * rw * 3; x < rw; x++, i += 3) {
      out[row + x] = rgb[i] / 255
      out[plane + row + x] = rgb[i + 1] / 255
      out[2 * plane + row + x] = rgb[i + 2] / 255
    }
  }
  return out
}

async function decodeToRgb(input: ImageInput): Promise<{ data: Uint8Array; width: number; height: number }> {
  if (!(typeof input === 'string' || Buffer.isBuffer(input))) return input
  const { data, info } = await sharp(input).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true })
  if (info.channels !== 3) throw new Error(`expected 3 channels after conversion, got ${info.channels}`)
  return { data, width: info.width, height: info.height }
}

/** Decode once, resize only when the scale is not 1, then pad and convert in JS. */
export async function letterboxImage(
  input: ImageInput,
  target: { width: number; height: number },
  options: { source?: string; padValue?: number } = {},
): Promise<PreparedImage> {
  const pad = options.padValue ?? 114
  try {
    const decoded = await decodeToRgb(input)
    const plan = planLetterbox(decoded.width, decoded.height, target.width, target.height)
    let pixels = decoded.data
    if (plan.resizedWidth !== decoded.width || plan.resizedHeight !== decoded.height) {
      pixels = await sharp(Buffer.from(decoded.data.buffer, decoded.data.byteOffset, decoded.data.byteLength), {
        raw: { width: decoded.width, height: decoded.height, channels: 3 },
      })
        .resize(plan.resizedWidth, plan.resizedHeight, { fit: 'fill', kernel: 'linear' })
        .raw()
        .toBuffer()
    }
    if (pixels.length !== plan.resizedWidth * plan.resizedHeight * 3)
      throw new Error(`resized to ${pixels.length} bytes, expected ${plan.resizedWidth}×${plan.resizedHeight}×3`)
    return { tensor: padIntoChw(pixels, plan, pad), letterbox: plan }
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
