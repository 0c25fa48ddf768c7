import type { ConnectionState, ConnectionStatus, Protocol } from '../../preload/contract'

/** The visible state machine every connector shares: state, since when, last error, counters. */
export class ConnectionStatusTracker {
  private current: ConnectionStatus
  private readonly listeners = new Set<(status: ConnectionStatus) => void>()

  constructor(init: { id: string; name: string; protocol: Protocol; endpoint: string }) {
    this.current = {
      ...init,
      state: 'disconnected',
      since: Date.now(),
      counters: { messages: 0, errors: 0, reconnects: 0 },
    }
  }

  get status(): ConnectionStatus {
    return this.current
  }

  set(state: ConnectionState, lastError?: string): void {
    if (state === this.current.state && lastError === this.current.lastError) return
    const reconnects = this.current.counters.reconnects + (state === 'reconnecting' && this.current.state !== 'reconnecting' ? 1 : 0)
    this.current = {
      ...this.current,
      state,
      lastError: lastError ?? (state === 'connected' ? undefined : this.current.lastError),
      since: state === this.current.state ? this.current.since : Date.now(),
      counters: { ...this.current.counters, reconnects },
    }
    this.notify()
  }

  count(kind: 'messages' | 'errors', n = 1): void {
    this.current.counters[kind] += n
  }

  onChange(listener: (status: ConnectionStatus) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  private notify(): void {
    for (const listener of this.listeners) listener(this.current)
  }
}
