import { describe, expect, it } from 'vitest'
import { iou, nonMaxSuppression } from './nms'

describe('iou', () => {
  it('matches hand-worked overlaps', () => {
    expect(iou({ x: 0, y: 0, w: 2, h: 2 }, { x: 1, y: 1, w: 2, h: 2 })).toBeCloseTo(1 / 7, 12)
    expect(iou({ x: 0, y: 0, w: 10, h: 10 }, { x: 0, y: 0, w: 10, h: 7.5 })).toBe(0.75)
    expect(iou({ x: 0, y: 0, w: 2, h: 2 }, { x: 2, y: 0, w: 2, h: 2 })).toBe(0) // touching edges
    expect(iou({ x: 3, y: 4, w: 5, h: 6 }, { x: 3, y: 4, w: 5, h: 6 })).toBe(1)
  })
})

describe('nonMaxSuppression', () => {
  const d = (classId: number, x: number, confidence: number) => ({ classId, x, y: 0, w: 10, h: 10, confidence })

  it('keeps the best box per object and per class', () => {
    const kept = nonMaxSuppression([d(0, 0, 0.6), d(0, 1, 0.9), d(0, 2, 0.7), d(1, 1, 0.5), d(0, 30, 0.4)], { iouThreshold: 0.5 })
    expect(kept).toEqual([d(0, 1, 0.9), d(1, 1, 0.5), d(0, 30, 0.4)])
  })

  it('suppresses across classes when class-agnostic, and caps the count', () => {
    expect(nonMaxSuppression([d(0, 0, 0.6), d(1, 1, 0.9)], { classAgnostic: true })).toEqual([d(1, 1, 0.9)])
    expect(nonMaxSuppression([d(0, 0, 0.6), d(0, 50, 0.9), d(0, 100, 0.8)], { maxDetections: 2 })).toEqual([d(0, 50, 0.9), d(0, 100, 0.8)])
  })

  it('keeps a box whose overlap equals the threshold (only "more than" suppresses)', () => {
    // IoU of [0,10]×[0,10] and [0,10]×[0,7.5] is exactly 0.75.
    const a = { classId: 0, x: 0, y: 0, w: 10, h: 10, confidence: 0.9 }
    const b = { classId: 0, x: 0, y: 0, w: 10, h: 7.5, confidence: 0.8 }
    expect(nonMaxSuppression([a, b], { iouThreshold: 0.75 })).toHaveLength(2)
  })
})
