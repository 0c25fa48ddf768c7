import { useEffect, useRef } from 'react'
import uPlot from 'uplot'
import type { TagInfo } from '../../../../preload/contract'
import { useUi } from '../../app/ui-store'
import { axesByUnit, isStepped } from './trend-series'
import { PEN_COLORS, panWindow, zoomWindow } from './trend-store'

export type AlignedData = [number[], ...(number | null | undefined)[][]]

export interface TrendChartProps {
  pens: readonly TagInfo[]
  /** x then one column per pen, then (when comparing) one ghost column per pen. */
  data: AlignedData
  ghosts: boolean
  window: { from: number; to: number }
  fixedScale: Record<string, { min: number; max: number } | undefined>
  /** Stretches with no data (epoch ms; to null = still none at the window's end), shaded behind the pens. */
  noData: readonly { from: number; to: number | null }[]
  onWindow(window: { from: number; to: number }): void
  /** The data index nearest the cursor and the time under it (epoch ms), or nulls when it leaves the plot. */
  onCursor(index: number | null, time: number | null): void
  onLive(): void
  chartRef?: (plot: uPlot | null) => void
}

const stepped = uPlot.paths.stepped?.({ align: 1 })

/** Shades each stretch with no data over the plot area and labels it when there is room. */
function shadeNoData(u: uPlot, spans: TrendChartProps['noData'], windowTo: number, fill: string, text: string): void {
  if (spans.length === 0) return
  const { ctx } = u
  const { left, top, width, height } = u.bbox
  ctx.save()
  ctx.beginPath()
  ctx.rect(left, top, width, height)
  ctx.clip()
  ctx.font = `${Math.round(11 * devicePixelRatio)}px sans-serif`
  ctx.textAlign = 'center'
  for (const span of spans) {
    const x0 = u.valToPos(span.from / 1000, 'x', true)
    const x1 = u.valToPos((span.to ?? windowTo) / 1000, 'x', true)
    if (!(x1 > left) || !(x0 < left + width)) continue
    ctx.fillStyle = fill
    ctx.fillRect(x0, top, Math.max(1, x1 - x0), height)
    if (x1 - x0 > 48 * devicePixelRatio) {
      ctx.fillStyle = text
      ctx.fillText('no data', (Math.max(x0, left) + Math.min(x1, left + width)) / 2, top + 14 * devicePixelRatio)
    }
  }
  ctx.restore()
}

/**
 * The trend plot: one y axis per unit, steps for states and booleans, gaps as gaps.
 * Wheel zooms around the cursor, Shift+wheel and ←/→ pan, drag zooms to the selection, double-click goes live.
 */
export function TrendChart(props: TrendChartProps): React.JSX.Element {
  const host = useRef<HTMLDivElement>(null)
  const plot = useRef<uPlot | null>(null)
  const latest = useRef(props)
  latest.current = props
  const theme = useUi((s) => s.theme)
  const units = axesByUnit(props.pens)
  const shape = `${props.pens.map((p) => p.id).join('|')}#${props.ghosts}#${theme}#${JSON.stringify(props.fixedScale)}`

  useEffect(() => {
    const element = host.current
    if (!element) return
    const css = getComputedStyle(document.documentElement)
    const muted = css.getPropertyValue('--muted').trim() || '#888'
    const grid = css.getPropertyValue('--border').trim() || '#333'
    const text = css.getPropertyValue('--text').trim() || '#ddd'
    const noDataFill = theme === 'light' ? 'rgba(90, 90, 110, 0.14)' : 'rgba(200, 200, 220, 0.12)'
    const { pens, ghosts, fixedScale } = latest.current
    const scales: uPlot.Scales = { x: { time: true, auto: false } }
    units.forEach((unit) => {
      const fixed = fixedScale[unit]
      scales[`u:${unit}`] = fixed ? { auto: false, range: [fixed.min, fixed.max] } : { auto: true }
    })
    const penSeries = (tag: TagInfo, index: number, ghost: boolean): uPlot.Series => ({
      label: `${ghost ? 'earlier: ' : ''}${tag.path.at(-1) ?? ''} ${tag.name}`,
      scale: `u:${tag.unit ?? ''}`,
      stroke: PEN_COLORS[index % PEN_COLORS.length] + (ghost ? '66' : ''),
      width: ghost ? 1 : 1.5,
      dash: ghost ? [4, 4] : undefined,
      spanGaps: false,
      paths: isStepped(tag) ? stepped : undefined,
      points: { show: false },
    })
    const options: uPlot.Options = {
      width: element.clientWidth || 900,
      height: Math.max(260, element.clientHeight || 420),
      scales,
      legend: { show: false },
      cursor: { drag: { x: true, y: false, setScale: false }, focus: { prox: 16 } },
      series: [{}, ...pens.map((t, i) => penSeries(t, i, false)), ...(ghosts ? pens.map((t, i) => penSeries(t, i, true)) : [])],
      axes: [
        { stroke: muted, grid: { stroke: grid } },
        ...units.map((unit, i) => ({
          scale: `u:${unit}`,
          label: unit || '(no unit)',
          stroke: muted,
          side: i % 2 === 0 ? 3 : 1,
          grid: { show: i === 0, stroke: grid },
        })),
      ],
      hooks: {
        setSelect: [
          (u) => {
            if (u.select.width < 4) return
            const from = u.posToVal(u.select.left, 'x') * 1000
            const to = u.posToVal(u.select.left + u.select.width, 'x') * 1000
            u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false)
            latest.current.onWindow({ from: Math.round(from), to: Math.round(to) })
          },
        ],
        setCursor: [
          (u) => {
            const left = u.cursor.left ?? -1
            latest.current.onCursor(u.cursor.idx ?? null, left >= 0 ? Math.round(u.posToVal(left, 'x') * 1000) : null)
          },
        ],
        draw: [(u) => shadeNoData(u, latest.current.noData, latest.current.window.to, noDataFill, text)],
      },
    }
    const u = new uPlot(options, latest.current.data as uPlot.AlignedData, element)
    u.setScale('x', { min: latest.current.window.from / 1000, max: latest.current.window.to / 1000 })
    plot.current = u
    props.chartRef?.(u)
    const onWheel = (event: WheelEvent): void => {
      event.preventDefault()
      const w = latest.current.window
      if (event.shiftKey) {
        latest.current.onWindow(panWindow(w, Math.sign(event.deltaY || event.deltaX) * 0.1))
        return
      }
      const at = u.posToVal(event.offsetX, 'x') * 1000
      latest.current.onWindow(zoomWindow(w, Number.isFinite(at) ? at : (w.from + w.to) / 2, event.deltaY < 0 ? 0.8 : 1.25))
    }
    const onDouble = (): void => latest.current.onLive()
    u.over.addEventListener('wheel', onWheel, { passive: false })
    u.over.addEventListener('dblclick', onDouble)
    const resize = new ResizeObserver(() => u.setSize({ width: element.clientWidth, height: Math.max(260, element.clientHeight || 420) }))
    resize.observe(element)
    return () => {
      resize.disconnect()
      u.destroy()
      plot.current = null
      props.chartRef?.(null)
    }
  }, [shape])

  useEffect(() => {
    // Data arrives already coalesced; draw it on the next frame, never more often.
    const frame = requestAnimationFrame(() => {
      const u = plot.current
      if (!u) return
      const start = performance.now()
      u.batch(() => {
        u.setData(props.data as uPlot.AlignedData, false)
        u.setScale('x', { min: props.window.from / 1000, max: props.window.to / 1000 })
      })
      // Redraw cost as a standard performance measure (read by npm run bench:trend and the browser's profiler).
      queueMicrotask(() => performance.measure('otw:trend-redraw', { start, end: performance.now() }))
    })
    return () => cancelAnimationFrame(frame)
  }, [props.data, props.window.from, props.window.to])

  return (
    <div
      ref={host}
      className="trend-chart"
      role="img"
      tabIndex={0}
      aria-label={`Trend of ${props.pens.map((p) => p.id).join(', ')}`}
      onKeyDown={(event) => {
        const w = props.window
        const keys: Record<string, () => void> = {
          ArrowLeft: () => props.onWindow(panWindow(w, -0.25)),
          ArrowRight: () => props.onWindow(panWindow(w, 0.25)),
          '+': () => props.onWindow(zoomWindow(w, (w.from + w.to) / 2, 0.5)),
          '=': () => props.onWindow(zoomWindow(w, (w.from + w.to) / 2, 0.5)),
          '-': () => props.onWindow(zoomWindow(w, (w.from + w.to) / 2, 2)),
          l: () => props.onLive(),
          End: () => props.onLive(),
        }
        const action = keys[event.key]
        if (action) {
          event.preventDefault()
          action()
        }
      }}
    />
  )
}
