// Synthetic bottle images with known defects, so labelling, export, inference and anomaly detection can be shown and tested offline.
import { encodePng } from './image-codec'
import { addNoise, createImage, drawLine, fillEllipse, fillRect, fillRotatedRect, type PixelBox, type Rgb, type RgbImage, unionBoxes } from './raster'
import { createSeededRandom, deriveSeed, type SeededRandom } from './seeded-random'

export const DEMO_DEFECT_CLASSES = ['scratch', 'dent', 'stain', 'missing_label', 'skewed_label'] as const
export type DemoDefectClass = (typeof DEMO_DEFECT_CLASSES)[number]

export interface DemoCameraOptions {
  seed?: number
  width?: number
  height?: number
  /** Probability that a part has at least one defect, 0..1. */
  defectRate?: number
  /** Which defects may occur (default: all). Class ids stay those of DEMO_DEFECT_CLASSES. */
  defects?: readonly DemoDefectClass[]
  /** Capture time of frame 0; frame i is `intervalMs * i` later. */
  startTime?: Date
  intervalMs?: number
  /** Standard deviation of sensor noise in grey levels. */
  noise?: number
}

export interface DemoDefectBox {
  classId: number
  className: DemoDefectClass
  /** Exact extent of the changed pixels, in pixels (x, y = top-left). */
  x: number
  y: number
  w: number
  h: number
}

export interface DemoPart {
  index: number
  image: RgbImage
  defective: boolean
  boxes: DemoDefectBox[]
  captureTime: string
  context: Record<string, number | string>
}

export interface DemoCapture extends DemoPart {
  png: Buffer
}

export interface DemoCamera {
  readonly classNames: readonly DemoDefectClass[]
  /** Same index, same seed → same pixels and boxes, in any order. */
  render(index: number): DemoPart
  capture(index: number): Promise<DemoCapture>
  captureMany(
    count: number,
    options?: { first?: number; onProgress?: (p: { done: number; total: number }) => void; signal?: AbortSignal },
  ): Promise<DemoCapture[]>
}

const SURFACE_DEFECTS: readonly DemoDefectClass[] = ['scratch', 'dent', 'stain']

interface BottleGeometry {
  cx: number
  bodyTop: number
  bodyBottom: number
  bodyWidth: number
  label: { x: number; y: number; w: number; h: number }
}

export function createDemoCamera(options: DemoCameraOptions = {}): DemoCamera {
  const seed = options.seed ?? 1
  const width = options.width ?? 320
  const height = options.height ?? 240
  const defectRate = options.defectRate ?? 0.3
  const allowed = options.defects ?? DEMO_DEFECT_CLASSES
  const startMs = (options.startTime ?? new Date('2026-01-05T06:00:00Z')).getTime()
  const intervalMs = options.intervalMs ?? 1000
  const noise = options.noise ?? 3
  if (!(defectRate >= 0 && defectRate <= 1)) throw new Error(`Demo camera: defectRate ${defectRate} is outside 0..1 — pass a probability`)
  if (width < 64 || height < 48) throw new Error(`Demo camera: ${width}×${height} is too small — use at least 64×48`)
  if (allowed.length === 0 && defectRate > 0)
    throw new Error('Demo camera: defectRate > 0 but no defect classes allowed — pass at least one class in `defects`')

  // One product per camera, as on a real line: the stripe colour depends on the seed only.
  const stripeColour: Rgb = createSeededRandom(seed).chance(0.5) ? [200, 40, 40] : [40, 70, 180]

  const render = (index: number): DemoPart => {
    const random = createSeededRandom(deriveSeed(seed, index))
    const image = createImage(width, height, [0, 0, 0])
    paintBackground(image, random)
    const geometry = paintBottle(image, random)

    const chosen = chooseDefects(random, defectRate, allowed)
    const boxes: DemoDefectBox[] = []
    const push = (className: DemoDefectClass, box: PixelBox | undefined) => {
      if (box) boxes.push({ classId: DEMO_DEFECT_CLASSES.indexOf(className), className, ...box })
    }
    if (chosen.includes('missing_label')) push('missing_label', clipToImage(geometry.label, image))
    else if (chosen.includes('skewed_label')) push('skewed_label', paintLabel(image, geometry, skewAngle(random)))
    else paintLabel(image, geometry, 0)
    for (const defect of chosen) {
      if (defect === 'scratch') push(defect, paintScratch(image, geometry, random))
      if (defect === 'dent') push(defect, paintDent(image, geometry, random))
      if (defect === 'stain') push(defect, paintStain(image, geometry, random))
    }
    addNoise(image, noise, random.next)
    return {
      index,
      image,
      defective: boxes.length > 0,
      boxes,
      captureTime: new Date(startMs + index * intervalMs).toISOString(),
      context: { camera: 'demo-camera-1', frame: index, seed, exposureUs: 800 + random.int(0, 40) },
    }
  }

  const capture = async (index: number): Promise<DemoCapture> => {
    const part = render(index)
    return { ...part, png: await encodePng(part.image) }
  }

  return {
    classNames: DEMO_DEFECT_CLASSES,
    render,
    capture,
    async captureMany(count, { first = 0, onProgress, signal } = {}) {
      const out: DemoCapture[] = []
      for (let i = 0; i < count; i++) {
        signal?.throwIfAborted()
        out.push(await capture(first + i))
        onProgress?.({ done: i + 1, total: count })
      }
      return out
    },
  }

  function chooseDefects(random: SeededRandom, rate: number, classes: readonly DemoDefectClass[]): DemoDefectClass[] {
    if (!random.chance(rate)) return []
    const first = random.pick(classes)
    const surface = SURFACE_DEFECTS.filter((d) => classes.includes(d) && d !== first)
    // A quarter of defective parts carry a second, surface defect, as real parts sometimes do.
    if (surface.length > 0 && random.chance(0.25)) return [first, random.pick(surface)]
    return [first]
  }

  function skewAngle(random: SeededRandom): number {
    const degrees = random.between(8, 16) * (random.chance(0.5) ? 1 : -1)
    return (degrees * Math.PI) / 180
  }

  function paintBackground(image: RgbImage, random: SeededRandom): void {
    const base = 200 + random.int(-6, 6)
    for (let y = 0; y < image.height; y++) {
      // A gentle vertical gradient, as under a top light.
      const level = base - (y / image.height) * 25
      fillRect(image, 0, y, image.width, 1, [level, level, level + 4])
    }
  }

  function paintBottle(image: RgbImage, random: SeededRandom): BottleGeometry {
    const cx = width / 2 + random.between(-0.02, 0.02) * width
    const bodyWidth = width * 0.28
    const bodyTop = height * 0.34 + random.between(-0.015, 0.015) * height
    const bodyBottom = height * 0.93
    const brightness = random.between(0.95, 1.05)
    const amber: Rgb = [150 * brightness, 92 * brightness, 38 * brightness]
    const glass = (px: number): Rgb => {
      // Cylinder shading: bright in the middle, darker at the edges.
      const u = (px + 0.5 - cx) / (bodyWidth / 2)
      const k = 0.7 + 0.45 * Math.sqrt(Math.max(0, 1 - u * u))
      return [amber[0] * k, amber[1] * k, amber[2] * k]
    }
    const neckWidth = bodyWidth * 0.36
    const neckTop = height * 0.1
    fillRect(image, cx - neckWidth / 2, neckTop, neckWidth, bodyTop - neckTop, [amber[0] * 0.9, amber[1] * 0.9, amber[2] * 0.9])
    fillEllipse(image, cx, bodyTop, bodyWidth / 2, height * 0.09, (px) => glass(px))
    fillRect(image, cx - (neckWidth / 2) * 1.15, neckTop - height * 0.05, neckWidth * 1.15, height * 0.06, [190, 30, 30])
    const bodyX = cx - bodyWidth / 2
    for (let px = Math.ceil(bodyX - 0.5); px < Math.ceil(bodyX + bodyWidth - 0.5); px++) {
      fillRect(image, px, bodyTop, 1, bodyBottom - bodyTop, glass(px))
    }
    const labelTop = height * 0.52 + random.between(-0.01, 0.01) * height
    const labelHeight = height * 0.22
    return { cx, bodyTop, bodyBottom, bodyWidth, label: { x: bodyX, y: labelTop, w: bodyWidth, h: labelHeight } }
  }

  function paintLabel(image: RgbImage, g: BottleGeometry, angle: number): PixelBox | undefined {
    const { x, y, w, h } = g.label
    const stripe = stripeColour
    return fillRotatedRect(image, x + w / 2, y + h / 2, w, h, angle, (lx, ly) => {
      if (ly > h * 0.35 && ly < h * 0.6) return stripe
      if (ly > h * 0.72 && ly < h * 0.82 && lx > w * 0.2 && lx < w * 0.8) return [60, 60, 60]
      return [236, 230, 210]
    })
  }

  function randomPointOnBody(g: BottleGeometry, random: SeededRandom, margin: number): [number, number] {
    const x = random.between(g.cx - g.bodyWidth / 2 + margin, g.cx + g.bodyWidth / 2 - margin)
    const y = random.between(g.bodyTop + margin, g.bodyBottom - margin)
    return [x, y]
  }

  function paintScratch(image: RgbImage, g: BottleGeometry, random: SeededRandom): PixelBox | undefined {
    const length = random.between(0.08, 0.15) * width
    const [x0, y0] = randomPointOnBody(g, random, length / 2 + 2)
    const angle = random.between(0, Math.PI)
    const dx = (Math.cos(angle) * length) / 2
    const dy = (Math.sin(angle) * length) / 2
    return drawLine(image, x0 - dx, y0 - dy, x0 + dx, y0 + dy, random.between(1.6, 2.6), [235, 225, 205])
  }

  function paintDent(image: RgbImage, g: BottleGeometry, random: SeededRandom): PixelBox | undefined {
    const rx = random.between(0.025, 0.045) * width
    const ry = random.between(0.03, 0.05) * height
    const [cx, cy] = randomPointOnBody(g, random, Math.max(rx, ry) + 2)
    // Lit from the upper left: the dent is dark on that side and bright on the other.
    return fillEllipse(image, cx, cy, rx, ry, (px, py, old) => {
      const k = 0.45 + (0.9 * ((px + 0.5 - cx) / rx + (py + 0.5 - cy) / ry + 2)) / 4
      return [old[0] * k, old[1] * k, old[2] * k]
    })
  }

  function paintStain(image: RgbImage, g: BottleGeometry, random: SeededRandom): PixelBox | undefined {
    const radius = random.between(0.02, 0.035) * width
    const [cx, cy] = randomPointOnBody(g, random, radius * 2 + 2)
    const blots: (PixelBox | undefined)[] = []
    const blobs = random.int(3, 5)
    for (let i = 0; i < blobs; i++) {
      const bx = cx + random.between(-radius, radius)
      const by = cy + random.between(-radius, radius)
      const r = radius * random.between(0.5, 1)
      blots.push(fillEllipse(image, bx, by, r, r * random.between(0.7, 1.2), (_px, _py, old) => [old[0] * 0.3 + 40, old[1] * 0.3 + 45, old[2] * 0.3 + 25]))
    }
    return unionBoxes(blots)
  }
}

function clipToImage(box: { x: number; y: number; w: number; h: number }, image: RgbImage): PixelBox {
  // Same pixel-centre rule as the rasteriser, so the box equals the pixels the label would have covered.
  const x0 = Math.max(0, Math.ceil(box.x - 0.5))
  const y0 = Math.max(0, Math.ceil(box.y - 0.5))
  const x1 = Math.min(image.width, Math.ceil(box.x + box.w - 0.5))
  const y1 = Math.min(image.height, Math.ceil(box.y + box.h - 0.5))
  return { x: x0, y: y0, w: x1 - x0, h: y1 - y0 }
}
