import { useRef } from 'react'
import type { OeeMachineResult, OeePareto, OeePeriod, OeeReport } from '../../../../preload/contract'
import { downloadSvgAsPng, hoursMinutes, mins, NO_DATA_FILL, pct, STATE_COLORS } from './oee-range'

/** The hatch no-data time is drawn with: not a state colour, so it never reads as running or stopped. */
export function NoDataHatch(): React.JSX.Element {
  return (
    <defs>
      <pattern id="oee-no-data-hatch" width={6} height={6} patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
        <rect width={6} height={6} fill="var(--panel-2)" />
        <rect width={2.5} height={6} fill="var(--muted)" />
      </pattern>
    </defs>
  )
}

const stateFill = (state: string): string => (state === 'no-data' ? NO_DATA_FILL : STATE_COLORS[state])

/** A chart panel with a PNG download of its SVG. */
export function ChartPanel({
  title,
  children,
  file,
  extra,
  heading,
}: {
  title: string
  children: (ref: React.RefObject<SVGSVGElement | null>) => React.ReactNode
  file: string
  /** Drawn above the chart in the PNG: what it shows (machine or line) and the period. */
  heading: { title: string; subtitle: string }
  extra?: React.ReactNode
}): React.JSX.Element {
  const ref = useRef<SVGSVGElement | null>(null)
  return (
    <section className="panel oee-chart" aria-label={title}>
      <div className="oee-chart-head">
        <h2>{title}</h2>
        {extra}
        <button type="button" aria-label={`Download ${title} as PNG`} onClick={() => ref.current && downloadSvgAsPng(ref.current, file, heading)}>
          PNG
        </button>
      </div>
      {children(ref)}
    </section>
  )
}

export function Gauge({ label, value, size = 64 }: { label: string; value: number | null; size?: number }): React.JSX.Element {
  const r = size / 2 - 6
  const c = 2 * Math.PI * r
  const v = value === null ? 0 : Math.max(0, Math.min(1, value))
  const color = value === null ? 'var(--muted)' : v >= 0.85 ? 'var(--good)' : v >= 0.6 ? 'var(--warn)' : 'var(--bad)'
  return (
    <svg width={size} height={size} role="img" aria-label={`${label} ${pct(value)}`} className="oee-gauge">
      <circle cx={size / 2} cy={size / 2} r={r} fill="none" stroke="var(--border)" strokeWidth={6} />
      <circle
        cx={size / 2}
        cy={size / 2}
        r={r}
        fill="none"
        stroke={color}
        strokeWidth={6}
        strokeDasharray={`${c * v} ${c}`}
        transform={`rotate(-90 ${size / 2} ${size / 2})`}
      />
      <text x="50%" y="50%" dominantBaseline="central" textAnchor="middle" fontSize={size / 5} fill="var(--text)">
        {value === null ? '—' : `${Math.round(v * 100)}`}
      </text>
    </svg>
  )
}

export function TrendBars({ periods, svgRef }: { periods: OeePeriod[]; svgRef: React.Ref<SVGSVGElement> }): React.JSX.Element {
  const w = 560
  const h = 160
  const n = Math.max(1, periods.length)
  const bw = Math.min(60, (w - 40) / n - 4)
  return (
    <svg
      ref={svgRef}
      viewBox={`0 0 ${w} ${h}`}
      width="100%"
      height={h}
      role="img"
      aria-label={`Line OEE per period: ${periods.map((p) => `${p.label} ${pct(p.line.oee)}`).join(', ')}`}
    >
      <line x1={30} y1={h - 30} x2={w} y2={h - 30} stroke="var(--border)" />
      {[0, 0.5, 1].map((g) => (
        <text key={g} x={0} y={h - 30 - g * (h - 50) + 4} fontSize={10} fill="var(--muted)">
          {g * 100}%
        </text>
      ))}
      {periods.map((p, i) => {
        const v = p.line.oee ?? 0
        const bh = v * (h - 50)
        const x = 36 + i * ((w - 40) / n)
        return (
          <g key={p.label}>
            <rect x={x} y={h - 30 - bh} width={bw} height={bh} fill="var(--accent)">
              <title>{`${p.label}: ${pct(p.line.oee)}`}</title>
            </rect>
            <text x={x + bw / 2} y={h - 30 - bh - 3} fontSize={10} textAnchor="middle" fill="var(--text)">
              {pct(p.line.oee)}
            </text>
            <text x={x + bw / 2} y={h - 14} fontSize={9} textAnchor="middle" fill="var(--muted)">
              {p.label.length > 16 ? p.label.slice(5) : p.label}
            </text>
          </g>
        )
      })}
    </svg>
  )
}

/** Planned production time → six big losses → fully productive time. */
export function Waterfall({
  m,
  noDataTime,
  svgRef,
}: {
  m: OeeMachineResult
  noDataTime: 'exclude' | 'breakdown'
  svgRef: React.Ref<SVGSVGElement>
}): React.JSX.Element {
  // Left out: planned time − no data = the planned production time OEE is over. As breakdown: its share of breakdowns.
  const leftOut = noDataTime === 'exclude' && m.noDataMin > 0
  const noDataLoss = noDataTime === 'breakdown' ? m.noDataBreakdownMin : 0
  const steps: { label: string; value: number; kind: 'total' | 'loss' | 'no-data' }[] = [
    ...(leftOut
      ? [
          { label: 'Planned time', value: m.plannedProductionMin + m.noDataMin, kind: 'total' as const },
          { label: 'No data left out', value: m.noDataMin, kind: 'no-data' as const },
        ]
      : [{ label: 'Planned', value: m.plannedProductionMin, kind: 'total' as const }]),
    ...(noDataLoss > 0 ? [{ label: 'No data', value: noDataLoss, kind: 'no-data' as const }] : []),
    { label: 'Breakdowns', value: m.lossMin.breakdowns - noDataLoss, kind: 'loss' },
    { label: 'Setup', value: m.lossMin.setupAndAdjustments, kind: 'loss' },
    { label: 'Blocked/starved', value: m.blockedStarvedLossMin, kind: 'loss' },
    { label: 'Minor stops', value: m.lossMin.minorStops, kind: 'loss' },
    { label: 'Reduced speed', value: m.lossMin.reducedSpeed, kind: 'loss' },
    { label: 'Defects', value: m.lossMin.processDefects, kind: 'loss' },
    { label: 'Start-up rejects', value: m.lossMin.startupRejects, kind: 'loss' },
    { label: 'Fully productive', value: m.fullyProductiveMin, kind: 'total' },
  ]
  const w = Math.max(560, steps.length * 64 + 20)
  const h = 190
  const max = Math.max(1e-9, steps[0].value, ...steps.map((s) => s.value))
  const scale = (h - 60) / max
  const bw = (w - 20) / steps.length - 6
  let level = steps[0].value
  return (
    <svg
      ref={svgRef}
      viewBox={`0 0 ${w} ${h}`}
      width="100%"
      height={h}
      role="img"
      aria-label={`Loss waterfall for ${m.name}: ${steps.map((s) => `${s.label} ${mins(s.value)}`).join(', ')}`}
    >
      <NoDataHatch />
      {steps.map((s, i) => {
        const x = 10 + i * (bw + 6)
        let top: number
        let height: number
        if (s.kind === 'total') {
          top = h - 40 - s.value * scale
          height = s.value * scale
        } else {
          const after = level - s.value
          top = h - 40 - Math.max(level, after) * scale
          height = Math.abs(s.value) * scale
          level = after
        }
        return (
          <g key={s.label}>
            <rect
              x={x}
              y={top}
              width={bw}
              height={Math.max(0.5, height)}
              fill={s.kind === 'total' ? 'var(--accent)' : s.kind === 'no-data' ? NO_DATA_FILL : 'var(--bad)'}
              stroke={s.kind === 'no-data' ? 'var(--muted)' : undefined}
            />
            <text x={x + bw / 2} y={top - 3} fontSize={9} textAnchor="middle" fill="var(--text)">
              {s.value.toFixed(1)}
            </text>
            <text x={x + bw / 2} y={h - 27} fontSize={8.5} textAnchor="middle" fill="var(--muted)">
              {labelLines(s.label).map((line, k) => (
                <tspan key={k} x={x + bw / 2} dy={k === 0 ? 0 : 10}>
                  {line}
                </tspan>
              ))}
            </text>
          </g>
        )
      })}
      <text x={10} y={h - 3} fontSize={9} fill="var(--muted)">
        minutes
      </text>
    </svg>
  )
}

/** A bar label on one line, or two when long (split at the space nearest the middle). */
function labelLines(label: string): string[] {
  if (label.length <= 11 || !label.includes(' ')) return [label]
  const spaces = [...label.matchAll(/ /g)].map((m) => m.index)
  const cut = spaces.reduce((best, i) => (Math.abs(i - label.length / 2) < Math.abs(best - label.length / 2) ? i : best))
  return [label.slice(0, cut), label.slice(cut + 1)]
}

export function Pareto({
  data,
  by,
  leftOutNoDataMin = 0,
  machines = 1,
  svgRef,
}: {
  data: OeePareto
  by: 'minutes' | 'count'
  /** No-data machine time left out of planned time (summed over machines, as the bars are): not a stop, noted under the bars. */
  leftOutNoDataMin?: number
  machines?: number
  svgRef: React.Ref<SVGSVGElement>
}): React.JSX.Element {
  const rows = [...data]
    .map((c) => ({ label: c.category, value: by === 'minutes' ? c.minutes : c.events, noData: c.categoryId === null && c.category === 'No data' }))
    .sort((a, b) => b.value - a.value)
  const total = rows.reduce((a, r) => a + r.value, 0)
  const w = 560
  const rowH = 22
  const note = leftOutNoDataMin > 0
  const noteY = 10 + Math.max(rows.length, 1) * rowH + 8
  const h = Math.max(60, note ? noteY + rowH + 4 : rows.length * rowH + 20)
  const max = Math.max(1e-9, ...rows.map((r) => r.value))
  let cum = 0
  return (
    <svg
      ref={svgRef}
      viewBox={`0 0 ${w} ${h}`}
      width="100%"
      height={h}
      role="img"
      aria-label={`Downtime Pareto by ${by}: ${rows.map((r) => `${r.label} ${by === 'minutes' ? mins(r.value) : `${r.value} stops`}`).join(', ') || 'no stops'}${note ? `; no data ${hoursMinutes(leftOutNoDataMin)} of machine time left out (not a stop)` : ''}`}
    >
      <NoDataHatch />
      {rows.length === 0 && (
        <text x={10} y={24} fill="var(--muted)">
          No stops in this range
        </text>
      )}
      {rows.map((r, i) => {
        cum += r.value
        const bw = (r.value / max) * (w - 260)
        return (
          <g key={r.label} transform={`translate(0 ${10 + i * rowH})`}>
            <text x={0} y={14} fontSize={11} fill="var(--text)">
              {r.label}
            </text>
            <rect
              x={120}
              y={3}
              width={Math.max(1, bw)}
              height={14}
              fill={r.noData ? NO_DATA_FILL : r.label === 'Uncoded' ? 'var(--muted)' : 'var(--warn)'}
              stroke={r.noData ? 'var(--muted)' : undefined}
            />
            <text x={126 + bw} y={14} fontSize={10} fill="var(--text)">
              {by === 'minutes' ? mins(r.value) : `${r.value}`} · {total ? Math.round((cum / total) * 100) : 0}% cum.
            </text>
          </g>
        )
      })}
      {note && (
        <g transform={`translate(0 ${noteY})`}>
          <rect x={0} y={3} width={14} height={14} fill={NO_DATA_FILL} stroke="var(--muted)" />
          <text x={20} y={14} fontSize={11} fill="var(--muted)">
            No data {hoursMinutes(leftOutNoDataMin)} of machine time{machines > 1 ? ` (${machines} machines)` : ''}: left out of planned time, not a stop
          </text>
        </g>
      )}
    </svg>
  )
}

/** Machine states per machine; clicking a stop asks to split it there (onPickStop). */
export function StateTimeline({
  report,
  svgRef,
  onPickStop,
}: {
  report: OeeReport
  svgRef: React.Ref<SVGSVGElement>
  onPickStop?: (machine: string, at: number) => void
}): React.JSX.Element {
  const w = 900
  const rowH = 24
  const left = 80
  const h = report.timeline.length * rowH + 44
  const span = Math.max(1, report.to - report.from)
  const x = (t: number): number => left + ((t - report.from) / span) * (w - left - 10)
  const states = Object.keys(STATE_COLORS)
  return (
    <svg
      ref={svgRef}
      viewBox={`0 0 ${w} ${h}`}
      width="100%"
      height={h}
      role="img"
      aria-label={`Machine state timeline from ${new Date(report.from).toLocaleString()} to ${new Date(report.to).toLocaleString()}`}
    >
      <NoDataHatch />
      {report.timeline.map((row, i) => (
        <g key={row.machine} transform={`translate(0 ${i * rowH})`}>
          <text x={0} y={16} fontSize={11} fill="var(--text)">
            {row.machine.replace(/^.*\./, '')}
          </text>
          {row.segments.map((s) => {
            // No-data time is a stop only when it counts as breakdown; left out, there is nothing to split or code.
            const pickable = onPickStop && s.state !== 'running' && (s.state !== 'no-data' || report.noDataTime === 'breakdown')
            return (
              <rect
                key={s.start}
                x={x(s.start)}
                y={4}
                width={Math.max(0.5, x(s.end) - x(s.start))}
                height={rowH - 8}
                fill={stateFill(s.state)}
                className={pickable ? 'oee-pickable' : undefined}
                {...(pickable
                  ? {
                      role: 'button',
                      tabIndex: 0,
                      'aria-label': `Split ${row.machine.replace(/^.*\./, '')} ${s.state} stop ${new Date(s.start).toLocaleTimeString()}–${new Date(s.end).toLocaleTimeString()}`,
                      onKeyDown: (e: React.KeyboardEvent) => {
                        if (e.key === 'Enter' || e.key === ' ') onPickStop!(row.machine, Math.round((s.start + s.end) / 2000) * 1000)
                      },
                    }
                  : {})}
                onClick={
                  pickable
                    ? (e) => {
                        // Screen → viewBox coordinates (the chart is scaled and centred to fit its panel).
                        const svg = e.currentTarget.ownerSVGElement
                        const ctm = svg?.getScreenCTM()
                        const vx = svg && ctm ? new DOMPoint(e.clientX, e.clientY).matrixTransform(ctm.inverse()).x : x(s.start)
                        const t = report.from + ((vx - left) / (w - left - 10)) * span
                        onPickStop!(row.machine, Math.round(Math.min(s.end - 1000, Math.max(s.start + 1000, t)) / 1000) * 1000)
                      }
                    : undefined
                }
              >
                <title>{`${s.state === 'no-data' ? 'no data' : s.state}${s.faultCode ? ` (fault ${s.faultCode})` : ''}: ${new Date(s.start).toLocaleTimeString()}–${new Date(s.end).toLocaleTimeString()}${pickable ? ' — click to split this stop here' : ''}`}</title>
              </rect>
            )
          })}
        </g>
      ))}
      <text x={left} y={report.timeline.length * rowH + 12} fontSize={9} fill="var(--muted)">
        {new Date(report.from).toLocaleString()}
      </text>
      <text x={w - 10} y={report.timeline.length * rowH + 12} fontSize={9} textAnchor="end" fill="var(--muted)">
        {new Date(report.to).toLocaleString()}
      </text>
      <g transform={`translate(${left} ${report.timeline.length * rowH + 22})`} aria-label="Legend">
        {states.map((s, i) => (
          <g key={s} transform={`translate(${i * 88} 0)`}>
            <rect width={10} height={10} fill={stateFill(s)} stroke={s === 'no-data' ? 'var(--muted)' : undefined} />
            <text x={14} y={9} fontSize={10} fill="var(--text)">
              {s === 'no-data' ? 'no data' : s}
            </text>
          </g>
        ))}
      </g>
    </svg>
  )
}
