import { describe, expect, it } from 'vitest'
import type { Dataset } from './annotations'
import { splitDataset, splitSummary } from './split'

function dataset(): Dataset {
  const images = Array.from({ length: 100 }, (_, i) => ({
    id: `img-${i}`,
    file: `images/img-${i}.png`,
    width: 10,
    height: 10,
    context: {},
    // 10 rare (class 1), 30 common (class 0), 60 good.
    labels: {
      classes: [],
      boxes:
        i < 10
          ? [
              { classId: 1, x: 0, y: 0, w: 1, h: 1 },
              { classId: 0, x: 0, y: 0, w: 1, h: 1 },
            ]
          : i < 40
            ? [{ classId: 0, x: 0, y: 0, w: 1, h: 1 }]
            : [],
      polygons: [],
      status: 'labeled' as const,
    },
  }))
  return { name: 't', classes: ['common', 'rare'], images }
}

describe('splitDataset', () => {
  it('keeps every class in proportion in every split', () => {
    const out = splitDataset(dataset(), { seed: 3, ratios: { train: 0.6, val: 0.2, test: 0.2 } })
    const count = (split: string, pick: (i: number) => boolean) => out.images.filter((img, i) => img.split === split && pick(i)).length
    expect([count('train', (i) => i < 10), count('val', (i) => i < 10), count('test', (i) => i < 10)]).toEqual([6, 2, 2])
    expect([count('train', (i) => i >= 10 && i < 40), count('val', (i) => i >= 10 && i < 40), count('test', (i) => i >= 10 && i < 40)]).toEqual([18, 6, 6])
    expect([count('train', (i) => i >= 40), count('val', (i) => i >= 40), count('test', (i) => i >= 40)]).toEqual([36, 12, 12])
  })

  it('is repeatable for a seed, independent of image order, and differs for another seed', () => {
    const a = splitDataset(dataset(), { seed: 3 })
    const reversed = dataset()
    reversed.images.reverse()
    const b = splitDataset(reversed, { seed: 3 })
    const bySplit = (d: Dataset) => Object.fromEntries(d.images.map((i) => [i.id, i.split]))
    expect(bySplit(b)).toEqual(bySplit(a))
    expect(bySplit(splitDataset(dataset(), { seed: 4 }))).not.toEqual(bySplit(a))
  })

  it('keeps a frozen split when asked', () => {
    const d = dataset()
    d.images[0].split = 'test'
    expect(splitDataset(d, { keepExisting: true }).images[0].split).toBe('test')
  })

  it('splits labelled and reviewed images only, and a re-split takes the split off the others', () => {
    const d = dataset()
    d.images[0].labels.status = 'unlabeled'
    d.images[1].labels.status = 'rejected'
    d.images[2].labels.status = 'reviewed'
    d.images[3].labels.status = 'unlabeled'
    d.images[3].split = 'train'
    const kept = splitDataset(d, { seed: 1 })
    expect(kept.images[0].split).toBeUndefined()
    expect(kept.images[1].split).toBeUndefined()
    expect(kept.images[2].split).toBeDefined()
    expect(kept.images[3].split).toBe('train')
    const cleared = splitDataset(d, { seed: 1, clearOthers: true })
    expect(cleared.images[3]).not.toHaveProperty('split')
  })

  it('counts each split overall and per class, leaving out images that take no part', () => {
    const d = dataset()
    d.images[50].labels.status = 'unlabeled'
    const summary = splitSummary(splitDataset(d, { seed: 3, ratios: { train: 0.6, val: 0.2, test: 0.2 } }))
    expect(summary.total.train + summary.total.val + summary.total.test).toBe(99)
    expect(summary.total.none).toBe(0)
    expect(summary.byClass[1]).toEqual({ train: 6, val: 2, test: 2, none: 0 })
    expect(summary.byClass[0].train + summary.byClass[0].val + summary.byClass[0].test).toBe(40)
    expect(splitSummary(d).total.none).toBe(99)
  })

  it('keeps the totals on the ratios when many small classes each round down', () => {
    // Five strata of four images: 60/20/20 of four rounds to 2/0/0 (or 3/1/0) in each; the whole must still be 12/4/4.
    const d = dataset()
    d.images = d.images.slice(0, 20).map((image, i) => ({ ...image, labels: { ...image.labels, boxes: [{ classId: i % 5, x: 0, y: 0, w: 1, h: 1 }] } }))
    d.classes = ['a', 'b', 'c', 'd', 'e']
    for (const seed of [0, 1, 2, 3]) {
      const { total, byClass } = splitSummary(splitDataset(d, { seed, ratios: { train: 0.6, val: 0.2, test: 0.2 } }))
      expect(total).toEqual({ train: 12, val: 4, test: 4, none: 0 })
      for (const c of byClass) expect(c.train).toBeGreaterThanOrEqual(2)
    }
  })
})
