import { describe, expect, it } from 'vitest'
import type { DatasetImage } from './annotations'
import { imageIndex, matchesImageFilter } from './image-index'

const image = (id: string, labels: Partial<DatasetImage['labels']>): DatasetImage => ({
  id,
  file: `images/${id}.png`,
  width: 320,
  height: 240,
  context: {},
  labels: { classes: [], boxes: [], polygons: [], status: 'unlabeled', ...labels },
})

const ALL = { status: 'all', classId: 'any', minConfidence: 0, maxConfidence: 1 } as const

describe('image index', () => {
  const images = [
    image('a', {}),
    image('b', { status: 'labeled', boxes: [{ classId: 1, x: 0, y: 0, w: 5, h: 5 }] }),
    image('c', { status: 'reviewed', classes: [3] }),
    image('d', {
      status: 'labeled',
      polygons: [
        {
          classId: 1,
          points: [
            [0, 0],
            [5, 0],
            [5, 5],
          ],
          confidence: 0.4,
          draft: true,
        },
      ],
    }),
    image('e', { status: 'rejected', boxes: [{ classId: 2, x: 0, y: 0, w: 5, h: 5, confidence: 0.9, draft: true }] }),
    image('f', { classDrafts: [{ classId: 4, confidence: 0.7 }] }),
  ]

  it('lists every image in dataset order with one status letter each', () => {
    expect(imageIndex(images, ALL)).toEqual({ total: 6, ids: ['a', 'b', 'c', 'd', 'e', 'f'], status: 'ulrlxu', split: '------', numbers: [1, 2, 3, 4, 5, 6] })
  })

  it('filters by split (none: not in one) and gives one split letter and the dataset number of each image', () => {
    const split = images.map((i, n) =>
      n === 1 ? { ...i, split: 'train' as const } : n === 2 ? { ...i, split: 'test' as const } : n === 3 ? { ...i, split: 'val' as const } : i,
    )
    expect(imageIndex(split, ALL).split).toBe('-tsv--')
    expect(imageIndex(split, { ...ALL, split: 'test' })).toEqual({ total: 6, ids: ['c'], status: 'r', split: 's', numbers: [3] })
    expect(imageIndex(split, { ...ALL, split: 'none' }).ids).toEqual(['a', 'e', 'f'])
    expect(imageIndex(split, { ...ALL, split: 'all' }).ids).toHaveLength(6)
  })

  it('filters by status, by a class on boxes, polygons, the image or a draft image class, and by a confidence range', () => {
    expect(imageIndex(images, { ...ALL, status: 'labeled' }).ids).toEqual(['b', 'd'])
    expect(imageIndex(images, { ...ALL, classId: 1 }).ids).toEqual(['b', 'd'])
    expect(imageIndex(images, { ...ALL, classId: 3 })).toEqual({ total: 6, ids: ['c'], status: 'r', split: '-', numbers: [3] })
    // A classifier's draft image class counts for the class and confidence filters, as draft boxes do.
    expect(imageIndex(images, { ...ALL, classId: 4 }).ids).toEqual(['f'])
    expect(imageIndex(images, { ...ALL, minConfidence: 0.5 }).ids).toEqual(['e', 'f'])
    expect(imageIndex(images, { ...ALL, maxConfidence: 0.5 }).ids).toEqual(['d'])
    expect(imageIndex(images, { ...ALL, status: 'labeled', classId: 2 }).ids).toEqual([])
    expect(matchesImageFilter(images[0], ALL)).toBe(true)
  })

  it('matches one image with confirmed and draft shapes as the grid filter promises (the cases the renderer filter had)', () => {
    const labeled = image('a', {
      status: 'labeled',
      classes: [4],
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
    })
    expect(matchesImageFilter(labeled, ALL)).toBe(true)
    expect(matchesImageFilter(labeled, { ...ALL, status: 'reviewed' })).toBe(false)
    expect(matchesImageFilter(labeled, { ...ALL, classId: 2 })).toBe(true)
    expect(matchesImageFilter(labeled, { ...ALL, classId: 4 })).toBe(true)
    expect(matchesImageFilter(labeled, { ...ALL, classId: 3 })).toBe(false)
    expect(matchesImageFilter(labeled, { ...ALL, minConfidence: 0.3, maxConfidence: 0.5 })).toBe(true)
    expect(matchesImageFilter(labeled, { ...ALL, minConfidence: 0.5 })).toBe(false)
    const drafted = { ...labeled, labels: { ...labeled.labels, classDrafts: [{ classId: 3, confidence: 0.8 }] } }
    expect(matchesImageFilter(drafted, { ...ALL, classId: 3 })).toBe(true)
    expect(matchesImageFilter(drafted, { ...ALL, minConfidence: 0.75 })).toBe(true)
  })
})
