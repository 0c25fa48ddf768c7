import { describe, expect, it } from 'vitest'
import type { LabelState } from './label-history'
import { createLabelSession } from './label-session'

const empty: LabelState = { boxes: [], polygons: [], classes: [], classDrafts: [], status: 'unlabeled' }
const box = { classId: 1, x: 10, y: 10, w: 20, h: 20 }

/** A host that records what it was sent, and can be told to refuse. */
function host() {
  const saves: LabelState[] = []
  let refuse: string | undefined
  return {
    saves,
    refuseWith: (message: string | undefined) => (refuse = message),
    save: async (labels: LabelState) => {
      if (refuse) throw new Error(refuse)
      saves.push(labels)
    },
  }
}

describe('label session (the LabelingPanel state, without React)', () => {
  it('edits with undo and redo, and is dirty until saved', async () => {
    const h = host()
    const session = createLabelSession(empty, h.save, () => 42)
    expect(session.dirty()).toBe(false)
    session.apply({ ...empty, boxes: [box] })
    session.apply({ ...empty, boxes: [box, { ...box, x: 40 }] })
    expect(session.dirty()).toBe(true)
    session.undo()
    expect(session.labels().boxes).toEqual([box])
    session.redo()
    expect(session.labels().boxes).toHaveLength(2)
    session.undo()
    expect(await session.save()).toBe(true)
    // Confirmed labels on an unlabeled image: saved as labeled, and the panel shows that status.
    expect(h.saves).toEqual([{ ...empty, boxes: [box], status: 'labeled' }])
    expect(session.labels().status).toBe('labeled')
    expect(session.dirty()).toBe(false)
    expect(session.store.getState()).toMatchObject({ saving: false, savedAt: 42 })
  })

  it('keeps the edits and says why when the host refuses a save; the next save clears the error', async () => {
    const h = host()
    const session = createLabelSession(empty, h.save)
    session.apply({ ...empty, boxes: [box] })
    h.refuseWith('Class 9 on image part-1: dataset "x" has 5 classes')
    expect(await session.save()).toBe(false)
    expect(session.store.getState().error).toMatch(/has 5 classes/)
    expect(session.dirty()).toBe(true)
    h.refuseWith(undefined)
    expect(await session.save()).toBe(true)
    expect(session.store.getState().error).toBeUndefined()
  })

  it('saves a status change at once, and a draft-only image stays unlabeled', async () => {
    const h = host()
    const session = createLabelSession(empty, h.save)
    session.apply({ ...empty, boxes: [{ ...box, draft: true, confidence: 0.4 }] })
    await session.save()
    expect(h.saves.at(-1)?.status).toBe('unlabeled')
    await session.setStatus('reviewed')
    expect(h.saves.at(-1)?.status).toBe('reviewed')
    session.undo()
    expect(session.labels().status).toBe('unlabeled')
  })

  it('takes over labels changed elsewhere only when nothing is unsaved', () => {
    const session = createLabelSession(empty, host().save)
    const reviewed = { ...empty, boxes: [box], status: 'labeled' as const }
    session.hostChanged(reviewed)
    expect(session.labels()).toEqual(reviewed)
    expect(session.dirty()).toBe(false)
    expect(session.store.getState().history.past).toEqual([])
    session.apply({ ...reviewed, boxes: [] })
    session.hostChanged({ ...reviewed, classes: [2] })
    expect(session.labels().boxes).toEqual([])
  })

  it('saves unsaved edits on leaving, with the latest save function, and nothing when all is saved', async () => {
    const first = host()
    const latest = host()
    const session = createLabelSession(empty, first.save)
    expect(session.leave()).toBeUndefined()
    session.apply({ ...empty, classes: [3] })
    session.setSaver(latest.save)
    await session.leave()
    expect(first.saves).toEqual([])
    expect(latest.saves).toEqual([{ ...empty, classes: [3], status: 'labeled' }])
  })
})
