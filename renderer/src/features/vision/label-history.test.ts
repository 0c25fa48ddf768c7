import { describe, expect, it } from 'vitest'
import { boxFromDrag, edit, redo, startHistory, undo, visibleRows } from './label-history'

describe('label history', () => {
  const empty = { boxes: [], polygons: [], classes: [], status: 'unlabeled' as const }
  const one = { ...empty, boxes: [{ classId: 0, x: 1, y: 1, w: 5, h: 5 }] }

  it('undoes and redoes, and a new edit drops the redo branch', () => {
    let h = edit(startHistory(empty), one)
    h = undo(h)
    expect(h.present).toBe(empty)
    h = redo(h)
    expect(h.present).toBe(one)
    h = edit(undo(h), { ...empty, status: 'rejected' })
    expect(redo(h)).toBe(h)
    expect(undo(undo(undo(h))).present).toBe(empty)
  })

  it('builds boxes from drags in any direction, clipped, ignoring clicks', () => {
    expect(boxFromDrag({ x: 50, y: 40 }, { x: 10.4, y: 10 }, { width: 320, height: 240 }, 2)).toEqual({ classId: 2, x: 10, y: 10, w: 40, h: 30 })
    expect(boxFromDrag({ x: 300, y: 200 }, { x: 400, y: 300 }, { width: 320, height: 240 }, 0)).toEqual({ classId: 0, x: 300, y: 200, w: 20, h: 40 })
    expect(boxFromDrag({ x: 5, y: 5 }, { x: 6, y: 6 }, { width: 320, height: 240 }, 0)).toBeUndefined()
  })

  it('renders only the rows on screen', () => {
    expect(visibleRows(0, 300, 100, 50)).toEqual({ first: 0, last: 4 })
    expect(visibleRows(1000, 300, 100, 12)).toEqual({ first: 9, last: 11 })
  })
})
