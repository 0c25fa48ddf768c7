import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { useState } from 'react'
import type { OeeEvent, OeePeriod, OeeSite } from '../../../../preload/contract'
import { useClient } from '../../app/client-context'
import { ChartPanel, Gauge, Pareto, StateTimeline, TrendBars, Waterfall } from './OeeCharts'
import type { OeeRanges } from '../../../../preload/contract'
import { reportCsv } from './oee-csv'
import { csvCell, downloadText, hoursMinutes, mins, pct, PRESETS, presetRange, type RangePreset } from './oee-range'
import { formatPlantTime, fromPlantInput, toPlantInput } from './plant-time'
import { OeeSettingsPanel } from './settings/OeeSettingsPanel'
import { StopsPanel } from './StopsPanel'
import { UncodedQueue } from './UncodedQueue'
import './oee.css'
import { queryKey } from '../../bridge/queries'

function rangeLabel(preset: RangePreset, ranges: OeeRanges | undefined, picked: { from: number } | null): string {
  if (preset === 'shift' && ranges?.currentShift) return `${ranges.currentShift.label}${ranges.currentShift.running ? '' : ' (ended)'}: `
  if (preset === 'previous' && ranges?.previousShift) return `${ranges.previousShift.label}: `
  if (preset === 'pick' && picked) return `${ranges?.shifts.find((s) => s.from === picked.from)?.label ?? 'Shift'}: `
  return ''
}

function eventsCsv(events: OeeEvent[]): string {
  const head = 'id,machine,start,end,duration_s,state,fault_code,minor,reason,comment'
  const rows = events.map((e) =>
    [e.id, e.machine, new Date(e.start).toISOString(), new Date(e.end).toISOString(), e.durationS, e.state, e.faultCode, e.minor, e.reasonLabel, e.comment]
      .map(csvCell)
      .join(','),
  )
  return [head, ...rows].join('\n') + '\n'
}

type LineFigures = Pick<OeePeriod, 'machines' | 'line' | 'bottleneck' | 'output'>

/** The bottleneck machine by its name, with its own loss; a dash when the line has none. */
function bottleneckText({ bottleneck, machines }: LineFigures): string {
  if (!bottleneck) return '—'
  return `${machines.find((m) => m.machine === bottleneck.machine)?.name ?? bottleneck.machine} (${mins(bottleneck.ownLossMin)} own loss)`
}

/** One line's machines and the line itself (figures at its bottleneck). */
function LineTable({ label, period: summary, lineLabel = 'Line' }: { label: string; period: LineFigures; lineLabel?: string }): React.JSX.Element {
  return (
    <table className="oee-table oee-overview" aria-label={label}>
      <thead>
        <tr>
          <th>Machine</th>
          <th>Availability</th>
          <th>Performance</th>
          <th>Quality</th>
          <th>OEE</th>
          <th>Planned</th>
          <th>No data</th>
          <th>Good / reject</th>
          <th>Blocked+starved</th>
          <th>Flags</th>
        </tr>
      </thead>
      <tbody>
        {summary.machines.map((m) => (
          <tr key={m.machine}>
            <th scope="row">
              {m.name}
              {summary.bottleneck?.machine === m.machine && <span className="oee-badge">bottleneck</span>}
            </th>
            {(['availability', 'performance', 'quality', 'oee'] as const).map((k) => (
              <td key={k}>
                <Gauge label={`${m.name} ${k}`} value={m[k]} size={48} /> <span>{pct(m[k])}</span>
              </td>
            ))}
            <td>{mins(m.plannedProductionMin)}</td>
            <td>{hoursMinutes(m.noDataMin)}</td>
            <td>
              {m.counts.good} / {m.counts.reject}
            </td>
            <td>{mins(m.blockedStarvedMin)}</td>
            <td>{m.flags.join(', ')}</td>
          </tr>
        ))}
        <tr className="oee-line-row">
          <th scope="row">Line {summary.bottleneck ? `(at ${summary.bottleneck.machine.replace(/^.*\./, '')})` : ''}</th>
          {(['availability', 'performance', 'quality', 'oee'] as const).map((k) => (
            <td key={k}>
              <Gauge label={`${lineLabel} ${k}`} value={summary.line[k]} size={56} /> <strong>{pct(summary.line[k])}</strong>
            </td>
          ))}
          <td />
          <td />
          <td>
            {summary.output.good} good of {summary.output.total}
          </td>
          <td colSpan={2}>Bottleneck: {bottleneckText(summary)}</td>
        </tr>
      </tbody>
    </table>
  )
}

/** Every line's own figures and the site's, then each line's machines. */
function AllLines({ site }: { site: OeeSite }): React.JSX.Element {
  const keys = ['availability', 'performance', 'quality', 'oee'] as const
  return (
    <>
      <table className="oee-table oee-overview" aria-label="OEE per line and site">
        <thead>
          <tr>
            <th>Line</th>
            <th>Availability</th>
            <th>Performance</th>
            <th>Quality</th>
            <th>OEE</th>
            <th>Output</th>
            <th>Bottleneck</th>
          </tr>
        </thead>
        <tbody>
          {site.lines.map((l) => (
            <tr key={l.id}>
              <th scope="row">{l.name}</th>
              {keys.map((k) => (
                <td key={k}>
                  <Gauge label={`${l.name} ${k}`} value={l.line[k]} size={48} /> <span>{pct(l.line[k])}</span>
                </td>
              ))}
              <td>
                {l.output.good} good of {l.output.total}
              </td>
              <td>{bottleneckText(l)}</td>
            </tr>
          ))}
          <tr className="oee-line-row">
            <th scope="row">Site</th>
            {keys.map((k) => (
              <td key={k}>
                <Gauge label={`Site ${k}`} value={site[k]} size={56} /> <strong>{pct(site[k])}</strong>
              </td>
            ))}
            <td colSpan={2} className="muted small">
              Each line weighted by its planned production time ({mins(site.plannedProductionMin)})
            </td>
          </tr>
        </tbody>
      </table>
      {site.lines.map((l) => (
        <div key={l.id}>
          <h2 className="oee-line-heading">{l.name}</h2>
          <LineTable label={`OEE of ${l.name}`} period={l} lineLabel={`${l.name} line`} />
        </div>
      ))}
    </>
  )
}

const TABS = [
  { id: 'overview', label: 'Overview' },
  { id: 'stops', label: 'Stops' },
  { id: 'settings', label: 'Settings' },
] as const
type Tab = (typeof TABS)[number]['id']

/** OEE of the lines and the site from the historian (a line picker when there are several): overview (numbers, gauges, trend, losses, Pareto, states, uncoded queue), stops (split, merge, history) and settings. */
export function OeeView(): React.JSX.Element {
  const client = useClient()
  const [tab, setTab] = useState<Tab>('overview')
  const [settingsSection, setSettingsSection] = useState<'no-data' | undefined>(undefined)
  // A stop picked on the state timeline: the Stops tab opens its split dialog at that time.
  const [splitRequest, setSplitRequest] = useState<{ machine: string; at: number } | null>(null)
  const [preset, setPreset] = useState<RangePreset>('shift')
  const [picked, setPicked] = useState<{ from: number; to: number } | null>(null)
  const [custom, setCustom] = useState(() => ({ from: Date.now() - 24 * 3_600_000, to: Date.now() }))
  const [by, setBy] = useState<'shift' | 'day' | 'week'>('shift')
  const [paretoBy, setParetoBy] = useState<'minutes' | 'count'>('minutes')
  const [waterfallMachine, setWaterfallMachine] = useState<string | null>(null)
  // null: the default — all lines when there are several; 'all', or a line id.
  const [lineChoice, setLineChoice] = useState<string | null>(null)
  const settings = useQuery({ queryKey: queryKey('oee', 'settings'), queryFn: () => client.call('oee.settings') })
  const lines = settings.data?.lines.map((l) => ({ id: l.id, name: l.name })) ?? []
  const several = lines.length > 1
  const chosen = lineChoice !== null && lineChoice !== 'all' && lines.some((l) => l.id === lineChoice) ? lineChoice : null
  const allLines = several && chosen === null
  const lineInput = chosen !== null ? { line: chosen } : {}
  const ranges = useQuery({ queryKey: queryKey('oee', 'ranges'), queryFn: () => client.call('oee.ranges'), refetchInterval: 60_000 })
  const timeZone = ranges.data?.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone
  const range = (): { from: number; to: number } | null =>
    preset === 'custom' ? custom : preset === 'pick' ? picked : presetRange(preset, Date.now(), ranges.data)
  const live = preset !== 'custom' && preset !== 'pick' && preset !== 'previous'
  const rangeKey = [preset, preset === 'custom' ? custom : preset === 'pick' ? picked : ranges.data?.currentShift?.from, ranges.dataUpdatedAt]

  const report = useQuery({
    queryKey: queryKey('oee', 'report', ...rangeKey, by, chosen),
    queryFn: () => client.call('oee.report', { ...range()!, by, ...lineInput }),
    placeholderData: keepPreviousData,
    refetchInterval: live ? 10_000 : false,
    enabled: range() !== null,
  })
  const r = report.data
  const window = r ? { from: r.from, to: r.to } : (range() ?? { from: Date.now() - 3_600_000, to: Date.now() })
  const uncoded = useQuery({
    queryKey: queryKey('oee', 'uncoded', ...rangeKey, chosen),
    queryFn: () => client.call('oee.events', { ...range()!, uncodedOnly: true, ...lineInput }),
    placeholderData: keepPreviousData,
    refetchInterval: live ? 10_000 : false,
    enabled: range() !== null,
  })
  const pareto = useQuery({
    queryKey: queryKey('oee', 'pareto', window.from, window.to, uncoded.dataUpdatedAt, chosen),
    queryFn: () => client.call('oee.pareto', { ...window, ...lineInput }),
    placeholderData: keepPreviousData,
    enabled: uncoded.isSuccess,
  })
  const reasons = useQuery({ queryKey: queryKey('oee', 'reasons'), queryFn: () => client.call('oee.reasons') })
  const exportEvents = async (): Promise<void> =>
    downloadText('oee-events.csv', eventsCsv(await client.call('oee.events', { ...window, includeMinor: true, ...lineInput })))

  const summary = r?.summary
  // The period as the PNG headings name it: a chart saved from here says what and when on its own.
  const pngPeriod = r ? `${formatPlantTime(r.from, r.timeZone)} – ${formatPlantTime(r.to, r.timeZone)} (${r.timeZone})` : ''
  const wfMachine = summary?.machines.find((m) => m.machine === (waterfallMachine ?? summary.bottleneck?.machine)) ?? summary?.machines[0]
  const noShift = ranges.data && (preset === 'shift' || preset === 'previous') && range() === null
  // Machines share a recorder, so their no-data time is nearly always the same: the largest is the figure shown.
  const noDataMin = summary ? Math.max(0, ...summary.machines.map((m) => m.noDataMin)) : 0

  return (
    <div className="oee-view">
      <header className="oee-toolbar panel">
        <h1>OEE</h1>
        <div role="tablist" aria-label="OEE sections" className="oee-subtabs">
          {TABS.map((t) => (
            <button
              key={t.id}
              type="button"
              role="tab"
              aria-selected={tab === t.id}
              className={tab === t.id ? 'active' : undefined}
              onClick={() => {
                setTab(t.id)
                setSettingsSection(undefined)
              }}
            >
              {t.label}
            </button>
          ))}
        </div>
        {tab !== 'settings' && (
          <>
            {several && (
              <select aria-label="Line" value={chosen ?? 'all'} onChange={(e) => setLineChoice(e.target.value)}>
                <option value="all">All lines</option>
                {lines.map((l) => (
                  <option key={l.id} value={l.id}>
                    {l.name}
                  </option>
                ))}
              </select>
            )}
            <div role="group" aria-label="Range">
              {PRESETS.map((p) => (
                <button
                  key={p.id}
                  type="button"
                  className={preset === p.id ? 'active' : undefined}
                  aria-pressed={preset === p.id}
                  onClick={() => setPreset(p.id)}
                >
                  {p.label}
                </button>
              ))}
            </div>
            <select
              aria-label="Pick a shift"
              value={preset === 'pick' && picked ? String(picked.from) : ''}
              onChange={(e) => {
                const s = ranges.data?.shifts.find((x) => String(x.from) === e.target.value)
                if (s) {
                  setPicked({ from: s.from, to: s.to })
                  setPreset('pick')
                }
              }}
            >
              <option value="">Pick a shift…</option>
              {ranges.data?.shifts.map((s) => (
                <option key={s.from} value={String(s.from)}>
                  {s.label}
                </option>
              ))}
            </select>
            {preset === 'custom' && (
              <span>
                <input
                  type="datetime-local"
                  aria-label="From"
                  value={toPlantInput(custom.from, timeZone).slice(0, 16)}
                  onChange={(e) => setCustom((c) => ({ ...c, from: fromPlantInput(e.target.value, timeZone) ?? c.from }))}
                />
                <input
                  type="datetime-local"
                  aria-label="To"
                  value={toPlantInput(custom.to, timeZone).slice(0, 16)}
                  onChange={(e) => setCustom((c) => ({ ...c, to: fromPlantInput(e.target.value, timeZone) ?? c.to }))}
                />
              </span>
            )}
            <label>
              Trend per{' '}
              <select aria-label="Trend per" value={by} onChange={(e) => setBy(e.target.value as typeof by)}>
                <option value="shift">shift</option>
                <option value="day">day</option>
                <option value="week">week</option>
              </select>
            </label>
            <button type="button" disabled={!r} onClick={() => r && downloadText('oee-report.csv', reportCsv(r))}>
              Export report CSV
            </button>
            <button type="button" onClick={() => void exportEvents()}>
              Export events CSV
            </button>
            <span className="muted" role="status" aria-label="OEE range">
              {r
                ? `${rangeLabel(preset, ranges.data, picked)}${formatPlantTime(r.from, timeZone)} – ${formatPlantTime(r.to, timeZone)} (${r.timeZone})`
                : noShift
                  ? 'The calendar has no shift here'
                  : 'Computing…'}
            </span>
          </>
        )}
      </header>
      {tab === 'settings' && <OeeSettingsPanel initialSection={settingsSection} />}
      {tab === 'stops' && r && (
        <StopsPanel
          range={{ from: r.from, to: r.to }}
          timeZone={r.timeZone}
          live={live}
          splitRequest={splitRequest}
          onSplitRequestHandled={() => setSplitRequest(null)}
          line={chosen ?? undefined}
        />
      )}
      {tab === 'overview' && (
        <>
          {report.error && <p role="alert">OEE could not be computed: {report.error.message}</p>}
          {summary && (
            <section className="panel" aria-label="Overview">
              {noDataMin > 0 && (
                <p className="oee-no-data" role="status" aria-label="No data">
                  <span className="oee-no-data-swatch" aria-hidden="true" />
                  <span className="oee-no-data-figure">No data: {hoursMinutes(noDataMin)}</span>
                  <span className="muted">
                    {r.noDataTime === 'exclude'
                      ? 'of planned time with nothing recorded — left out of planned time; availability, performance and OEE are over the recorded time.'
                      : 'of planned time with nothing recorded — counted as breakdown.'}
                  </span>
                  <button
                    type="button"
                    className="ghost"
                    onClick={() => {
                      setSettingsSection('no-data')
                      setTab('settings')
                    }}
                  >
                    Change…
                  </button>
                </p>
              )}
              {allLines ? <AllLines site={r.site} /> : <LineTable label="OEE per machine and line" period={summary} />}
              {r.warnings.length > 0 && <p className="muted small">{r.warnings.join(' · ')}</p>}
            </section>
          )}
          {r && summary && !allLines && (
            <div className="oee-grid">
              <ChartPanel title={`OEE trend per ${by}`} file="oee-trend.png" heading={{ title: `OEE trend per ${by} — ${r.line}`, subtitle: pngPeriod }}>
                {(ref) => <TrendBars periods={r.periods} svgRef={ref} />}
              </ChartPanel>
              {wfMachine && (
                <ChartPanel
                  title="Loss waterfall"
                  file="oee-waterfall.png"
                  heading={{ title: `Loss waterfall — ${wfMachine.name} (${r.line})`, subtitle: pngPeriod }}
                  extra={
                    <select aria-label="Waterfall machine" value={wfMachine.machine} onChange={(e) => setWaterfallMachine(e.target.value)}>
                      {summary.machines.map((m) => (
                        <option key={m.machine} value={m.machine}>
                          {m.name}
                        </option>
                      ))}
                    </select>
                  }
                >
                  {(ref) => <Waterfall m={wfMachine} noDataTime={r.noDataTime} svgRef={ref} />}
                </ChartPanel>
              )}
              <ChartPanel
                title="Downtime Pareto"
                file="oee-pareto.png"
                heading={{ title: `Downtime Pareto (${paretoBy === 'minutes' ? 'minutes' : 'stops'}) — ${r.line}`, subtitle: pngPeriod }}
                extra={
                  <div role="group" aria-label="Pareto by">
                    <button
                      type="button"
                      aria-pressed={paretoBy === 'minutes'}
                      className={paretoBy === 'minutes' ? 'active' : undefined}
                      onClick={() => setParetoBy('minutes')}
                    >
                      Minutes
                    </button>
                    <button
                      type="button"
                      aria-pressed={paretoBy === 'count'}
                      className={paretoBy === 'count' ? 'active' : undefined}
                      onClick={() => setParetoBy('count')}
                    >
                      Count
                    </button>
                  </div>
                }
              >
                {(ref) => (
                  <Pareto
                    data={pareto.data ?? []}
                    by={paretoBy}
                    leftOutNoDataMin={r.noDataTime === 'exclude' ? summary.machines.reduce((a, m) => a + m.noDataMin, 0) : 0}
                    machines={summary.machines.length}
                    svgRef={ref}
                  />
                )}
              </ChartPanel>
              <ChartPanel
                title="Machine states"
                file="oee-states.png"
                heading={{ title: `Machine states — ${summary.machines.map((m) => m.name).join(', ')} (${r.line})`, subtitle: pngPeriod }}
              >
                {(ref) => (
                  <StateTimeline
                    report={r}
                    svgRef={ref}
                    onPickStop={(machine, at) => {
                      setSplitRequest({ machine, at })
                      setTab('stops')
                    }}
                  />
                )}
              </ChartPanel>
            </div>
          )}
          {reasons.data && <UncodedQueue events={uncoded.data ?? []} tree={reasons.data} />}
        </>
      )}
    </div>
  )
}
