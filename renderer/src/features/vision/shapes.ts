// Pure label geometry and edits for the labeling canvas: hit tests, moves, resizes, drafts, image classes, copy, filters.
import type { VisionBox, VisionImage, VisionImageClassMode, VisionImageFilter, VisionPolygon } from '../../../../preload/contract'
import type { LabelState } from './label-history'

export type Point = { x: number; y: number }
export type ShapeRef = { kind: 'box' | 'polygon'; index: number }
/** What a press on the canvas grabs: a whole shape, a box corner (0 top-left, 1 top-right, 2 bottom-right, 3 bottom-left) or a polygon vertex. */
export type Grab = { ref: ShapeRef; part: 'body' } | { ref: ShapeRef; part: 'corner'; corner: number } | { ref: ShapeRef; part: 'vertex'; vertex: number }

export const sameRef = (a: ShapeRef | null | undefined, b: ShapeRef | null | undefined): boolean => !!a && !!b && a.kind === b.kind && a.index === b.index

export function shapeOf(labels: LabelState, ref: ShapeRef): VisionBox | VisionPolygon | undefined {
  return ref.kind === 'box' ? labels.boxes[ref.index] : labels.polygons[ref.index]
}

export function boxCorners(b: VisionBox): Point[] {
  return [
    { x: b.x, y: b.y },
    { x: b.x + b.w, y: b.y },
    { x: b.x + b.w, y: b.y + b.h },
    { x: b.x, y: b.y + b.h },
  ]
}

export function pointInPolygon(p: Point, points: readonly (readonly [number, number])[]): boolean {
  let inside = false
  for (let i = 0, j = points.length - 1; i < points.length; j = i++) {
    const [xi, yi] = points[i]
    const [xj, yj] = points[j]
    if (yi > p.y !== yj > p.y && p.x < ((xj - xi) * (p.y - yi)) / (yj - yi) + xi) inside = !inside
  }
  return inside
}

const near = (a: Point, b: Point, tolerance: number): boolean => Math.abs(a.x - b.x) <= tolerance && Math.abs(a.y - b.y) <= tolerance

/**
 * What a press at `p` grabs. Handles of the selected shape come first, then the topmost shape under the point:
 * polygons are drawn over boxes, later shapes over earlier ones. `tolerance` is in image pixels.
 */
export function grabAt(labels: LabelState, selected: ShapeRef | null, p: Point, tolerance: number): Grab | undefined {
  if (selected) {
    const shape = shapeOf(labels, selected)
    if (shape && 'points' in shape) {
      const vertex = shape.points.findIndex(([x, y]) => near(p, { x, y }, tolerance))
      if (vertex >= 0) return { ref: selected, part: 'vertex', vertex }
    } else if (shape) {
      const corner = boxCorners(shape).findIndex((c) => near(p, c, tolerance))
      if (corner >= 0) return { ref: selected, part: 'corner', corner }
    }
  }
  for (let i = labels.polygons.length - 1; i >= 0; i--)
    if (pointInPolygon(p, labels.polygons[i].points)) return { ref: { kind: 'polygon', index: i }, part: 'body' }
  // Smallest box first among those under the point, so a small box inside a big one stays reachable.
  let best: { index: number; area: number } | undefined
  for (let i = labels.boxes.length - 1; i >= 0; i--) {
    const b = labels.boxes[i]
    if (p.x >= b.x - tolerance / 2 && p.x <= b.x + b.w + tolerance / 2 && p.y >= b.y - tolerance / 2 && p.y <= b.y + b.h + tolerance / 2) {
      const area = b.w * b.h
      if (!best || area < best.area) best = { index: i, area }
    }
  }
  return best ? { ref: { kind: 'box', index: best.index }, part: 'body' } : undefined
}

const clamp = (v: number, lo: number, hi: number): number => Math.max(lo, Math.min(hi, v))

/** The shape of `grab` after the pointer moved by (dx, dy) image pixels from where it was pressed; kept inside the image. */
export function dragShape(
  shape: VisionBox | VisionPolygon,
  grab: Grab,
  dx: number,
  dy: number,
  size: { width: number; height: number },
): VisionBox | VisionPolygon {
  const rx = Math.round(dx)
  const ry = Math.round(dy)
  if ('points' in shape) {
    if (grab.part === 'vertex')
      return {
        ...shape,
        points: shape.points.map(([x, y], i) => (i === grab.vertex ? [clamp(x + rx, 0, size.width), clamp(y + ry, 0, size.height)] : [x, y])),
      }
    const xs = shape.points.map(([x]) => x)
    const ys = shape.points.map(([, y]) => y)
    const mx = clamp(rx, -Math.min(...xs), size.width - Math.max(...xs))
    const my = clamp(ry, -Math.min(...ys), size.height - Math.max(...ys))
    return { ...shape, points: shape.points.map(([x, y]) => [x + mx, y + my]) }
  }
  if (grab.part === 'corner') {
    const corners = boxCorners(shape)
    const fixed = corners[(grab.corner + 2) % 4]
    const moved = { x: clamp(corners[grab.corner].x + rx, 0, size.width), y: clamp(corners[grab.corner].y + ry, 0, size.height) }
    const x0 = Math.min(fixed.x, moved.x)
    const y0 = Math.min(fixed.y, moved.y)
    return { ...shape, x: x0, y: y0, w: Math.max(1, Math.abs(moved.x - fixed.x)), h: Math.max(1, Math.abs(moved.y - fixed.y)) }
  }
  return { ...shape, x: clamp(shape.x + rx, 0, size.width - shape.w), y: clamp(shape.y + ry, 0, size.height - shape.h) }
}

export function replaceShape(labels: LabelState, ref: ShapeRef, shape: VisionBox | VisionPolygon): LabelState {
  return ref.kind === 'box'
    ? { ...labels, boxes: labels.boxes.map((b, i) => (i === ref.index ? (shape as VisionBox) : b)) }
    : { ...labels, polygons: labels.polygons.map((p, i) => (i === ref.index ? (shape as VisionPolygon) : p)) }
}

export function removeShape(labels: LabelState, ref: ShapeRef): LabelState {
  return ref.kind === 'box'
    ? { ...labels, boxes: labels.boxes.filter((_, i) => i !== ref.index) }
    : { ...labels, polygons: labels.polygons.filter((_, i) => i !== ref.index) }
}

/** A polygon from clicked vertices, rounded and clipped to the image; undefined with fewer than three distinct points. */
export function polygonFromClicks(points: readonly Point[], size: { width: number; height: number }, classId: number): VisionPolygon | undefined {
  const rounded: [number, number][] = []
  for (const p of points) {
    const v: [number, number] = [clamp(Math.round(p.x), 0, size.width), clamp(Math.round(p.y), 0, size.height)]
    const last = rounded.at(-1)
    if (!last || last[0] !== v[0] || last[1] !== v[1]) rounded.push(v)
  }
  if (rounded.length > 1 && rounded[0][0] === rounded.at(-1)![0] && rounded[0][1] === rounded.at(-1)![1]) rounded.pop()
  return rounded.length >= 3 ? { classId, points: rounded } : undefined
}

/** Accepting a draft keeps it (and its confidence) as a confirmed label. */
function accept<T extends { draft?: boolean }>(label: T): T {
  const { draft: _draft, ...rest } = label
  return rest as T
}

export function acceptDraft(labels: LabelState, ref: ShapeRef): LabelState {
  const shape = shapeOf(labels, ref)
  return shape?.draft ? replaceShape(labels, ref, accept(shape)) : labels
}

export function acceptAllDrafts(labels: LabelState): LabelState {
  return { ...labels, boxes: labels.boxes.map((b) => (b.draft ? accept(b) : b)), polygons: labels.polygons.map((p) => (p.draft ? accept(p) : p)) }
}

export function rejectAllDrafts(labels: LabelState): LabelState {
  return { ...labels, boxes: labels.boxes.filter((b) => !b.draft), polygons: labels.polygons.filter((p) => !p.draft) }
}

export const draftCount = (labels: LabelState): number => labels.boxes.filter((b) => b.draft).length + labels.polygons.filter((p) => p.draft).length

/** Single-label: the class replaces the image's class, or clears it when it was already set. Multi-label: toggles it. */
export function toggleImageClass(labels: LabelState, classId: number, mode: VisionImageClassMode): LabelState {
  const has = labels.classes.includes(classId)
  if (mode === 'single') return { ...labels, classes: has ? [] : [classId] }
  return { ...labels, classes: has ? labels.classes.filter((c) => c !== classId) : [...labels.classes, classId].sort((a, b) => a - b) }
}

const boxKey = (b: VisionBox): string => `${b.classId}:${b.x},${b.y},${b.w},${b.h}`
const polygonKey = (p: VisionPolygon): string => `${p.classId}:${p.points.join(';')}`

/** Adds the previous image's confirmed labels (drafts stay behind) to this one, skipping exact duplicates. */
export function copyLabelsFrom(labels: LabelState, previous: Pick<VisionImage, 'boxes' | 'polygons' | 'classes'>, mode: VisionImageClassMode): LabelState {
  const boxes = new Set(labels.boxes.map(boxKey))
  const polygons = new Set(labels.polygons.map(polygonKey))
  const copiedBoxes = previous.boxes.filter((b) => !b.draft).map(({ classId, x, y, w, h }) => ({ classId, x, y, w, h }))
  const copiedPolygons = previous.polygons.filter((p) => !p.draft).map(({ classId, points }) => ({ classId, points }))
  const classes =
    mode === 'single' && previous.classes.length > 0 ? [previous.classes[0]] : [...new Set([...labels.classes, ...previous.classes])].sort((a, b) => a - b)
  return {
    ...labels,
    boxes: [...labels.boxes, ...copiedBoxes.filter((b) => !boxes.has(boxKey(b)))],
    polygons: [...labels.polygons, ...copiedPolygons.filter((p) => !polygons.has(polygonKey(p)))],
    classes,
  }
}

export const hasLabels = (labels: Pick<LabelState, 'boxes' | 'polygons' | 'classes'>): boolean =>
  labels.boxes.length > 0 || labels.polygons.length > 0 || labels.classes.length > 0

/** The grid's filter, applied in the host (vision.imageIndex). */
export type ImageFilter = VisionImageFilter

export const NO_FILTER: ImageFilter = { status: 'all', classId: 'any', minConfidence: 0, maxConfidence: 1 }
