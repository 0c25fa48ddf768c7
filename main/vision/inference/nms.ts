// Intersection over union and per-class non-maximum suppression, the last step of every detector.

/** Axis-aligned box in pixels, x, y = top-left. */
export interface BoxGeometry {
  x: number
  y: number
  w: number
  h: number
}

export interface Detection extends BoxGeometry {
  classId: number
  confidence: number
}

export function iou(a: BoxGeometry, b: BoxGeometry): number {
  return iouWith(a, b.x, b.y, b.w, b.h)
}

/** iou() against a box given by its numbers, for callers that need not make an object per candidate. */
export function iouWith(a: BoxGeometry, x: number, y: number, w: number, h: number): number {
  const ix = Math.max(0, Math.min(a.x + a.w, x + w) - Math.max(a.x, x))
  const iy = Math.max(0, Math.min(a.y + a.h, y + h) - Math.max(a.y, y))
  const intersection = ix * iy
  const union = a.w * a.h + w * h - intersection
  return union > 0 ? intersection / union : 0
}

export interface NmsOptions {
  /** Boxes overlapping a kept box by more than this are dropped. */
  iouThreshold?: number
  /** Suppress across classes too (one object, one label). */
  classAgnostic?: boolean
  maxDetections?: number
}

/** Greedy NMS, highest confidence first; ties keep input order so results are repeatable. */
export function nonMaxSuppression(detections: readonly Detection[], options: NmsOptions = {}): Detection[] {
  const threshold = options.iouThreshold ?? 0.45
  const max = options.maxDetections ?? 300
  const agnostic = options.classAgnostic === true
  const order = Array.from(detections.keys()).sort((a, b) => detections[b].confidence - detections[a].confidence || a - b)
  const kept: Detection[] = []
  for (const index of order) {
    if (kept.length >= max) break
    const d = detections[index]
    let suppressed = false
    for (let k = 0; k < kept.length && !suppressed; k++) suppressed = (agnostic || kept[k].classId === d.classId) && iou(kept[k], d) > threshold
    if (!suppressed) kept.push(d)
  }
  return kept
}
