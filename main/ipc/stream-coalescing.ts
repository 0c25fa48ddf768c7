import type { TagValue } from '../../preload/contract'

/** How a stream's events may be merged while its link is backed up: only what a newer event fully supersedes. */
export interface StreamCoalescing {
  /** Whether this event may wait and be merged with the next one instead of queueing. */
  canHold(data: unknown): boolean
  merge(older: unknown, newer: unknown): unknown
}

const isProgress = (data: unknown): boolean => (data as { kind?: unknown } | null)?.kind === 'progress'

/** Live batches carry only the tags that changed: merging keeps the newest value of every tag of either batch. */
const latestPerTag: StreamCoalescing = {
  canHold: () => true,
  merge(older, newer) {
    const byTag = new Map<string, TagValue>()
    for (const value of older as TagValue[]) byTag.set(value.tagId, value)
    for (const value of newer as TagValue[]) byTag.set(value.tagId, value)
    return [...byTag.values()]
  },
}

/** Each event is the whole state: the newest replaces the one waiting. */
const latestSnapshot: StreamCoalescing = { canHold: () => true, merge: (_older, newer) => newer }

/** Progress of a long task: the newest progress replaces a waiting one; results and findings always go out, in order. */
const latestProgress: StreamCoalescing = { canHold: isProgress, merge: (_older, newer) => newer }

const BY_CHANNEL: Readonly<Record<string, StreamCoalescing>> = {
  'live.values': latestPerTag,
  'connections.status': latestSnapshot,
}

/** Streams not named here (notices, topic-tree changes, scan findings) are never merged; only their progress events are. */
export function coalescingFor(channel: string): StreamCoalescing {
  return Object.hasOwn(BY_CHANNEL, channel) ? BY_CHANNEL[channel] : latestProgress
}
