import type { AlarmStateName } from '../../../../preload/contract'

export const STATE_WORDS: Record<AlarmStateName, string> = {
  normal: 'Normal',
  pending: 'Pending',
  'active-unacknowledged': 'Active, unacknowledged',
  'active-acknowledged': 'Active, acknowledged',
  'cleared-unacknowledged': 'Cleared, unacknowledged',
}

export const SHELVE_CHOICES = [
  { label: '15 min', ms: 15 * 60_000 },
  { label: '1 h', ms: 3_600_000 },
  { label: '8 h', ms: 8 * 3_600_000 },
  { label: '24 h', ms: 24 * 3_600_000 },
] as const

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
