// Chart PNGs carry their own title and period: a file saved from a view must say what and when without the screen.

/** Heading drawn above a chart in its PNG: what it shows (machine or line) and the period, so the file stands alone. */
export interface PngHeading {
  title: string
  subtitle: string
}

const HEADING_PX = 44

/** A canvas with the heading band on top and the chart (any image source, size in CSS pixels) below, at 2x. */
export function titledCanvas(source: CanvasImageSource, width: number, height: number, heading: PngHeading): HTMLCanvasElement {
  const style = getComputedStyle(document.documentElement)
  const canvas = document.createElement('canvas')
  canvas.width = Math.max(1, Math.round(width * 2))
  canvas.height = Math.max(1, Math.round((height + HEADING_PX) * 2))
  const ctx = canvas.getContext('2d')!
  ctx.fillStyle = style.getPropertyValue('--panel').trim() || '#fff'
  ctx.fillRect(0, 0, canvas.width, canvas.height)
  ctx.scale(2, 2)
  ctx.fillStyle = style.getPropertyValue('--text').trim() || '#1b2430'
  ctx.font = 'bold 14px sans-serif'
  ctx.textBaseline = 'top'
  ctx.fillText(heading.title, 8, 6, width - 16)
  ctx.fillStyle = style.getPropertyValue('--muted').trim() || '#5a6573'
  ctx.font = '11px sans-serif'
  ctx.fillText(heading.subtitle, 8, 25, width - 16)
  ctx.drawImage(source, 0, HEADING_PX, width, height)
  return canvas
}

export function downloadCanvas(canvas: HTMLCanvasElement, name: string): void {
  const a = document.createElement('a')
  a.href = canvas.toDataURL('image/png')
  a.download = name
  a.click()
}
