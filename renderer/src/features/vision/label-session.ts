// One image's labeling session — the labels with undo/redo, what the host has, saving and its outcome — as a zustand store
// without React (label-session.test.ts drives it alone); use-label-session.ts binds it.
import { createStore, type StoreApi } from 'zustand/vanilla'
import type { VisionImage } from '../../../../preload/contract'
import { edit, redo, startHistory, undo, type LabelHistory, type LabelState } from './label-history'
import { hasLabels } from './shapes'

export interface LabelSessionState {
  history: LabelHistory
  /** What the host has: the labels last loaded or saved. */
  saved: LabelState
  saving: boolean
  /** The last save's failure, or a key's refusal ("G marks a good part…"). */
  error?: string
  savedAt?: number
}

export interface LabelSession {
  store: StoreApi<LabelSessionState>
  labels(): LabelState
  dirty(): boolean
  apply(next: LabelState): void
  undo(): void
  redo(): void
  /** Saves these labels; false (and `error` set) when the host refused. */
  persist(state: LabelState): Promise<boolean>
  /** Saves the current labels, an unlabeled image with confirmed labels becoming labeled. */
  save(): Promise<boolean>
  /** A status change is an edit saved at once. */
  setStatus(status: LabelState['status']): Promise<boolean>
  complain(error: string): void
  /** Labels changed elsewhere (review list, a pre-label run): taken over when nothing is unsaved here. */
  hostChanged(host: LabelState): void
  /** Leaving the image: unsaved edits are saved rather than dropped; undefined when there was nothing to save. */
  leave(): Promise<void> | undefined
  /** The save function of the latest render (it closes over the dataset shown). */
  setSaver(save: (labels: LabelState) => Promise<void>): void
}

/** The labels an image holds, as the labeling state. */
export const stateOf = (image: VisionImage): LabelState => ({
  boxes: image.boxes,
  polygons: image.polygons,
  classes: image.classes,
  classDrafts: image.classDrafts ?? [],
  status: image.status,
})

/** Compares label states by content (key order and absent optional fields aside). */
export const contentKey = (l: LabelState): string =>
  JSON.stringify([
    l.boxes.map((b) => [b.classId, b.x, b.y, b.w, b.h, b.confidence ?? null, !!b.draft]),
    l.polygons.map((p) => [p.classId, p.points, p.confidence ?? null, !!p.draft]),
    l.classes,
    (l.classDrafts ?? []).map((d) => [d.classId, d.confidence]),
    l.status,
  ])

/** An unlabeled image that got confirmed labels becomes labeled when saved. */
export function withStatus(state: LabelState): LabelState {
  const confirmed = { boxes: state.boxes.filter((b) => !b.draft), polygons: state.polygons.filter((p) => !p.draft), classes: state.classes }
  return state.status === 'unlabeled' && hasLabels(confirmed) ? { ...state, status: 'labeled' } : state
}

export function createLabelSession(initial: LabelState, save: (labels: LabelState) => Promise<void>, now: () => number = Date.now): LabelSession {
  let saver = save
  const store = createStore<LabelSessionState>(() => ({ history: startHistory(initial), saved: initial, saving: false }))
  const labels = (): LabelState => store.getState().history.present
  const persist = async (state: LabelState): Promise<boolean> => {
    store.setState({ saving: true, error: undefined })
    try {
      await saver(state)
      store.setState({ saved: state, saving: false, savedAt: now() })
      return true
    } catch (error) {
      store.setState({ saving: false, error: error instanceof Error ? error.message : String(error) })
      return false
    }
  }
  return {
    store,
    labels,
    dirty: () => labels() !== store.getState().saved,
    apply: (next) => store.setState((s) => ({ history: edit(s.history, next) })),
    undo: () => store.setState((s) => ({ history: undo(s.history) })),
    redo: () => store.setState((s) => ({ history: redo(s.history) })),
    persist,
    save: () => {
      const current = labels()
      const state = withStatus(current)
      if (state !== current) store.setState((s) => ({ history: { ...s.history, present: state } }))
      return persist(state)
    },
    setStatus: (status) => {
      const next = { ...labels(), status }
      store.setState((s) => ({ history: edit(s.history, next) }))
      return persist(next)
    },
    complain: (error) => store.setState({ error }),
    hostChanged: (host) => {
      const { saved } = store.getState()
      if (labels() !== saved || contentKey(host) === contentKey(saved)) return
      store.setState({ history: startHistory(host), saved: host })
    },
    leave: () => {
      const last = labels()
      if (last === store.getState().saved) return undefined
      return saver(withStatus(last))
    },
    setSaver: (next) => {
      saver = next
    },
  }
}
