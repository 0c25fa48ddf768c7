import type { Notice, NoticeEvent } from '../preload/contract'

/** Messages the core wants a person to see (a port fallback, a failed flush), kept for late subscribers until dismissed. */
export class NoticeCenter {
  private readonly recent: Notice[] = []
  private readonly listeners = new Set<(event: NoticeEvent) => void>()
  private next = 1

  post(level: Notice['level'], message: string, code?: string): Notice {
    const notice: Notice = { id: String(this.next++), level, message, code, time: Date.now() }
    this.recent.push(notice)
    if (this.recent.length > 50) this.recent.shift()
    this.emit(notice)
    return notice
  }

  /** Takes back the kept notices of these codes (their cause is gone): open windows drop them, later ones do not show them. */
  withdraw(codes: readonly string[]): void {
    this.remove((n) => codes.includes(n.code ?? ''))
  }

  /**
   * A person closed this notice (or all of them, without id): every window drops it and a later one does not show it.
   * Returns the ids dismissed; an id no longer kept (closed in another window meanwhile) dismisses nothing.
   */
  dismiss(id?: string): string[] {
    return this.remove((n) => id === undefined || n.id === id)
  }

  list(): Notice[] {
    return [...this.recent]
  }

  subscribe(listener: (event: NoticeEvent) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  private remove(which: (notice: Notice) => boolean): string[] {
    const dismissed: string[] = []
    for (let i = this.recent.length - 1; i >= 0; i--) if (which(this.recent[i]!)) dismissed.unshift(...this.recent.splice(i, 1).map((n) => n.id))
    if (dismissed.length > 0) this.emit({ dismissed })
    return dismissed
  }

  private emit(event: NoticeEvent): void {
    for (const listener of this.listeners) listener(event)
  }
}
