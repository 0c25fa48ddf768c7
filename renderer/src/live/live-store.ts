import { create } from 'zustand'
import type { TagValue } from '../../../preload/contract'

const HISTORY_POINTS = 3000

/** Short in-memory history per tag for sparklines and the live trend (the historian keeps the rest). */
export interface Series {
  t: number[]
  v: number[]
}
const history = new Map<string, Series>()

export function liveSeries(tagId: string): Series | undefined {
  return history.get(tagId)
}

interface LiveState {
  values: Record<string, TagValue>
  /** Bumped on every applied batch, so charts know to redraw without copying series into React state. */
  version: number
  apply(batch: TagValue[]): void
}

function remember(value: TagValue): void {
  const numeric = typeof value.value === 'number' ? value.value : typeof value.value === 'boolean' ? Number(value.value) : undefined
  if (numeric === undefined || value.stale) return
  let series = history.get(value.tagId)
  if (!series) history.set(value.tagId, (series = { t: [], v: [] }))
  const time = value.sourceTime / 1000
  if (series.t.length > 0 && series.t[series.t.length - 1] >= time) return
  series.t.push(time)
  series.v.push(numeric)
  if (series.t.length > HISTORY_POINTS * 1.2) {
    series.t.splice(0, series.t.length - HISTORY_POINTS)
    series.v.splice(0, series.v.length - HISTORY_POINTS)
  }
}

export const useLive = create<LiveState>((set) => ({
  values: {},
  version: 0,
  apply: (batch) =>
    set((state) => {
      const values = { ...state.values }
      for (const value of batch) {
        values[value.tagId] = value
        remember(value)
      }
      return { values, version: state.version + 1 }
    }),
}))

/** Batches arrive from the host already coalesced; apply at most once per animation frame. */
export function createFrameApplier(apply: (batch: TagValue[]) => void): (batch: TagValue[]) => void {
  let pending: TagValue[] = []
  let scheduled = false
  return (batch) => {
    pending = pending.concat(batch)
    if (scheduled) return
    scheduled = true
    const run = (): void => {
      scheduled = false
      const next = pending
      pending = []
      apply(next)
    }
    if (typeof requestAnimationFrame === 'function' && document.visibilityState === 'visible') requestAnimationFrame(run)
    else setTimeout(run, 100)
  }
}
