// Letterbox to the model size (aspect kept, grey padding as Ultralytics trains with), then RGB float32 CHW in 0..1.
import sharp, { type Sharp } from 'sharp'
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

function open(input: ImageInput): Sharp {
  if (typeof input === 'string' || Buffer.isBuffer(input)) return sharp(input)
  return sharp(Buffer.from(input.data.buffer, input.data.byteOffset, input.data.byteLength), { raw: { width: input.width, height: input.height, channels: 3 } })
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

export async function letterboxImage(input: ImageInput, target: { width: number; height: number }, options: { source?: string; padValue?: number } = {}): Promise<PreparedImage> {
  const pad = options.padValue ?? 114
  try {
    const base = open(input)
    const meta = typeof input === 'string' || Buffer.isBuffer(input) ? await base.metadata() : { width: input.width, height: input.height, autoOrient: undefined }
    if (!meta.width || !meta.height) throw new Error('no width/height in the header')
    const plan = planLetterbox(meta.width, meta.height, target.width, target.height)
    const { data, info } = await base
      .removeAlpha()
      .toColourspace('srgb')
      .resize(plan.resizedWidth, plan.resizedHeight, { fit: 'fill', kernel: 'linear' })
      .extend({
        left: plan.padLeft,
        top: plan.padTop,
        right: target.width - plan.resizedWidth - plan.padLeft,
        bottom: target.height - plan.resizedHeight - plan.padTop,
        background: { r: pad, g: pad, b: pad },
      })
      .raw()
      .toBuffer({ resolveWithObject: true })
    if (info.width !== target.width || info.height !== target.height || info.channels !== 3)
      throw new Error(`resized to ${info.width}×${info.height}×${info.channels}, expected ${target.width}×${target.height}×3`)
    return { tensor: rgbToChw(data, target.width, target.height), letterbox: plan }
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
