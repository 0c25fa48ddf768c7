import { useEffect, useRef } from 'react'
import uPlot from 'uplot'
import type { TagInfo } from '../../../../preload/contract'
import { useUi } from '../../app/ui-store'
import { liveSeries, useLive } from '../../live/live-store'

const COLORS = ['#4cc9f0', '#f72585', '#90be6d', '#f9c74f', '#f8961e', '#b5179e', '#43aa8b', '#577590']

/** Aligns several tags' own timestamps onto one x axis, leaving gaps (null) where a tag had no sample. */
function align(tags: readonly TagInfo[], windowS: number): uPlot.AlignedData {
  const now = Date.now() / 1000
  const series = tags.map((t) => liveSeries(t.id))
  const times = new Set<number>()
  for (const s of series) s?.t.forEach((t) => t >= now - windowS && times.add(t))
  const xs = [...times].sort((a, b) => a - b)
  const index = new Map(xs.map((x, i) => [x, i]))
  const ys = series.map((s) => {
    const column: (number | null)[] = new Array(xs.length).fill(null)
    s?.t.forEach((t, i) => {
      const at = index.get(t)
      if (at !== undefined) column[at] = s.v[i]
    })
    return column
  })
  return [xs, ...ys] as uPlot.AlignedData
}

/** A live trend of the last minutes from the in-memory buffer; redraws at most once per frame. */
export function LiveChart({ tags, windowS }: { tags: readonly TagInfo[]; windowS: number }): React.JSX.Element {
  const host = useRef<HTMLDivElement>(null)
  const plot = useRef<uPlot | null>(null)
  const version = useLive((s) => s.version)
  // Canvas colours come from the theme, so the plot is rebuilt when the theme changes.
  const theme = useUi((s) => s.theme)

  useEffect(() => {
    const element = host.current
    if (!element) return
    const css = getComputedStyle(document.documentElement)
    const axis = { stroke: css.getPropertyValue('--muted').trim() || '#888', grid: { stroke: css.getPropertyValue('--border').trim() || '#333' } }
    const options: uPlot.Options = {
      width: element.clientWidth || 800,
      height: 360,
      scales: { x: { time: true } },
      series: [{}, ...tags.map((t, i) => ({ label: `${t.path.at(-1) ?? ''} ${t.name}${t.unit ? ` [${t.unit}]` : ''}`, stroke: COLORS[i % COLORS.length], width: 1.5, spanGaps: false }))],
      axes: [axis, axis],
      legend: { live: true },
    }
    plot.current = new uPlot(options, align(tags, windowS), element)
    const onResize = (): void => plot.current?.setSize({ width: element.clientWidth, height: 360 })
    window.addEventListener('resize', onResize)
    return () => {
      window.removeEventListener('resize', onResize)
      plot.current?.destroy()
      plot.current = null
    }
  }, [tags, windowS, theme])

  useEffect(() => {
    const frame = requestAnimationFrame(() => plot.current?.setData(align(tags, windowS)))
    return () => cancelAnimationFrame(frame)
  }, [version, tags, windowS])

  return <div ref={host} className="chart" role="img" aria-label={`Live trend of ${tags.map((t) => t.name).join(', ')}`} />
}
