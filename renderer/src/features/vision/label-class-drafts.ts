// Image-level class drafts (a classifier's pre-labels) on the labeling view: accept or reject one, or all on the image.
import type { VisionClassDraft, VisionImageClassMode } from '../../../../preload/contract'
import type { LabelState } from './label-history'

/** The image's class drafts still waiting, skipping any whose class is already confirmed (saving settles those). */
export const pendingClassDrafts = (labels: LabelState): VisionClassDraft[] => (labels.classDrafts ?? []).filter((d) => !labels.classes.includes(d.classId))

const withClass = (classes: number[], classId: number, mode: VisionImageClassMode): number[] =>
  mode === 'single' ? [classId] : [...new Set([...classes, classId])].sort((a, b) => a - b)

/**
 * The draft becomes a real image class. Multi-label: added to the image's classes. Single-label: it replaces the image's
 * class, and the image's other class drafts (its alternatives) go too.
 */
export function acceptClassDraft(labels: LabelState, classId: number, mode: VisionImageClassMode): LabelState {
  if (!(labels.classDrafts ?? []).some((d) => d.classId === classId)) return labels
  return {
    ...labels,
    classes: withClass(labels.classes, classId, mode),
    classDrafts: mode === 'single' ? [] : (labels.classDrafts ?? []).filter((d) => d.classId !== classId),
  }
}

export function rejectClassDraft(labels: LabelState, classId: number): LabelState {
  if (!(labels.classDrafts ?? []).some((d) => d.classId === classId)) return labels
  return { ...labels, classDrafts: (labels.classDrafts ?? []).filter((d) => d.classId !== classId) }
}

/** Every class draft accepted; single-label: the most confident one (the image holds one class). */
export function acceptAllClassDrafts(labels: LabelState, mode: VisionImageClassMode): LabelState {
  const pending = pendingClassDrafts(labels)
  if (pending.length === 0) return (labels.classDrafts ?? []).length > 0 ? { ...labels, classDrafts: [] } : labels
  if (mode === 'single') {
    const best = pending.reduce((a, b) => (b.confidence > a.confidence ? b : a))
    return { ...labels, classes: [best.classId], classDrafts: [] }
  }
  return { ...labels, classes: [...new Set([...labels.classes, ...pending.map((d) => d.classId)])].sort((a, b) => a - b), classDrafts: [] }
}

export function rejectAllClassDrafts(labels: LabelState): LabelState {
  return (labels.classDrafts ?? []).length > 0 ? { ...labels, classDrafts: [] } : labels
}
