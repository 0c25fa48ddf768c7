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

  /** Takes back the kept notices of these codes (their cause is gone): a window opened later does not show them. */
  withdraw(codes: readonly string[]): void {
    for (let i = this.recent.length - 1; i >= 0; i--) if (codes.includes(this.recent[i]!.code ?? '')) this.recent.splice(i, 1)
  }

  list(): Notice[] {
    return [...this.recent]
  }

  subscribe(listener: (notice: Notice) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }
}
