import type { Notice } from '../preload/contract'

/** Messages the core wants a person to see (a port fallback, a failed flush), kept for late subscribers. */
export class NoticeCenter {
  private readonly recent: Notice[] = []
  private readonly listeners = new Set<(notice: Notice) => void>()
  private next = 1

  post(level: Notice['level'], message: string, code?: string): Notice {
    const notice: Notice = { id: String(this.next++), level, message, code, time: Date.now() }
    this.recent.push(notice)
    if (this.recent.length > 50) this.recent.shift()
    for (const listener of this.listeners) listener(notice)
    return notice
  }

  list(): Notice[] {
    return [...this.recent]
  }

  subscribe(listener: (notice: Notice) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }
}
