/** Charts as inline SVG vectors: each carries its title (machine and period) inside the drawing. */

export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)

const W = 640
const ROW = 22

export interface Bar {
  label: string
  value: number
  /** A second, lighter bar (level-2 reasons, or the other period). */
  detail?: string
  /** 2: a level-2 reason under the level-1 bar before it, drawn lighter with its label in italics (SVG collapses indenting spaces). */
  level?: 1 | 2
}

/** Horizontal bars, largest first as given; values in minutes. */
export function barChart(title: string, bars: readonly Bar[], unit = 'min'): string {
  const max = Math.max(1, ...bars.map((b) => b.value))
  const left = 220
  const h = 30 + bars.length * ROW + 10
  const rows = bars
    .map((b, i) => {
      const y = 30 + i * ROW
      const w = ((W - left - 80) * b.value) / max
      const sub = b.level === 2 ? ' sub' : ''
      return `<text x="${left - 6}" y="${y + 14}" text-anchor="end" class="lbl${sub}">${escapeHtml(b.label)}</text><rect x="${left}" y="${y + 3}" width="${w.toFixed(1)}" height="${ROW - 6}" class="bar${sub}"/><text x="${(left + w + 4).toFixed(1)}" y="${y + 14}" class="val">${b.value.toFixed(0)} ${unit}</text>`
    })
    .join('')
  return svg(title, h, rows)
}

export interface WaterfallStep {
  label: string
  minutes: number
}

/** Planned production time, each loss taken away, fully productive time left. */
export function waterfall(title: string, plannedMin: number, steps: readonly WaterfallStep[]): string {
  const all = [{ label: 'Planned', minutes: plannedMin }, ...steps]
  const left = plannedMin - steps.reduce((a, s) => a + s.minutes, 0)
  const n = all.length + 1
  const colW = (W - 40) / n
  const top = 30
  const height = 180
  const scale = (m: number) => (height * m) / Math.max(1, plannedMin)
  let level = plannedMin
  const cols = all
    .map((s, i) => {
      const x = 20 + i * colW
      const y = i === 0 ? top + height - scale(plannedMin) : top + height - scale(level)
      const hgt = scale(s.minutes)
      if (i > 0) level -= s.minutes
      return `<rect x="${x + 4}" y="${y.toFixed(1)}" width="${colW - 8}" height="${Math.max(0.5, hgt).toFixed(1)}" class="${i === 0 ? 'bar' : 'loss'}"/><text x="${x + colW / 2}" y="${top + height + 14}" text-anchor="middle" class="lbl small">${escapeHtml(s.label)}</text><text x="${x + colW / 2}" y="${(y - 3).toFixed(1)}" text-anchor="middle" class="val">${s.minutes.toFixed(0)}</text>`
    })
    .join('')
  const x = 20 + all.length * colW
  const last = `<rect x="${x + 4}" y="${(top + height - scale(left)).toFixed(1)}" width="${colW - 8}" height="${Math.max(0.5, scale(left)).toFixed(1)}" class="good"/><text x="${x + colW / 2}" y="${top + height + 14}" text-anchor="middle" class="lbl small">Productive</text><text x="${x + colW / 2}" y="${(top + height - scale(left) - 3).toFixed(1)}" text-anchor="middle" class="val">${left.toFixed(0)}</text>`
  return svg(title, top + height + 24, cols + last)
}

export interface TimelineRow {
  label: string
  segments: readonly { start: number; end: number; state: string }[]
}

/** One band per machine, coloured by state, over the period. */
export function stateTimeline(title: string, from: number, to: number, rows: readonly TimelineRow[]): string {
  const left = 120
  const span = Math.max(1, to - from)
  const x = (t: number) => left + ((W - left - 10) * (Math.min(to, Math.max(from, t)) - from)) / span
  const bands = rows
    .map((r, i) => {
      const y = 30 + i * ROW
      const segs = r.segments
        .filter((s) => s.end > from && s.start < to)
        .map(
          (s) =>
            `<rect x="${x(s.start).toFixed(1)}" y="${y + 2}" width="${Math.max(0.3, x(s.end) - x(s.start)).toFixed(2)}" height="${ROW - 4}" class="st-${s.state}"/>`,
        )
        .join('')
      return `<text x="${left - 6}" y="${y + 15}" text-anchor="end" class="lbl">${escapeHtml(r.label)}</text>${segs}`
    })
    .join('')
  const states = ['running', 'idle', 'starved', 'blocked', 'faulted', 'setup', 'planned-stop', 'unknown', 'no-data']
  const ly = 30 + rows.length * ROW + 8
  const legend = states
    .map(
      (s, i) =>
        `<rect x="${left + i * 58}" y="${ly}" width="10" height="10" class="st-${s}"/><text x="${left + i * 58 + 13}" y="${ly + 9}" class="lbl small">${s}</text>`,
    )
    .join('')
  return svg(title, ly + 20, bands + legend)
}

function svg(title: string, height: number, body: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${height}" width="100%" role="img" aria-label="${escapeHtml(title)}"><title>${escapeHtml(title)}</title><text x="0" y="16" class="ttl">${escapeHtml(title)}</text>${body}</svg>`
}

export interface HeatRow {
  label: string
  /** One count per column. */
  cells: readonly number[]
}

/** A grid of counts (rows × columns), darker for more; each cell carries its number. */
export function heatmap(title: string, columns: readonly string[], rows: readonly HeatRow[]): string {
  const left = 120
  const cw = (W - left - 10) / Math.max(1, columns.length)
  const max = Math.max(1, ...rows.flatMap((r) => r.cells))
  const head = columns
    .map((c, i) => `<text x="${(left + (i + 0.5) * cw).toFixed(1)}" y="36" text-anchor="middle" class="lbl small">${escapeHtml(c)}</text>`)
    .join('')
  const body = rows
    .map((r, j) => {
      const y = 42 + j * ROW
      const cells = r.cells
        .map((n, i) => {
          const x = left + i * cw
          const shade = n === 0 ? '#f4f6f9' : `rgba(208, 96, 63, ${(0.15 + (0.85 * n) / max).toFixed(2)})`
          return `<rect x="${x.toFixed(1)}" y="${y}" width="${(cw - 1).toFixed(1)}" height="${ROW - 2}" fill="${shade}"/>${n > 0 ? `<text x="${(x + cw / 2).toFixed(1)}" y="${y + 14}" text-anchor="middle" class="val small">${n}</text>` : ''}`
        })
        .join('')
      return `<text x="${left - 6}" y="${y + 14}" text-anchor="end" class="lbl">${escapeHtml(r.label)}</text>${cells}`
    })
    .join('')
  return svg(title, 42 + rows.length * ROW + 6, head + body)
}
