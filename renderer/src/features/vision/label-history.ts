import type { VisionBox, VisionClassDraft, VisionPolygon, VisionStatus } from '../../../../preload/contract'

export interface LabelState {
  boxes: VisionBox[]
  polygons: VisionPolygon[]
  /** Image-level classes. */
  classes: number[]
  /** Image-level classes a classifier proposed, not yet accepted or rejected. */
  classDrafts?: VisionClassDraft[]
  status: VisionStatus
}

/** Undo/redo over whole label states: every edit pushes the previous state, a new edit drops the redo branch. */
export interface LabelHistory {
  past: LabelState[]
  present: LabelState
  future: LabelState[]
}

const LIMIT = 200

export const startHistory = (present: LabelState): LabelHistory => ({ past: [], present, future: [] })

export function edit(history: LabelHistory, next: LabelState): LabelHistory {
  return { past: [...history.past, history.present].slice(-LIMIT), present: next, future: [] }
}

export function undo(history: LabelHistory): LabelHistory {
  const previous = history.past.at(-1)
  if (!previous) return history
  return { past: history.past.slice(0, -1), present: previous, future: [history.present, ...history.future] }
}

export function redo(history: LabelHistory): LabelHistory {
  const [next, ...rest] = history.future
  if (!next) return history
  return { past: [...history.past, history.present], present: next, future: rest }
}

/** A box from two corners in image pixels, clipped to the image; undefined when smaller than `minSize`. */
export function boxFromDrag(
  a: { x: number; y: number },
  b: { x: number; y: number },
  size: { width: number; height: number },
  classId: number,
  minSize = 3,
): VisionBox | undefined {
  const clamp = (v: number, max: number) => Math.max(0, Math.min(max, Math.round(v)))
  const x0 = clamp(Math.min(a.x, b.x), size.width)
  const y0 = clamp(Math.min(a.y, b.y), size.height)
  const x1 = clamp(Math.max(a.x, b.x), size.width)
  const y1 = clamp(Math.max(a.y, b.y), size.height)
  if (x1 - x0 < minSize || y1 - y0 < minSize) return undefined
  return { classId, x: x0, y: y0, w: x1 - x0, h: y1 - y0 }
}

/** Which rows of a virtualised grid are on screen (plus one spare row each side). */
export function visibleRows(scrollTop: number, viewportHeight: number, rowHeight: number, rowCount: number): { first: number; last: number } {
  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - 1)
  const last = Math.min(rowCount - 1, Math.ceil((scrollTop + viewportHeight) / rowHeight) + 1)
  return { first, last }
}
