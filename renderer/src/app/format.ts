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

/** A tag as a person names it: its folders and name (`Line PLC / Filler / Speed`), never the id slug. */
export function tagDisplayName(tag: { name: string; path: readonly string[] }): string {
  return [...tag.path, tag.name].join(' / ')
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0')

/** Local date and 24-hour time to the second, `2026-12-02 16:05:09`, whatever the system's locale. */
export function formatDateTime24(epochMs: number): string {
  const d = new Date(epochMs)
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`
}

/**
 * A value as text, numbers rounded to what the tag's type holds (float32: 7 significant digits, so 12.300000190734863
 * reads 12.3; float64: 15); other text unchanged.
 */
export function roundToTypePrecision(text: string | null, dataType: string | undefined): string | null {
  if (text === null || text.trim() === '' || Number.isNaN(Number(text))) return text
  const n = Number(text)
  if (Number.isInteger(n)) return text
  const digits = /^(float|float32|real|single)$/i.test(dataType ?? '') ? 7 : 15
  return String(Number(n.toPrecision(digits)))
}
