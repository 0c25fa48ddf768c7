import { create } from 'zustand'

export const MAX_PENS = 20
export const PEN_COLORS = ['#4cc9f0', '#f72585', '#90be6d', '#f9c74f', '#f8961e', '#b5179e', '#43aa8b', '#577590', '#e76f51', '#2a9d8f']

export const LIVE_SPANS = [
  { label: '5 min', ms: 5 * 60_000 },
  { label: '15 min', ms: 15 * 60_000 },
  { label: '1 h', ms: 3_600_000 },
  { label: '8 h', ms: 8 * 3_600_000 },
  { label: '24 h', ms: 24 * 3_600_000 },
  { label: '7 days', ms: 7 * 24 * 3_600_000 },
] as const

export const COMPARE_OFFSETS = [
  { label: 'None', ms: 0 },
  { label: '1 h earlier', ms: 3_600_000 },
  { label: '1 day earlier', ms: 24 * 3_600_000 },
  { label: '1 week earlier', ms: 7 * 24 * 3_600_000 },
] as const

/** Live follows now with a fixed span; fixed is a range the user zoomed or panned to. */
export type TrendRange = { mode: 'live'; spanMs: number } | { mode: 'fixed'; from: number; to: number }

export interface SavedTrendView {
  name: string
  penIds: string[]
  range: TrendRange
}

interface TrendState {
  penIds: string[]
  range: TrendRange
  compareMs: number
  fixedScale: Record<string, { min: number; max: number } | undefined>
  saved: SavedTrendView[]
  addPen(tagId: string): void
  removePen(tagId: string): void
  setRange(range: TrendRange): void
  setCompare(ms: number): void
  setFixedScale(unit: string, scale: { min: number; max: number } | undefined): void
  saveView(name: string): void
  loadView(name: string): void
  deleteView(name: string): void
}

const SAVED_KEY = 'otw.trendViews'
const loadSaved = (): SavedTrendView[] => {
  try {
    return JSON.parse(globalThis.localStorage?.getItem(SAVED_KEY) ?? '[]') as SavedTrendView[]
  } catch {
    return []
  }
}
const persist = (saved: SavedTrendView[]): void => globalThis.localStorage?.setItem(SAVED_KEY, JSON.stringify(saved))

export const useTrend = create<TrendState>((set, get) => ({
  penIds: [],
  range: { mode: 'live', spanMs: LIVE_SPANS[0].ms },
  compareMs: 0,
  fixedScale: {},
  saved: loadSaved(),
  addPen: (tagId) => set((s) => (s.penIds.includes(tagId) || s.penIds.length >= MAX_PENS ? s : { penIds: [...s.penIds, tagId] })),
  removePen: (tagId) => set((s) => ({ penIds: s.penIds.filter((id) => id !== tagId) })),
  setRange: (range) => set({ range }),
  setCompare: (compareMs) => set({ compareMs }),
  setFixedScale: (unit, scale) => set((s) => ({ fixedScale: { ...s.fixedScale, [unit]: scale } })),
  saveView: (name) => {
    const saved = [...get().saved.filter((v) => v.name !== name), { name, penIds: get().penIds, range: get().range }]
    persist(saved)
    set({ saved })
  },
  loadView: (name) => {
    const view = get().saved.find((v) => v.name === name)
    if (view) set({ penIds: view.penIds, range: view.range })
  },
  deleteView: (name) => {
    const saved = get().saved.filter((v) => v.name !== name)
    persist(saved)
    set({ saved })
  },
}))

/** The time window to draw now (live ranges end at `now`). */
export function windowOf(range: TrendRange, now: number): { from: number; to: number } {
  return range.mode === 'live' ? { from: now - range.spanMs, to: now } : { from: range.from, to: range.to }
}

/** Zooms a window around a point in it (factor < 1 zooms in), never below one second. */
export function zoomWindow(w: { from: number; to: number }, at: number, factor: number): { from: number; to: number } {
  const span = Math.max(1000, (w.to - w.from) * factor)
  const ratio = (at - w.from) / (w.to - w.from)
  const from = Math.round(at - span * ratio)
  return { from, to: from + Math.round(span) }
}

export function panWindow(w: { from: number; to: number }, fraction: number): { from: number; to: number } {
  const shift = Math.round((w.to - w.from) * fraction)
  return { from: w.from + shift, to: w.to + shift }
}
