import { create } from 'zustand'
import type { TagValue } from '../../../preload/contract'

interface LiveState {
  /** The newest value of every tag (trends read history from the historian, not from here). */
  values: Record<string, TagValue>
  apply(batch: TagValue[]): void
}

export const useLive = create<LiveState>((set) => ({
  values: {},
  apply: (batch) =>
    set((state) => {
      const values = { ...state.values }
      for (const value of batch) values[value.tagId] = value
      return { values }
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
