import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { useMemo, useRef, useState } from 'react'
import type uPlot from 'uplot'
import type { NoDataSpan, TagInfo } from '../../../../preload/contract'
import { downloadCanvas, titledCanvas } from '../../app/chart-png'
import { useClient } from '../../app/client-context'
import { formatTime, formatValue, tagDisplayName } from '../../app/format'
import { HistoryExport } from './HistoryExport'
import { RecordingPanel } from './RecordingPanel'
import { TrendChart, type AlignedData } from './TrendChart'
import { alignPens, bucketsToPoints, isStepped, noDataAt, rawToPoints, toCsv, type PenPoints } from './trend-series'
import { COMPARE_OFFSETS, LIVE_SPANS, MAX_PENS, PEN_COLORS, useTrend, windowOf } from './trend-store'
import { useChannelQuery, queryKey } from '../../bridge/queries'

/** Ranges up to this span are drawn from raw samples (with their quality); longer ones from buckets. */
const RAW_SPAN_MS = 10 * 60_000
const QUALITY = ['good', 'uncertain', 'bad'] as const

function download(name: string, href: string): void {
  const a = document.createElement('a')
  a.href = href
  a.download = name
  a.click()
}

function PenPicker({ tags }: { tags: TagInfo[] }): React.JSX.Element {
  const [search, setSearch] = useState('')
  const penIds = useTrend((s) => s.penIds)
  const addPen = useTrend((s) => s.addPen)
  const needle = search.trim().toLowerCase()
  const matches = tags.filter((t) => !penIds.includes(t.id) && (!needle || t.id.toLowerCase().includes(needle))).slice(0, 200)
  return (
    <section className="panel pen-panel" aria-label="Add pens">
      <h1>Trends</h1>
      <input type="search" aria-label="Find a tag to add as a pen" placeholder="Find a tag…" value={search} onChange={(e) => setSearch(e.target.value)} />
      <p className="muted small">Click + or drag a tag onto the chart. Up to {MAX_PENS} pens.</p>
      <ul className="pen-list" aria-label="Tags">
        {matches.map((t) => (
          <li key={t.id} draggable onDragStart={(e) => e.dataTransfer.setData('text/x-otw-tag', t.id)}>
            <button type="button" className="ghost" aria-label={`Add ${t.id}`} disabled={penIds.length >= MAX_PENS} onClick={() => addPen(t.id)}>
              +
            </button>
            <span title={t.id}>{tagDisplayName(t)}</span>
            {t.unit && <span className="muted"> [{t.unit}]</span>}
          </li>
        ))}
      </ul>
      <RecordingPanel />
    </section>
  )
}

/** Pens from the tag list, a live or fixed window, history at the chart's resolution, a cursor readout. */
export function TrendsView(): React.JSX.Element {
  const client = useClient()
  const tagsQuery = useChannelQuery('tags.list')
  const tags = useMemo(() => (tagsQuery.data ?? []).filter((t) => t.dataType !== 'string'), [tagsQuery.data])
  const { penIds, range, compareMs, fixedScale, saved, addPen, removePen, setRange, setCompare, setFixedScale, saveView, loadView } = useTrend()
  const pens = useMemo(() => penIds.map((id) => tags.find((t) => t.id === id)).filter((t): t is TagInfo => t !== undefined), [penIds, tags])
  const [cursor, setCursor] = useState<{ index: number | null; time: number | null }>({ index: null, time: null })
  const [viewName, setViewName] = useState('')
  const plot = useRef<uPlot | null>(null)
  const width = Math.max(200, Math.min(4000, plot.current?.bbox.width ? Math.round(plot.current.bbox.width / devicePixelRatio) : 1200))

  const now = Date.now()
  const window = windowOf(range, range.mode === 'live' ? now : 0)
  const span = window.to - window.from
  const history = useQuery({
    queryKey: queryKey('history', 'trend', penIds, range, compareMs, width),
    enabled: penIds.length > 0,
    placeholderData: keepPreviousData,
    refetchInterval: range.mode === 'live' ? 1000 : false,
    queryFn: async () => {
      const w = windowOf(range, Date.now())
      type LoadedPen = PenPoints & { q?: number[]; noData: NoDataSpan[] }
      const shifted = (spans: NoDataSpan[], shift: number): NoDataSpan[] =>
        spans.map((span) => ({ ...span, from: span.from + shift, to: span.to === null ? null : span.to + shift }))
      const load = async (from: number, to: number, shift: number): Promise<LoadedPen[]> => {
        if (to - from <= RAW_SPAN_MS) {
          const raw = await client.call('history.raw', { tagIds: penIds, from, to })
          return penIds.map((id) => {
            const s = raw.find((r) => r.tagId === id)
            const points = s ? rawToPoints(s.t, s.v, s.q) : { x: [], y: [], q: [] }
            return { ...points, x: points.x.map((x) => x + shift / 1000), noData: shifted(s?.noData ?? [], shift) }
          })
        }
        const buckets = await client.call('history.buckets', { tagIds: penIds, from, to, buckets: width })
        return penIds.map((id, i) => {
          const s = buckets.find((b) => b.tagId === id)
          const points = s ? bucketsToPoints(s, isStepped(pens[i] ?? { dataType: 'float64' })) : { x: [], y: [] }
          return { ...points, x: points.x.map((x) => x + shift / 1000), noData: shifted(s?.noData ?? [], shift) }
        })
      }
      const current = await load(w.from, w.to, 0)
      const ghosts = compareMs > 0 ? await load(w.from - compareMs, w.to - compareMs, compareMs) : []
      const aligned = alignPens([...current, ...ghosts]) as AlignedData
      // Quality per pen, on the shared x axis (raw ranges only; buckets summarise it away).
      const qualities = current.map((pen) => {
        const byTime = new Map(pen.x.map((x, i) => [x, pen.q?.[i]]))
        return aligned[0].map((x) => byTime.get(x))
      })
      return { aligned, qualities, noData: current.map((pen) => pen.noData), raw: w.to - w.from <= RAW_SPAN_MS, window: w }
    },
  })

  // While the pens change, the previous answer (kept to avoid a blank chart) may have other columns: draw nothing then.
  const columns = 1 + pens.length * (compareMs > 0 ? 2 : 1)
  const data: AlignedData =
    history.data && history.data.aligned.length === columns ? history.data.aligned : ([[], ...Array.from({ length: columns - 1 }, () => [])] as AlignedData)
  const shownWindow = range.mode === 'live' ? (history.data?.window ?? window) : window
  const readoutIndex = cursor.index ?? (data[0].length > 0 ? data[0].length - 1 : null)
  const noData = history.data && history.data.aligned.length === columns ? history.data.noData : []
  // The readout says "no data" wherever the cursor is inside a span, not only on the point that marks it.
  const readoutTime = cursor.index !== null && cursor.time !== null ? cursor.time : readoutIndex !== null ? data[0][readoutIndex] * 1000 : undefined
  const valueAt = (column: (number | null | undefined)[] | undefined, index: number | null): number | null | undefined => {
    if (!column || index === null) return undefined
    for (let i = index; i >= 0; i--) if (column[i] !== undefined) return column[i]
    return undefined
  }

  const exportCsv = (): void => {
    const names = pens.map((p) => p.id)
    const visible = data.slice(0, pens.length + 1) as AlignedData
    const quality = pens.map((_, i) => ({ quality: history.data?.qualities[i], noData: noData[i] ?? [] }))
    download(
      `trend-${new Date().toISOString().replace(/[:.]/g, '-')}.csv`,
      URL.createObjectURL(new Blob([toCsv(names, visible, quality)], { type: 'text/csv' })),
    )
  }
  const exportPng = (): void => {
    const canvas = plot.current?.ctx.canvas
    if (!canvas) return
    const names = pens.map((p) => `${p.name}${p.unit ? ` (${p.unit})` : ''}`).join(', ')
    const when = (t: number) => new Date(t).toLocaleString('en-CA', { dateStyle: 'short', timeStyle: 'medium', hourCycle: 'h23' })
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone
    const heading = {
      title: `Trend — ${names}`,
      subtitle: `${when(shownWindow.from)} – ${when(shownWindow.to)} (${zone})${compareMs > 0 ? ', with the earlier period overlaid' : ''}`,
    }
    const titled = titledCanvas(canvas, canvas.clientWidth || canvas.width, canvas.clientHeight || canvas.height, heading)
    downloadCanvas(titled, `trend-${new Date().toISOString().replace(/[:.]/g, '-')}.png`)
  }

  return (
    <div className="trends-view">
      <PenPicker tags={tags} />
      <section
        className="panel chart-panel"
        aria-label="Trend chart"
        onDragOver={(e) => e.preventDefault()}
        onDrop={(e) => {
          const id = e.dataTransfer.getData('text/x-otw-tag')
          if (id) addPen(id)
        }}
      >
        <div className="toolbar wrap" role="toolbar" aria-label="Time range">
          {LIVE_SPANS.map((s) => (
            <button
              key={s.ms}
              type="button"
              className={range.mode === 'live' && range.spanMs === s.ms ? 'active' : undefined}
              aria-pressed={range.mode === 'live' && range.spanMs === s.ms}
              onClick={() => setRange({ mode: 'live', spanMs: s.ms })}
            >
              Last {s.label}
            </button>
          ))}
          <label>
            Compare{' '}
            <select aria-label="Compare with" value={compareMs} onChange={(e) => setCompare(Number(e.target.value))}>
              {COMPARE_OFFSETS.map((c) => (
                <option key={c.ms} value={c.ms}>
                  {c.label}
                </option>
              ))}
            </select>
          </label>
          <span className="spacer" />
          <button type="button" onClick={exportCsv} disabled={pens.length === 0}>
            Export CSV
          </button>
          <button type="button" onClick={exportPng} disabled={pens.length === 0}>
            Export PNG
          </button>
        </div>
        <div className="toolbar wrap">
          <span role="status" aria-label="Range">
            {range.mode === 'live' ? <strong className="live-badge">● Live</strong> : <strong>History</strong>} {formatTime(shownWindow.from)} →{' '}
            {formatTime(shownWindow.to)}{' '}
            <span className="muted">
              ({Math.round(span / 1000)} s{history.data ? `, ${history.data.raw ? 'raw samples' : 'buckets'}` : ''})
            </span>
          </span>
          {range.mode === 'fixed' && (
            <button type="button" onClick={() => setRange({ mode: 'live', spanMs: LIVE_SPANS[0].ms })}>
              Back to live (L)
            </button>
          )}
          <label>
            From{' '}
            <input
              type="datetime-local"
              aria-label="Custom range from"
              onChange={(e) => {
                const from = new Date(e.target.value).getTime()
                if (Number.isFinite(from)) setRange({ mode: 'fixed', from, to: Math.max(from + 1000, range.mode === 'fixed' ? range.to : Date.now()) })
              }}
            />
          </label>
          <span className="spacer" />
          <input
            type="text"
            aria-label="View name"
            placeholder="View name"
            value={viewName}
            onChange={(e) => setViewName(e.target.value)}
            style={{ minWidth: 120 }}
          />
          <button type="button" disabled={!viewName || pens.length === 0} onClick={() => saveView(viewName)}>
            Save view
          </button>
          {saved.length > 0 && (
            <select aria-label="Saved views" value="" onChange={(e) => loadView(e.target.value)}>
              <option value="">Open a saved view…</option>
              {saved.map((v) => (
                <option key={v.name} value={v.name}>
                  {v.name}
                </option>
              ))}
            </select>
          )}
        </div>
        {history.isError && (
          <p role="alert" className="error-text">
            History could not be read: {history.error.message}
          </p>
        )}
        {pens.length === 0 ? (
          <p className="empty">Add a pen: find a tag on the left and click +, or drag it onto this area.</p>
        ) : (
          <>
            <TrendChart
              pens={pens}
              data={data}
              ghosts={compareMs > 0}
              window={shownWindow}
              fixedScale={fixedScale}
              noData={noData.flat()}
              onWindow={(w) => setRange({ mode: 'fixed', ...w })}
              onCursor={(index, time) => setCursor({ index, time })}
              onLive={() => setRange({ mode: 'live', spanMs: range.mode === 'live' ? range.spanMs : LIVE_SPANS[0].ms })}
              chartRef={(u) => (plot.current = u)}
            />
            <p className="muted small">Wheel: zoom · Shift+wheel or ←/→: pan · drag: zoom to selection · double-click or L: live · +/−: zoom</p>
            <HistoryExport tagIds={penIds} window={shownWindow} />
            <table className="grid readout" aria-label="Cursor readout">
              <thead>
                <tr>
                  <th>Pen</th>
                  <th className="num">Value</th>
                  <th>Quality</th>
                  <th>At</th>
                  <th>Scale</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {pens.map((pen, i) => {
                  const gap = readoutTime === undefined ? undefined : noDataAt(noData[i] ?? [], readoutTime)
                  const v = gap ? null : valueAt(data[i + 1], readoutIndex)
                  const q = readoutIndex === null ? undefined : history.data?.qualities[i]?.[readoutIndex]
                  const at = gap ? readoutTime : readoutIndex !== null ? data[0][readoutIndex] * 1000 : undefined
                  const unit = pen.unit ?? ''
                  return (
                    <tr key={pen.id}>
                      <td>
                        <span className="swatch" style={{ background: PEN_COLORS[i % PEN_COLORS.length] }} /> <span title={pen.id}>{tagDisplayName(pen)}</span>
                      </td>
                      <td className="num">{formatValue(v ?? null, pen.unit, pen.enumLabels)}</td>
                      <td>
                        {gap
                          ? `no data${gap.reason ? ` — ${gap.reason}` : ''}`
                          : q !== undefined
                            ? QUALITY[q]
                            : v === null
                              ? 'gap'
                              : history.data?.raw
                                ? '—'
                                : 'bucket'}
                      </td>
                      <td className="muted">{formatTime(at)}</td>
                      <td>
                        <label>
                          <input
                            type="checkbox"
                            checked={fixedScale[unit] !== undefined}
                            onChange={(e) => setFixedScale(unit, e.target.checked ? { min: pen.range?.low ?? 0, max: pen.range?.high ?? 100 } : undefined)}
                          />{' '}
                          fixed {pen.range ? `${pen.range.low}…${pen.range.high}` : ''}
                        </label>
                      </td>
                      <td>
                        <button type="button" className="ghost" aria-label={`Remove ${pen.id}`} onClick={() => removePen(pen.id)}>
                          ×
                        </button>
                      </td>
                    </tr>
                  )
                })}
              </tbody>
            </table>
          </>
        )}
      </section>
    </div>
  )
}
