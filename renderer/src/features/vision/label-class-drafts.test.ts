import { describe, expect, it } from 'vitest'
import { acceptAllClassDrafts, acceptClassDraft, pendingClassDrafts, rejectAllClassDrafts, rejectClassDraft } from './label-class-drafts'
import type { LabelState } from './label-history'

describe('image-class drafts on the labeling view', () => {
  const labels: LabelState = {
    boxes: [],
    polygons: [],
    classes: [2],
    classDrafts: [
      { classId: 0, confidence: 0.87 },
      { classId: 1, confidence: 0.4 },
      { classId: 2, confidence: 0.3 },
    ],
    status: 'unlabeled',
  }

  it('lists only drafts of classes the image does not have yet', () => {
    expect(pendingClassDrafts(labels).map((d) => d.classId)).toEqual([0, 1])
    expect(pendingClassDrafts({ ...labels, classDrafts: undefined })).toEqual([])
  })

  it('multi-label: accepting adds the class and keeps the other drafts; rejecting drops one', () => {
    expect(acceptClassDraft(labels, 0, 'multi')).toMatchObject({ classes: [0, 2], classDrafts: [{ classId: 1 }, { classId: 2 }] })
    expect(rejectClassDraft(labels, 1).classDrafts!.map((d) => d.classId)).toEqual([0, 2])
    expect(acceptClassDraft(labels, 5, 'multi')).toBe(labels)
    expect(acceptAllClassDrafts(labels, 'multi')).toMatchObject({ classes: [0, 1, 2], classDrafts: [] })
  })

  it('single-label: accepting replaces the image class and drops the alternatives; all at once takes the most confident', () => {
    expect(acceptClassDraft(labels, 1, 'single')).toMatchObject({ classes: [1], classDrafts: [] })
    expect(acceptAllClassDrafts(labels, 'single')).toMatchObject({ classes: [0], classDrafts: [] })
    expect(rejectAllClassDrafts(labels)).toMatchObject({ classes: [2], classDrafts: [] })
    const none = { ...labels, classDrafts: [] }
    expect(rejectAllClassDrafts(none)).toBe(none)
  })
})
