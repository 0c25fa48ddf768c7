import { create } from 'zustand'
import type { MqttExploreBatch, TopicStatsInfo } from '../../../../preload/contract'
import type { WorkbenchClient as Client } from '../../bridge/client'

type Summary = Omit<MqttExploreBatch, 'changes'>

interface ExplorerSession {
  sourceId: string
  url: string
  filter: string
  search: string
  running: boolean
  /** The saved connection being explored (mapping and publishing need one); undefined for a bare broker URL. */
  exploring?: { id: string; name: string }
  summary?: Summary
  selected?: string
  /** Topic paths of the branches a person opened; everything else starts collapsed. */
  open: ReadonlySet<string>
  /** Bumped with every batch; the topics themselves live in `topics` so batches do not copy the map. */
  version: number
  topics: Map<string, TopicStatsInfo>
  set(patch: Partial<Pick<ExplorerSession, 'sourceId' | 'url' | 'filter' | 'search' | 'selected'>>): void
  toggle(path: string): void
  start(client: Client, source: { id: string; name: string } | undefined): void
  stop(): void
}

let unsubscribe: (() => void) | null = null

/**
 * The explorer's session outside React: switching to another view and back keeps the subscription, the topics seen,
 * the selection and the open branches, as MQTT Explorer does.
 */
export const useExplorerSession = create<ExplorerSession>((set, get) => ({
  sourceId: '',
  url: '',
  filter: '#',
  search: '',
  running: false,
  open: new Set(),
  version: 0,
  topics: new Map(),
  set: (patch) => set(patch),
  toggle: (path) => {
    const open = new Set(get().open)
    if (open.has(path)) open.delete(path)
    else open.add(path)
    set({ open })
  },
  start: (client, source) => {
    unsubscribe?.()
    const topics = new Map<string, TopicStatsInfo>()
    set({ topics, selected: undefined, running: true, exploring: source, summary: undefined, open: new Set(), version: 0 })
    const { filter, url } = get()
    unsubscribe = client.subscribe(
      'mqtt.explore',
      source ? { connectionId: source.id, filter } : { url, filter },
      (batch) => {
        for (const change of batch.changes) topics.set(change.topic, change)
        const { changes: _changes, ...summary } = batch
        set((s) => ({ summary, version: s.version + 1 }))
      },
      (error) => {
        if (error) set({ summary: { topics: 0, messages: 0, droppedTopics: 0, state: 'closed', error: error.message } })
        set({ running: false })
        unsubscribe = null
      },
    )
  },
  stop: () => {
    unsubscribe?.()
    unsubscribe = null
    set({ running: false })
  },
}))

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' })
/** Natural order, as a person reads topic levels: s2 before s10, Line2 before line10. */
export const naturalCompare = (a: string, b: string): number => collator.compare(a, b)
