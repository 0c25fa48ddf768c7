import { useEffect, useRef } from 'react'
import uPlot from 'uplot'
import type { OutputOf } from '../../../../preload/contract'
import { useUi } from '../../app/ui-store'

type Preview = OutputOf<'alarms.preview'>

/** Stretches where the rule would have been active (raised until cleared), from the replayed transitions. */
export function activeSpans(preview: Preview): Array<{ from: number; to: number }> {
  const spans: Array<{ from: number; to: number }> = []
  let since: number | null = null
  for (const t of preview.transitions) {
    const active = t.to === 'active-unacknowledged' || t.to === 'active-acknowledged'
    if (active && since === null) since = t.at
    if (!active && since !== null) {
      spans.push({ from: since, to: t.at })
      since = null
    }
  }
  if (since !== null) spans.push({ from: since, to: preview.to })
  return spans
}

/** The recorded values the rule was replayed over, its limit, and where it would have been active (shaded). */
export function AlarmPreviewChart(props: { preview: Preview; limit: number | null; unit: string }): React.JSX.Element {
  const host = useRef<HTMLDivElement>(null)
  const theme = useUi((s) => s.theme)
  const { preview, limit } = props
  useEffect(() => {
    const element = host.current
    if (!element) return
    const css = getComputedStyle(document.documentElement)
    const muted = css.getPropertyValue('--muted').trim() || '#888'
    const grid = css.getPropertyValue('--border').trim() || '#333'
    const accent = css.getPropertyValue('--accent').trim() || '#4cc9f0'
    const bad = css.getPropertyValue('--bad').trim() || '#ff4d4f'
    const fill = theme === 'light' ? 'rgba(207, 19, 34, 0.14)' : 'rgba(255, 77, 79, 0.18)'
    const spans = activeSpans(preview)
    const x = preview.series.t.map((t) => t / 1000)
    const data: uPlot.AlignedData = [x, preview.series.v, ...(limit === null ? [] : [x.map(() => limit)])]
    const u = new uPlot(
      {
        width: element.clientWidth || 800,
        height: 260,
        legend: { show: false },
        // Zoomed to what was recorded: a plant recording for minutes shows its minutes, not an empty hour.
        scales: { x: { time: true, auto: false, range: [Math.max(preview.from, preview.series.t[0] ?? preview.from) / 1000, preview.to / 1000] } },
        series: [
          {},
          { label: 'value', stroke: accent, width: 1.5, spanGaps: false, points: { show: false } },
          ...(limit === null ? [] : [{ label: 'limit', stroke: bad, width: 1, dash: [6, 4], points: { show: false } }]),
        ],
        axes: [
          { stroke: muted, grid: { stroke: grid } },
          { stroke: muted, grid: { stroke: grid }, label: props.unit || undefined },
        ],
        hooks: {
          drawClear: [
            (plot) => {
              const { ctx } = plot
              const { left, top, width, height } = plot.bbox
              ctx.save()
              ctx.fillStyle = fill
              for (const span of spans) {
                const x0 = Math.max(left, plot.valToPos(span.from / 1000, 'x', true))
                const x1 = Math.min(left + width, plot.valToPos(span.to / 1000, 'x', true))
                if (x1 > x0) ctx.fillRect(x0, top, Math.max(1, x1 - x0), height)
              }
              ctx.restore()
            },
          ],
        },
      },
      data,
      element,
    )
    const resize = new ResizeObserver(() => u.setSize({ width: element.clientWidth, height: 260 }))
    resize.observe(element)
    return () => {
      resize.disconnect()
      u.destroy()
    }
  }, [preview, limit, theme, props.unit])
  return <div ref={host} className="alarm-preview-chart" role="img" aria-label={`Preview of the rule over ${preview.series.t.length} recorded points`} />
}
