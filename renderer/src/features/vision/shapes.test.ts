import { describe, expect, it } from 'vitest'
import type { LabelState } from './label-history'
import { acceptAllDrafts, acceptDraft, copyLabelsFrom, draftCount, dragShape, grabAt, polygonFromClicks, rejectAllDrafts, toggleImageClass } from './shapes'

const size = { width: 320, height: 240 }
const labels: LabelState = {
  boxes: [
    { classId: 0, x: 10, y: 10, w: 200, h: 200 },
    { classId: 1, x: 50, y: 50, w: 20, h: 20, confidence: 0.4, draft: true },
  ],
  polygons: [
    {
      classId: 2,
      points: [
        [250, 10],
        [300, 10],
        [275, 60],
      ],
    },
  ],
  classes: [],
  status: 'unlabeled',
}

describe('label shapes', () => {
  it('grabs the smallest box under the point, polygons first, and handles of the selected shape', () => {
    expect(grabAt(labels, null, { x: 55, y: 55 }, 3)).toEqual({ ref: { kind: 'box', index: 1 }, part: 'body' })
    expect(grabAt(labels, null, { x: 150, y: 150 }, 3)).toEqual({ ref: { kind: 'box', index: 0 }, part: 'body' })
    expect(grabAt(labels, null, { x: 275, y: 20 }, 3)).toEqual({ ref: { kind: 'polygon', index: 0 }, part: 'body' })
    expect(grabAt(labels, null, { x: 5, y: 230 }, 3)).toBeUndefined()
    expect(grabAt(labels, { kind: 'box', index: 0 }, { x: 209, y: 211 }, 3)).toEqual({ ref: { kind: 'box', index: 0 }, part: 'corner', corner: 2 })
    expect(grabAt(labels, { kind: 'polygon', index: 0 }, { x: 276, y: 59 }, 3)).toEqual({ ref: { kind: 'polygon', index: 0 }, part: 'vertex', vertex: 2 })
  })

  it('moves, resizes and reshapes within the image', () => {
    const box = labels.boxes[0]
    expect(dragShape(box, { ref: { kind: 'box', index: 0 }, part: 'body' }, 500, -3.4, size)).toEqual({ ...box, x: 120, y: 7 })
    // Dragging the bottom-right corner past the top-left flips the box instead of giving it a negative size.
    expect(dragShape(box, { ref: { kind: 'box', index: 0 }, part: 'corner', corner: 2 }, -250, -100, size)).toEqual({ ...box, x: 0, y: 10, w: 10, h: 100 })
    const polygon = labels.polygons[0]
    expect(dragShape(polygon, { ref: { kind: 'polygon', index: 0 }, part: 'body' }, 100, 0, size)).toEqual({
      ...polygon,
      points: [
        [270, 10],
        [320, 10],
        [295, 60],
      ],
    })
    expect(dragShape(polygon, { ref: { kind: 'polygon', index: 0 }, part: 'vertex', vertex: 1 }, 5, 5, size)).toEqual({
      ...polygon,
      points: [
        [250, 10],
        [305, 15],
        [275, 60],
      ],
    })
  })

  it('builds polygons from clicks, dropping repeats and a closing click on the first vertex', () => {
    const clicks = [
      { x: 1.2, y: 1 },
      { x: 1, y: 1 },
      { x: 50, y: 2 },
      { x: 400, y: 90 },
      { x: 1, y: 1 },
    ]
    expect(polygonFromClicks(clicks, size, 3)).toEqual({
      classId: 3,
      points: [
        [1, 1],
        [50, 2],
        [320, 90],
      ],
    })
    expect(polygonFromClicks(clicks.slice(0, 3), size, 3)).toBeUndefined()
  })

  it('accepts and rejects drafts one by one or all at once', () => {
    expect(draftCount(labels)).toBe(1)
    expect(acceptDraft(labels, { kind: 'box', index: 1 }).boxes[1]).toEqual({ classId: 1, x: 50, y: 50, w: 20, h: 20, confidence: 0.4 })
    expect(draftCount(acceptAllDrafts(labels))).toBe(0)
    expect(rejectAllDrafts(labels).boxes).toEqual([labels.boxes[0]])
  })

  it('toggles image classes in single- and multi-label mode', () => {
    const multi = toggleImageClass(toggleImageClass(labels, 3, 'multi'), 1, 'multi')
    expect(multi.classes).toEqual([1, 3])
    expect(toggleImageClass(multi, 3, 'multi').classes).toEqual([1])
    expect(toggleImageClass(multi, 2, 'single').classes).toEqual([2])
    expect(toggleImageClass({ ...labels, classes: [2] }, 2, 'single').classes).toEqual([])
  })

  it("copies the previous image's confirmed labels without duplicates", () => {
    const previous = { boxes: labels.boxes, polygons: labels.polygons, classes: [4] }
    const once = copyLabelsFrom({ boxes: [], polygons: [], classes: [1], status: 'unlabeled' }, previous, 'multi')
    expect(once.boxes).toEqual([labels.boxes[0]])
    expect(once.polygons).toEqual(labels.polygons)
    expect(once.classes).toEqual([1, 4])
    expect(copyLabelsFrom(once, previous, 'multi')).toEqual(once)
    expect(copyLabelsFrom(once, previous, 'single').classes).toEqual([4])
  })
})
