// Reconnect delays that double from the first to the cap (1 s, 2 s, 4 s … 30 s), so a dead device is not hammered.

export interface BackoffOptions {
  initialDelayMs?: number
  maxDelayMs?: number
}

export const DEFAULT_BACKOFF = { initialDelayMs: 1000, maxDelayMs: 30_000 } as const

/** Delay before reconnect attempt number `attempt` (0 = first retry). */
export function backoffDelay(attempt: number, options: BackoffOptions = {}): number {
  const initial = options.initialDelayMs ?? DEFAULT_BACKOFF.initialDelayMs
  const max = options.maxDelayMs ?? DEFAULT_BACKOFF.maxDelayMs
  return Math.min(max, initial * 2 ** Math.min(attempt, 30))
}
