// A minimal RGB rasteriser: every draw call returns the pixel box it touched, which is how ground truth stays exact.

export type Rgb = readonly [number, number, number]

export interface RgbImage {
  width: number
  height: number
  /** Row-major, 3 bytes per pixel. */
  data: Uint8Array
}

/** Inclusive-exclusive pixel box: covers columns x..x+w-1 and rows y..y+h-1. */
export interface PixelBox {
  x: number
  y: number
  w: number
  h: number
}

export function createImage(width: number, height: number, fill: Rgb): RgbImage {
  const data = new Uint8Array(width * height * 3)
  for (let i = 0; i < data.length; i += 3) {
    data[i] = fill[0]
    data[i + 1] = fill[1]
    data[i + 2] = fill[2]
  }
  return { width, height, data }
}

/** Tracks the extent of painted pixels. */
class Extent {
  minX = Infinity
  minY = Infinity
  maxX = -Infinity
  maxY = -Infinity
  add(x: number, y: number): void {
    if (x < this.minX) this.minX = x
    if (x > this.maxX) this.maxX = x
    if (y < this.minY) this.minY = y
    if (y > this.maxY) this.maxY = y
  }
  box(): PixelBox | undefined {
    if (this.maxX < this.minX) return undefined
    return { x: this.minX, y: this.minY, w: this.maxX - this.minX + 1, h: this.maxY - this.minY + 1 }
  }
}

/** Paints every pixel whose centre satisfies `inside`, scanning only the given bounds; `shade` may vary the colour per pixel. */
export function paintWhere(
  image: RgbImage,
  bounds: { x0: number; y0: number; x1: number; y1: number },
  inside: (px: number, py: number) => boolean,
  shade: (px: number, py: number, old: Rgb) => Rgb,
): PixelBox | undefined {
  const extent = new Extent()
  const x0 = Math.max(0, Math.floor(bounds.x0))
  const y0 = Math.max(0, Math.floor(bounds.y0))
  const x1 = Math.min(image.width - 1, Math.ceil(bounds.x1))
  const y1 = Math.min(image.height - 1, Math.ceil(bounds.y1))
  for (let py = y0; py <= y1; py++) {
    for (let px = x0; px <= x1; px++) {
      if (!inside(px + 0.5, py + 0.5)) continue
      const i = (py * image.width + px) * 3
      const c = shade(px, py, [image.data[i], image.data[i + 1], image.data[i + 2]])
      image.data[i] = clampByte(c[0])
      image.data[i + 1] = clampByte(c[1])
      image.data[i + 2] = clampByte(c[2])
      extent.add(px, py)
    }
  }
  return extent.box()
}

export function clampByte(v: number): number {
  return v < 0 ? 0 : v > 255 ? 255 : Math.round(v)
}

const solid = (colour: Rgb) => () => colour

/** Pixels whose centre lies in [x, x+w) × [y, y+h); a direct loop because backgrounds and bodies are most of the image. */
export function fillRect(image: RgbImage, x: number, y: number, w: number, h: number, colour: Rgb): PixelBox | undefined {
  const x0 = Math.max(0, Math.ceil(x - 0.5))
  const y0 = Math.max(0, Math.ceil(y - 0.5))
  const x1 = Math.min(image.width, Math.ceil(x + w - 0.5))
  const y1 = Math.min(image.height, Math.ceil(y + h - 0.5))
  if (x1 <= x0 || y1 <= y0) return undefined
  const r = clampByte(colour[0])
  const g = clampByte(colour[1])
  const b = clampByte(colour[2])
  for (let py = y0; py < y1; py++) {
    for (let i = (py * image.width + x0) * 3, end = (py * image.width + x1) * 3; i < end; i += 3) {
      image.data[i] = r
      image.data[i + 1] = g
      image.data[i + 2] = b
    }
  }
  return { x: x0, y: y0, w: x1 - x0, h: y1 - y0 }
}

export function fillEllipse(
  image: RgbImage,
  cx: number,
  cy: number,
  rx: number,
  ry: number,
  colour: Rgb | ((px: number, py: number, old: Rgb) => Rgb),
): PixelBox | undefined {
  const shade = typeof colour === 'function' ? colour : solid(colour)
  return paintWhere(image, { x0: cx - rx, y0: cy - ry, x1: cx + rx, y1: cy + ry }, (px, py) => ((px - cx) / rx) ** 2 + ((py - cy) / ry) ** 2 <= 1, shade)
}

/** A thick line segment: pixels within thickness/2 of the segment. */
export function drawLine(image: RgbImage, x0: number, y0: number, x1: number, y1: number, thickness: number, colour: Rgb): PixelBox | undefined {
  const half = thickness / 2
  const dx = x1 - x0
  const dy = y1 - y0
  const lengthSquared = dx * dx + dy * dy || 1
  return paintWhere(
    image,
    { x0: Math.min(x0, x1) - half, y0: Math.min(y0, y1) - half, x1: Math.max(x0, x1) + half, y1: Math.max(y0, y1) + half },
    (px, py) => {
      const t = Math.max(0, Math.min(1, ((px - x0) * dx + (py - y0) * dy) / lengthSquared))
      return Math.hypot(px - (x0 + t * dx), py - (y0 + t * dy)) <= half
    },
    solid(colour),
  )
}

/** A rectangle rotated by `angle` radians about its centre. */
export function fillRotatedRect(
  image: RgbImage,
  cx: number,
  cy: number,
  w: number,
  h: number,
  angle: number,
  colour: (localX: number, localY: number) => Rgb,
): PixelBox | undefined {
  const cos = Math.cos(angle)
  const sin = Math.sin(angle)
  const reach = Math.hypot(w, h) / 2
  const toLocal = (px: number, py: number): [number, number] => {
    const dx = px - cx
    const dy = py - cy
    return [dx * cos + dy * sin, -dx * sin + dy * cos]
  }
  return paintWhere(
    image,
    { x0: cx - reach, y0: cy - reach, x1: cx + reach, y1: cy + reach },
    (px, py) => {
      const [lx, ly] = toLocal(px, py)
      return Math.abs(lx) <= w / 2 && Math.abs(ly) <= h / 2
    },
    (px, py) => {
      const [lx, ly] = toLocal(px + 0.5, py + 0.5)
      return colour(lx + w / 2, ly + h / 2)
    },
  )
}

/** Adds zero-mean noise of standard deviation `sigma` to every channel; `uniform` supplies [0,1) samples. */
export function addNoise(image: RgbImage, sigma: number, uniform: () => number): void {
  if (sigma <= 0) return
  // The four bytes of one 32-bit draw summed (Irwin–Hall) are near-Gaussian: one draw per sample instead of Box–Muller's two plus log/cos.
  const byteSumSd = Math.sqrt((4 * (256 * 256 - 1)) / 12)
  const scale = sigma / byteSumSd
  for (let i = 0; i < image.data.length; i++) {
    const bits = (uniform() * 4294967296) >>> 0
    const sum = (bits & 255) + ((bits >>> 8) & 255) + ((bits >>> 16) & 255) + (bits >>> 24)
    image.data[i] = clampByte(image.data[i] + scale * (sum - 510))
  }
}

export function unionBoxes(boxes: readonly (PixelBox | undefined)[]): PixelBox | undefined {
  const present = boxes.filter((b): b is PixelBox => b !== undefined)
  if (present.length === 0) return undefined
  const x0 = Math.min(...present.map((b) => b.x))
  const y0 = Math.min(...present.map((b) => b.y))
  const x1 = Math.max(...present.map((b) => b.x + b.w))
  const y1 = Math.max(...present.map((b) => b.y + b.h))
  return { x: x0, y: y0, w: x1 - x0, h: y1 - y0 }
}
