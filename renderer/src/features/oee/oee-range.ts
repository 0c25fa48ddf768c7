import { downloadCanvas, titledCanvas, type PngHeading } from '../../app/chart-png'
import type { OeeRanges } from '../../../../preload/contract'

/** Range presets for the OEE view: shifts, the production day and the week come from the plant's calendar. */
export type RangePreset = 'shift' | 'previous' | 'today' | 'week' | '24h' | '7d' | 'pick' | 'custom'

export const PRESETS: { id: RangePreset; label: string }[] = [
  { id: 'shift', label: 'Current shift' },
  { id: 'previous', label: 'Previous shift' },
  { id: 'today', label: 'Today' },
  { id: 'week', label: 'This week' },
  { id: '24h', label: 'Last 24 h' },
  { id: '7d', label: 'Last 7 days' },
  { id: 'custom', label: 'Custom' },
]

const HOUR = 3_600_000

/** The range of a preset, or null while the calendar's ranges are not known yet. */
export function presetRange(preset: Exclude<RangePreset, 'custom' | 'pick'>, now: number, ranges: OeeRanges | undefined): { from: number; to: number } | null {
  if (preset === '24h') return { from: now - 24 * HOUR, to: now }
  if (preset === '7d') return { from: now - 7 * 24 * HOUR, to: now }
  if (!ranges) return null
  const r = preset === 'shift' ? ranges.currentShift : preset === 'previous' ? ranges.previousShift : preset === 'today' ? ranges.today : ranges.week
  return r ? { from: r.from, to: Math.min(r.to, Math.max(now, r.from + 1000)) } : null
}

export const pct = (x: number | null | undefined): string => (x === null || x === undefined ? '—' : `${(x * 100).toFixed(1)} %`)
export const mins = (x: number): string => `${x.toFixed(1)} min`
/** A duration in minutes as a person says it: "3 h 12 min", "45 min", "0 min". */
export const hoursMinutes = (x: number): string => {
  const total = Math.round(x)
  const h = Math.floor(total / 60)
  return h > 0 ? `${h} h ${total % 60} min` : `${total} min`
}

/** SVG fill of the no-data hatch (NoDataHatch must be inside the same svg). */
export const NO_DATA_FILL = 'url(#oee-no-data-hatch)'

export const STATE_COLORS: Record<string, string> = {
  running: '#52c41a',
  idle: '#faad14',
  starved: '#13c2c2',
  blocked: '#2f54eb',
  faulted: '#ff4d4f',
  setup: '#9254de',
  'planned-stop': '#8c8c8c',
  unknown: '#434343',
  // Solid stand-in where a hatch cannot be drawn (swatches); charts draw no-data hatched (NO_DATA_FILL).
  'no-data': '#a3acb9',
}

export function csvCell(v: unknown): string {
  const s = v === undefined || v === null ? '' : String(v)
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

export function downloadText(name: string, text: string, type = 'text/csv'): void {
  const a = document.createElement('a')
  a.href = URL.createObjectURL(new Blob([text], { type }))
  a.download = name
  a.click()
  setTimeout(() => URL.revokeObjectURL(a.href), 1000)
}

/** Draws an SVG element onto a canvas (CSS variables resolved) under its heading and downloads it as PNG. */
export function downloadSvgAsPng(svg: SVGSVGElement, name: string, heading: PngHeading): void {
  const clone = svg.cloneNode(true) as SVGSVGElement
  const style = getComputedStyle(document.documentElement)
  const resolve = (s: string): string => s.replace(/var\((--[\w-]+)\)/g, (_, v: string) => style.getPropertyValue(v).trim() || '#888')
  const box = svg.getBoundingClientRect()
  clone.setAttribute('width', String(box.width))
  clone.setAttribute('height', String(box.height))
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg')
  const text = resolve(new XMLSerializer().serializeToString(clone))
  const img = new Image()
  img.onload = () => downloadCanvas(titledCanvas(img, box.width, box.height, heading), name)
  img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(text)}`
}
