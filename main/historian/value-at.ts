// The value of a tag at an instant: the previous sample, or linear interpolation between its neighbours.
import type { BlockStore } from './block-store'
import type { TagBuffer } from './tag-buffer'
import type { ValueAt, ValueAtMode } from './types'

export function valueAtForTag(
  store: BlockStore,
  tagId: string,
  tagDbId: number | null,
  buffer: TagBuffer | undefined,
  t: number,
  mode: ValueAtMode,
): ValueAt | null {
  const r = store.readAround(tagDbId, buffer, t)
  // Last sample with time <= t.
  let lo = 0
  let hi = r.t.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (r.t[mid] <= t) lo = mid + 1
    else hi = mid
  }
  const prev = lo - 1
  if (prev < 0) return null
  const prevQ = r.runs.qualityAt(prev)
  const next = lo < r.t.length ? lo : -1
  if (mode === 'previous' || next < 0 || r.t[prev] === t) {
    return { tagId, t: mode === 'previous' ? r.t[prev] : t, v: r.v[prev], quality: prevQ }
  }
  const t0 = r.t[prev]
  const t1 = r.t[next]
  const f = (t - t0) / (t1 - t0)
  const v = r.v[prev] + (r.v[next] - r.v[prev]) * f
  return { tagId, t, v, quality: Math.max(prevQ, r.runs.qualityAt(next)) }
}
