import type { TagValue } from '../../../preload/contract'

export function formatValue(value: TagValue['value'] | undefined, unit?: string, enumLabels?: Record<string, string>): string {
  if (value === undefined || value === null) return '—'
  if (enumLabels && typeof value === 'number' && enumLabels[String(value)]) return `${enumLabels[String(value)]} (${value})`
  if (typeof value === 'number') {
    const text = Number.isInteger(value) ? String(value) : Math.abs(value) >= 100 ? value.toFixed(1) : value.toFixed(2)
    return unit ? `${text} ${unit}` : text
  }
  if (typeof value === 'boolean') return value ? 'true' : 'false'
  if (Array.isArray(value)) return `[${value.map((item) => formatValue(item)).join(', ')}]${unit ? ` ${unit}` : ''}`
  return value
}

export function formatTime(epochMs: number | undefined): string {
  if (!epochMs) return '—'
  const d = new Date(epochMs)
  return `${d.toLocaleTimeString([], { hour12: false })}.${String(d.getMilliseconds()).padStart(3, '0')}`
}

export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000))
  if (s < 60) return `${s} s`
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`
}
