/** Range presets for the OEE view; shifts are the default 3×8 h plan (06:00, 14:00, 22:00 local). */
export type RangePreset = 'shift' | 'today' | '24h' | '7d' | 'custom'

export const PRESETS: { id: RangePreset; label: string }[] = [
  { id: 'shift', label: 'Current shift' },
  { id: 'today', label: 'Today' },
  { id: '24h', label: 'Last 24 h' },
  { id: '7d', label: 'Last 7 days' },
  { id: 'custom', label: 'Custom' },
]

const HOUR = 3_600_000
const SHIFT_STARTS = [6, 14, 22]

export function shiftStart(now: number): number {
  const d = new Date(now)
  const candidates: number[] = []
  for (const dayOffset of [-1, 0]) for (const h of SHIFT_STARTS) candidates.push(new Date(d.getFullYear(), d.getMonth(), d.getDate() + dayOffset, h).getTime())
  return Math.max(...candidates.filter((t) => t <= now))
}

export function presetRange(preset: Exclude<RangePreset, 'custom'>, now: number): { from: number; to: number } {
  if (preset === 'shift') return { from: shiftStart(now), to: now }
  if (preset === 'today') {
    const d = new Date(now)
    return { from: new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime(), to: now }
  }
  if (preset === '24h') return { from: now - 24 * HOUR, to: now }
  return { from: now - 7 * 24 * HOUR, to: now }
}

/** `yyyy-MM-ddTHH:mm` in local time, for datetime-local inputs. */
export function toLocalInput(t: number): string {
  const d = new Date(t - new Date(t).getTimezoneOffset() * 60_000)
  return d.toISOString().slice(0, 16)
}

export const pct = (x: number | null | undefined): string => (x === null || x === undefined ? '—' : `${(x * 100).toFixed(1)} %`)
export const mins = (x: number): string => `${x.toFixed(1)} min`

export const STATE_COLORS: Record<string, string> = {
  running: '#52c41a',
  idle: '#faad14',
  starved: '#13c2c2',
  blocked: '#2f54eb',
  faulted: '#ff4d4f',
  setup: '#9254de',
  'planned-stop': '#8c8c8c',
  unknown: '#434343',
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

/** Draws an SVG element onto a canvas (CSS variables resolved) and downloads it as PNG. */
export function downloadSvgAsPng(svg: SVGSVGElement, name: string): void {
  const clone = svg.cloneNode(true) as SVGSVGElement
  const style = getComputedStyle(document.documentElement)
  const resolve = (s: string): string => s.replace(/var\((--[\w-]+)\)/g, (_, v: string) => style.getPropertyValue(v).trim() || '#888')
  const box = svg.getBoundingClientRect()
  clone.setAttribute('width', String(box.width))
  clone.setAttribute('height', String(box.height))
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg')
  const text = resolve(new XMLSerializer().serializeToString(clone))
  const img = new Image()
  img.onload = () => {
    const canvas = document.createElement('canvas')
    canvas.width = Math.max(1, Math.round(box.width * 2))
    canvas.height = Math.max(1, Math.round(box.height * 2))
    const ctx = canvas.getContext('2d')!
    ctx.fillStyle = style.getPropertyValue('--panel').trim() || '#fff'
    ctx.fillRect(0, 0, canvas.width, canvas.height)
    ctx.scale(2, 2)
    ctx.drawImage(img, 0, 0, box.width, box.height)
    const a = document.createElement('a')
    a.href = canvas.toDataURL('image/png')
    a.download = name
    a.click()
  }
  img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(text)}`
}
