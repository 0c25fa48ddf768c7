import { create } from 'zustand'
import type { Notice } from '../../../preload/contract'

export const VIEWS = ['connections', 'tags', 'trends', 'oee', 'vision', 'deploy', 'alarms', 'report'] as const
export type View = (typeof VIEWS)[number]
export type Theme = 'dark' | 'light'

export interface UiNotice extends Omit<Notice, 'level'> {
  level: Notice['level']
  /** Raised in this window (a stream that failed here), not kept by the host: dismissed here only. */
  local?: boolean
}

interface UiState {
  view: View
  theme: Theme
  selectedTagId?: string
  notices: UiNotice[]
  setView(view: View): void
  toggleTheme(): void
  selectTag(tagId: string | undefined): void
  pushNotice(notice: UiNotice): void
  /** Drops notices from this window (the host's dismissal, or a local one); the host is told by NoticeArea. */
  dropNotices(ids: readonly string[] | 'all'): void
}

const initialTheme = (): Theme => {
  const saved = globalThis.localStorage?.getItem('otw.theme')
  if (saved === 'dark' || saved === 'light') return saved
  return globalThis.matchMedia?.('(prefers-color-scheme: light)').matches ? 'light' : 'dark'
}

const initialView = (): View => {
  const fromHash = globalThis.location?.hash.replace('#/', '') as View | undefined
  return fromHash && (VIEWS as readonly string[]).includes(fromHash) ? fromHash : 'tags'
}

/** UI state only; what the host knows lives in react-query and the live store. */
export const useUi = create<UiState>((set) => ({
  view: initialView(),
  theme: initialTheme(),
  notices: [],
  setView: (view) => {
    globalThis.history?.replaceState(null, '', `#/${view}`)
    set({ view })
  },
  toggleTheme: () =>
    set((state) => {
      const theme: Theme = state.theme === 'dark' ? 'light' : 'dark'
      globalThis.localStorage?.setItem('otw.theme', theme)
      return { theme }
    }),
  selectTag: (selectedTagId) => set({ selectedTagId }),
  pushNotice: (notice) => set((state) => (state.notices.some((n) => n.id === notice.id) ? state : { notices: [...state.notices.slice(-4), notice] })),
  dropNotices: (ids) => set((state) => ({ notices: ids === 'all' ? [] : state.notices.filter((n) => !ids.includes(n.id)) })),
}))
