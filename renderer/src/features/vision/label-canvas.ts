// Two canvas layers over the image: a cached base layer with every shape that is not being edited, and an overlay with the
// selected or dragged shape, the polygon being drawn and the box being drawn. Dragging redraws only the overlay, so one box
// among 500 moves at the cost of one box per frame.
import type { VisionBox, VisionPolygon } from '../../../../preload/contract'
import type { LabelState } from './label-history'
import { boxCorners, type Point, type ShapeRef } from './shapes'

export const CLASS_COLOURS = ['#ff4d4f', '#faad14', '#40a9ff', '#b37feb', '#52c41a', '#13c2c2', '#eb2f96', '#a0d911', '#fa8c16']
export const classColour = (classId: number): string => CLASS_COLOURS[classId % CLASS_COLOURS.length]

export interface OverlayState {
  /** The selected shape as it is now (moved or not), drawn with handles. */
  active?: { shape: VisionBox | VisionPolygon; ref: ShapeRef | null }
  /** A box being drawn. */
  preview?: VisionBox
  /** Vertices of the polygon being drawn, and where the pointer is. */
  drawing?: { points: Point[]; cursor: Point | null; classId: number; closable: boolean }
}

/** Peer mode for the drag benchmark: every frame redraws all shapes, as a naive renderer would. */
const fullRedraw = (): boolean => {
  try {
    return window.localStorage.getItem('otw.vision.fullRedraw') === '1'
  } catch {
    return false
  }
}

export class LabelCanvas {
  private base: CanvasRenderingContext2D
  private overlay: CanvasRenderingContext2D
  private scale = 1
  private frame = 0
  private pending: OverlayState | null = null
  private lastBase: { labels: LabelState; hidden: ShapeRef | null } | null = null
  readonly naive = fullRedraw()

  constructor(
    baseCanvas: HTMLCanvasElement,
    overlayCanvas: HTMLCanvasElement,
    private readonly size: { width: number; height: number },
  ) {
    this.base = baseCanvas.getContext('2d')!
    this.overlay = overlayCanvas.getContext('2d')!
  }

  /** Sizes both layers to the displayed size times the device pixel ratio; drawing stays in image pixels. */
  resize(displayScale: number): void {
    const ratio = window.devicePixelRatio || 1
    this.scale = displayScale * ratio
    for (const ctx of [this.base, this.overlay]) {
      ctx.canvas.width = Math.round(this.size.width * this.scale)
      ctx.canvas.height = Math.round(this.size.height * this.scale)
    }
  }

  /** Redraws the cached layer: every shape but `hidden` (the one the overlay shows). */
  drawBase(labels: LabelState, hidden: ShapeRef | null): void {
    this.lastBase = { labels, hidden }
    const ctx = this.base
    ctx.setTransform(1, 0, 0, 1, 0, 0)
    ctx.clearRect(0, 0, ctx.canvas.width, ctx.canvas.height)
    ctx.setTransform(this.scale, 0, 0, this.scale, 0, 0)
    /** One CSS pixel in image pixels. */
    const unit = (window.devicePixelRatio || 1) / this.scale
    // Batch by class and draft so 500 boxes cost a handful of strokes.
    const groups = new Map<string, VisionBox[]>()
    labels.boxes.forEach((b, i) => {
      if (hidden?.kind === 'box' && hidden.index === i) return
      const key = `${b.classId}:${b.draft ? 1 : 0}`
      const group = groups.get(key)
      if (group) group.push(b)
      else groups.set(key, [b])
    })
    for (const [key, boxes] of groups) {
      const [classId, draft] = key.split(':').map(Number)
      ctx.strokeStyle = classColour(classId)
      ctx.lineWidth = 1.4 * unit
      ctx.setLineDash(draft ? [6 * unit, 3 * unit] : [])
      ctx.beginPath()
      for (const b of boxes) ctx.rect(b.x, b.y, b.w, b.h)
      ctx.stroke()
    }
    ctx.setLineDash([])
    labels.polygons.forEach((p, i) => {
      if (hidden?.kind === 'polygon' && hidden.index === i) return
      this.polygon(ctx, p, false)
    })
    this.confidences(ctx, labels, hidden)
  }

  /** Schedules an overlay redraw on the next animation frame; several pointer moves in one frame draw once. */
  scheduleOverlay(state: OverlayState): void {
    this.pending = state
    if (this.frame) return
    this.frame = requestAnimationFrame(() => {
      this.frame = 0
      const next = this.pending
      this.pending = null
      if (next) this.drawOverlay(next)
    })
  }

  drawOverlay(state: OverlayState): void {
    performance.mark('otw:vision-frame-start')
    if (this.naive && this.lastBase) this.drawBase(this.lastBase.labels, this.lastBase.hidden)
    const ctx = this.overlay
    ctx.setTransform(1, 0, 0, 1, 0, 0)
    ctx.clearRect(0, 0, ctx.canvas.width, ctx.canvas.height)
    ctx.setTransform(this.scale, 0, 0, this.scale, 0, 0)
    const px = 1 / this.scale
    const dpr = window.devicePixelRatio || 1
    if (state.active) {
      const { shape } = state.active
      ctx.fillStyle = 'rgba(255,255,255,0.16)'
      if ('points' in shape) {
        this.polygon(ctx, shape, true)
        this.handles(
          ctx,
          shape.points.map(([x, y]) => ({ x, y })),
          shape.classId,
        )
      } else {
        ctx.fillRect(shape.x, shape.y, shape.w, shape.h)
        ctx.strokeStyle = classColour(shape.classId)
        ctx.lineWidth = 2.4 * px * dpr
        ctx.setLineDash(shape.draft ? [6 * px * dpr, 3 * px * dpr] : [])
        ctx.strokeRect(shape.x, shape.y, shape.w, shape.h)
        ctx.setLineDash([])
        this.handles(ctx, boxCorners(shape), shape.classId)
      }
      if (shape.confidence !== undefined) this.label(ctx, shape, shape.confidence)
    }
    if (state.preview) {
      const b = state.preview
      ctx.strokeStyle = classColour(b.classId)
      ctx.lineWidth = 1.2 * px * dpr
      ctx.strokeRect(b.x, b.y, b.w, b.h)
    }
    if (state.drawing && state.drawing.points.length > 0) {
      const { points, cursor, classId, closable } = state.drawing
      ctx.strokeStyle = classColour(classId)
      ctx.lineWidth = 1.6 * px * dpr
      ctx.beginPath()
      ctx.moveTo(points[0].x, points[0].y)
      for (const p of points.slice(1)) ctx.lineTo(p.x, p.y)
      if (cursor) {
        ctx.setLineDash([4 * px * dpr, 3 * px * dpr])
        ctx.lineTo(cursor.x, cursor.y)
      }
      ctx.stroke()
      ctx.setLineDash([])
      this.handles(ctx, points, classId)
      if (closable) {
        // The first vertex grows a ring: clicking it closes the polygon.
        ctx.beginPath()
        ctx.arc(points[0].x, points[0].y, 7 * px * dpr, 0, Math.PI * 2)
        ctx.stroke()
      }
    }
    performance.measure('otw:vision-frame', 'otw:vision-frame-start')
  }

  dispose(): void {
    if (this.frame) cancelAnimationFrame(this.frame)
    this.frame = 0
  }

  private polygon(ctx: CanvasRenderingContext2D, p: VisionPolygon, active: boolean): void {
    const dpr = window.devicePixelRatio || 1
    const px = 1 / this.scale
    ctx.beginPath()
    ctx.moveTo(p.points[0][0], p.points[0][1])
    for (const [x, y] of p.points.slice(1)) ctx.lineTo(x, y)
    ctx.closePath()
    const colour = classColour(p.classId)
    ctx.globalAlpha = active ? 0.3 : 0.18
    ctx.fillStyle = colour
    ctx.fill()
    ctx.globalAlpha = 1
    ctx.strokeStyle = colour
    ctx.lineWidth = (active ? 2.4 : 1.4) * px * dpr
    ctx.setLineDash(p.draft ? [6 * px * dpr, 3 * px * dpr] : [])
    ctx.stroke()
    ctx.setLineDash([])
  }

  private handles(ctx: CanvasRenderingContext2D, points: Point[], classId: number): void {
    const dpr = window.devicePixelRatio || 1
    const half = (3.5 * dpr) / this.scale
    ctx.fillStyle = '#ffffff'
    ctx.strokeStyle = classColour(classId)
    ctx.lineWidth = (1.2 * dpr) / this.scale
    for (const p of points) {
      ctx.fillRect(p.x - half, p.y - half, half * 2, half * 2)
      ctx.strokeRect(p.x - half, p.y - half, half * 2, half * 2)
    }
  }

  /** Confidence of drafts and predictions as a small tag at the shape's top-left. */
  private confidences(ctx: CanvasRenderingContext2D, labels: LabelState, hidden: ShapeRef | null): void {
    labels.boxes.forEach((b, i) => {
      if (b.confidence !== undefined && !(hidden?.kind === 'box' && hidden.index === i)) this.label(ctx, b, b.confidence)
    })
    labels.polygons.forEach((p, i) => {
      if (p.confidence !== undefined && !(hidden?.kind === 'polygon' && hidden.index === i)) this.label(ctx, p, p.confidence)
    })
  }

  private label(ctx: CanvasRenderingContext2D, shape: VisionBox | VisionPolygon, confidence: number): void {
    const dpr = window.devicePixelRatio || 1
    const at = 'points' in shape ? { x: Math.min(...shape.points.map((p) => p[0])), y: Math.min(...shape.points.map((p) => p[1])) } : { x: shape.x, y: shape.y }
    const text = `${shape.draft ? 'draft ' : ''}${confidence.toFixed(2)}`
    const font = (10 * dpr) / this.scale
    ctx.font = `${font}px sans-serif`
    const width = ctx.measureText(text).width + (4 * dpr) / this.scale
    const top = Math.max(0, at.y - font - (2 * dpr) / this.scale)
    ctx.fillStyle = classColour(shape.classId)
    ctx.fillRect(at.x, top, width, font + (2 * dpr) / this.scale)
    ctx.fillStyle = '#111418'
    ctx.fillText(text, at.x + (2 * dpr) / this.scale, top + font - dpr / this.scale)
  }
}
