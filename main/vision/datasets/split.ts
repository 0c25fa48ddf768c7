// Train/val/test split stratified by class, so a rare defect lands in every split; same seed, same split. Only labelled
// (or reviewed) images take part: an unlabeled image in "test" would score as a background, a rejected one is no sample.
import type { Dataset, DatasetImage, Split } from './annotations'
import { createSeededRandom } from '../seeded-random'

export interface SplitOptions {
  ratios?: { train: number; val: number; test: number }
  seed?: number
  /** Keep splits already set on images (e.g. a frozen test set). */
  keepExisting?: boolean
  /** Take the split off images that take no part (unlabeled, rejected), as a re-split from the UI does. */
  clearOthers?: boolean
}

/** The class that decides an image's stratum: its rarest class, else "none" for good parts. */
function strataKeys(images: readonly DatasetImage[]): Map<string, string> {
  const frequency = new Map<number, number>()
  for (const image of images) for (const c of classesOf(image)) frequency.set(c, (frequency.get(c) ?? 0) + 1)
  const keys = new Map<string, string>()
  for (const image of images) {
    const classes = [...classesOf(image)].sort((a, b) => frequency.get(a)! - frequency.get(b)! || a - b)
    keys.set(image.id, classes.length > 0 ? `class:${classes[0]}` : 'none')
  }
  return keys
}

/** Whether an image takes part in a split: someone labelled it (or reviewed it). */
export function isSplittable(image: DatasetImage): boolean {
  return image.labels.status === 'labeled' || image.labels.status === 'reviewed'
}

export type SplitCounts = Record<Split | 'none', number>

/** How many images each split holds, overall and per class (a class counts once per image that has it anywhere). */
export function splitSummary(dataset: Dataset): { total: SplitCounts; byClass: SplitCounts[]; withoutClass: SplitCounts } {
  const empty = (): SplitCounts => ({ train: 0, val: 0, test: 0, none: 0 })
  const total = empty()
  const withoutClass = empty()
  const byClass = dataset.classes.map(empty)
  for (const image of dataset.images) {
    if (!isSplittable(image)) continue
    const split = image.split ?? 'none'
    total[split]++
    const classes = classesOf(image)
    if (classes.size === 0) withoutClass[split]++
    for (const c of classes) if (byClass[c]) byClass[c][split]++
  }
  return { total, byClass, withoutClass }
}

const classesOf = (image: DatasetImage): Set<number> =>
  new Set([...image.labels.classes, ...image.labels.boxes.map((b) => b.classId), ...image.labels.polygons.map((p) => p.classId)])

export function splitDataset(dataset: Dataset, options: SplitOptions = {}): Dataset {
  const ratios = options.ratios ?? { train: 0.7, val: 0.2, test: 0.1 }
  const total = ratios.train + ratios.val + ratios.test
  if (!(total > 0) || ratios.train < 0 || ratios.val < 0 || ratios.test < 0)
    throw new Error(`Split: ratios ${JSON.stringify(ratios)} must be ≥ 0 and not all 0`)
  const target: [Split, number][] = [
    ['train', ratios.train / total],
    ['val', ratios.val / total],
    ['test', ratios.test / total],
  ]
  const todo = dataset.images.filter((i) => !(options.keepExisting && i.split) && isSplittable(i))
  const keys = strataKeys(todo)
  const strata = new Map<string, DatasetImage[]>()
  for (const image of [...todo].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
    const key = keys.get(image.id)!
    strata.set(key, [...(strata.get(key) ?? []), image])
  }
  const assigned = new Map<string, Split>()
  // Every stratum gets floor(n × ratio) per split; its left-over images go where the whole split is shortest so far, so each
  // class is within one image of its ratios and the totals are too (per-stratum rounding alone drifts: 13/4/3 for 60/20/20).
  const overall: Record<Split, number> = { train: 0, val: 0, test: 0 }
  let seen = 0
  for (const key of [...strata.keys()].sort()) {
    const members = createSeededRandom((options.seed ?? 0) ^ hashString(key)).shuffle([...strata.get(key)!])
    const n = members.length
    seen += n
    const quota = Object.fromEntries(target.map(([split, share]) => [split, Math.floor(n * share + 1e-9)])) as Record<Split, number>
    for (let left = n - quota.train - quota.val - quota.test; left > 0; left--) {
      // Largest shortfall of the whole split first, then the largest fractional share in this stratum; ties train, val, test.
      const need = (split: Split, share: number) => share * seen - overall[split] - quota[split] + (n * share - quota[split]) * 1e-6
      let best = target[0]
      for (const candidate of target) if (candidate[1] > 0 && need(candidate[0], candidate[1]) > need(best[0], best[1]) + 1e-12) best = candidate
      quota[best[0]]++
    }
    const counts: Record<Split, number> = { train: 0, val: 0, test: 0 }
    members.forEach((image, i) => {
      // Largest deficit against the quota first keeps every prefix of the stratum close to it.
      let best: Split = 'train'
      let bestDeficit = -Infinity
      for (const [split] of target) {
        if (counts[split] >= quota[split]) continue
        const deficit = (quota[split] * (i + 1)) / n - counts[split]
        if (deficit > bestDeficit + 1e-9) {
          best = split
          bestDeficit = deficit
        }
      }
      counts[best]++
      assigned.set(image.id, best)
    })
    for (const [split] of target) overall[split] += counts[split]
  }
  return {
    ...dataset,
    images: dataset.images.map((image) => {
      if (assigned.has(image.id)) return { ...image, split: assigned.get(image.id)! }
      if (options.clearOthers && image.split && !isSplittable(image)) {
        const { split: _dropped, ...rest } = image
        return rest
      }
      return image
    }),
  }
}

function hashString(text: string): number {
  let h = 2166136261
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619)
  return h >>> 0
}
