// The grid's view of a dataset: which images match a filter, in dataset order, as ids and one status letter each — what
// 20,000 rows need to scroll, page and jump, without sending every label record on each refresh.
import type { VisionImageFilter, VisionSplit, VisionStatus } from '../../../preload/contract'
import type { DatasetImage } from './annotations'

export const STATUS_LETTER: Record<VisionStatus, string> = { unlabeled: 'u', labeled: 'l', reviewed: 'r', rejected: 'x' }
export const SPLIT_LETTER: Record<VisionSplit, string> = { train: 't', val: 'v', test: 's' }

/** The grid's filter (applied here, in the host): status, a class anywhere (image class, box, polygon or a classifier's draft class), a draft's confidence in range. */
export function matchesImageFilter(image: DatasetImage, filter: VisionImageFilter): boolean {
  const labels = image.labels
  if (filter.status !== 'all' && labels.status !== filter.status) return false
  if (filter.split !== undefined && filter.split !== 'all' && (image.split ?? 'none') !== filter.split) return false
  if (filter.classId !== 'any') {
    const c = filter.classId
    const drafted = labels.classDrafts?.some((d) => d.classId === c) ?? false
    if (!labels.classes.includes(c) && !drafted && !labels.boxes.some((b) => b.classId === c) && !labels.polygons.some((p) => p.classId === c)) return false
  }
  if (filter.minConfidence > 0 || filter.maxConfidence < 1) {
    const inRange = (s: { confidence?: number }): boolean =>
      s.confidence !== undefined && s.confidence >= filter.minConfidence && s.confidence <= filter.maxConfidence
    if (!labels.boxes.some(inRange) && !labels.polygons.some(inRange) && !(labels.classDrafts?.some(inRange) ?? false)) return false
  }
  return true
}

export interface ImageIndex {
  total: number
  ids: string[]
  status: string
  split: string
  /** 1-based place of each id in the whole dataset: the one #N the grid, the labeling panel and the review show. */
  numbers: number[]
}

export function imageIndex(images: readonly DatasetImage[], filter: VisionImageFilter): ImageIndex {
  const ids: string[] = []
  const numbers: number[] = []
  let status = ''
  let split = ''
  images.forEach((image, i) => {
    if (!matchesImageFilter(image, filter)) return
    ids.push(image.id)
    numbers.push(i + 1)
    status += STATUS_LETTER[image.labels.status]
    split += image.split ? SPLIT_LETTER[image.split] : '-'
  })
  return { total: images.length, ids, status, split, numbers }
}
