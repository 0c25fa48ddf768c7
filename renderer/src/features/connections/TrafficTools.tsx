import { useMemo, useState } from 'react'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import type { ConnectionTraffic } from '../../../../preload/contract'
import { useClient } from '../../app/client-context'
import { queryKey } from '../../bridge/queries'
import { saveTextFile } from './save-text-file'

// The counters and the hex traffic log of a connection, for every protocol that keeps them (Modbus, S7): the columns
// and error counters come from main with the frames, so one view serves each protocol's tools.

/**
 * The connection's counters (always) and frames (only while `withFrames`: the log on screen), once a second unless
 * paused; with Reset counters and Pause.
 */
export function useConnectionTraffic(id: string, withFrames: boolean) {
  const client = useClient()
  const queryClient = useQueryClient()
  const [paused, setPaused] = useState(false)
  const traffic = useQuery({
    queryKey: queryKey('connections.traffic', id, withFrames),
    queryFn: () => client.call('connections.traffic', { id, limit: withFrames ? 2000 : 1 }),
    refetchInterval: paused ? false : 1000,
  })
  const resetCounters = useMutation({
    mutationFn: () => client.call('connections.countersReset', { id }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: queryKey('connections.traffic', id) }),
  })
  return { traffic: traffic.data, paused, togglePause: () => setPaused((p) => !p), resetCounters }
}

/** Reset counters and Pause, for the tools' header. */
export function TrafficControls({ state }: { state: ReturnType<typeof useConnectionTraffic> }): React.JSX.Element {
  return (
    <>
      <button type="button" className="ghost small" onClick={() => state.resetCounters.mutate()} disabled={state.resetCounters.isPending}>
        Reset counters
      </button>
      <button type="button" className="ghost small" aria-pressed={state.paused} onClick={state.togglePause} title="Freeze the counters and the traffic log">
        {state.paused ? 'Resume' : 'Pause'}
      </button>
    </>
  )
}

const ms = (v: number | null | undefined) => (v === null || v === undefined ? '—' : `${v.toFixed(1)} ms`)

/** Requests, responses, timeouts, the protocol's error counts and round-trip times; a bad count not 0 stands out. */
export function TrafficCounters({ traffic, label }: { traffic: ConnectionTraffic | undefined; label: string }): React.JSX.Element {
  const rtt = traffic?.rtt
  const items: { label: string; value: string | number; alert: boolean }[] = [
    ...(traffic?.counters ?? []).map((c) => ({ label: c.label, value: c.value, alert: c.problem && c.value > 0 })),
    { label: 'RTT last', value: ms(rtt?.last), alert: false },
    { label: 'RTT min / avg / max', value: `${ms(rtt?.min)} / ${ms(rtt?.avg)} / ${ms(rtt?.max)}`, alert: false },
  ]
  return (
    <dl className="counters" aria-label={label}>
      {items.map((item) => (
        <div key={item.label} className={`counter${item.alert ? ' counter-alert' : ''}`}>
          <dt>{item.label}</dt>
          <dd>{item.value}</dd>
        </div>
      ))}
    </dl>
  )
}

/** Local wall-clock time with milliseconds, as a bus monitor shows it. */
function clockTime(epochMs: number): string {
  const d = new Date(epochMs)
  const two = (n: number) => String(n).padStart(2, '0')
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`
}

/** TX frames say `sent`, answered RX frames `ok`; anything else (exception, timeout, CRC error, item errors) is a problem. */
const isProblem = (result: string) => result !== 'ok' && result !== 'sent'

/** The newest frames first, filtered by direction, each protocol column, bytes or result, and errors only; export and clear. */
export function TrafficLogView({ id, traffic, paused }: { id: string; traffic: ConnectionTraffic | undefined; paused: boolean }): React.JSX.Element {
  const client = useClient()
  const queryClient = useQueryClient()
  const frames = useMemo(() => traffic?.frames ?? [], [traffic])
  const columns = useMemo(() => traffic?.columns ?? [], [traffic])
  const [direction, setDirection] = useState<'all' | 'tx' | 'rx'>('all')
  const [fieldFilters, setFieldFilters] = useState<Record<string, string>>({})
  const [text, setText] = useState('')
  const [onlyProblems, setOnlyProblems] = useState(false)
  const shown = useMemo(() => {
    const needle = text.trim().toUpperCase()
    const wanted = Object.entries(fieldFilters)
      .map(([key, value]) => [key, value.trim().toUpperCase()] as const)
      .filter(([, value]) => value !== '')
    return frames
      .filter(
        (f) =>
          (direction === 'all' || f.direction === direction) &&
          wanted.every(([key, value]) => String(f.fields[key] ?? '').toUpperCase() === value) &&
          (!onlyProblems || isProblem(f.result)) &&
          (needle === '' || f.hex.includes(needle) || f.result.toUpperCase().includes(needle)),
      )
      .slice(-300)
      .reverse()
  }, [frames, direction, fieldFilters, text, onlyProblems])
  const exportLog = useMutation({
    mutationFn: (format: 'text' | 'csv') => client.call('connections.trafficExport', { id, format }),
    onSuccess: (file) => saveTextFile(file.fileName, file.content, file.fileName.endsWith('.csv') ? 'text/csv' : 'text/plain'),
  })
  const clear = useMutation({
    mutationFn: () => client.call('connections.trafficClear', { id }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: queryKey('connections.traffic', id) }),
  })
  return (
    <div className="modbus-tool">
      {paused && (
        <p className="small warn-text" role="status">
          Paused — the log on screen is frozen; the connection keeps logging.
        </p>
      )}
      <div className="toolbar wrap" role="group" aria-label="Traffic filter">
        <label className="inline-label">
          Direction{' '}
          <select aria-label="Direction" value={direction} onChange={(e) => setDirection(e.target.value as 'all')}>
            <option value="all">both</option>
            <option value="tx">TX (requests)</option>
            <option value="rx">RX (responses)</option>
          </select>
        </label>
        {columns.map((c) => (
          <label key={c.key} className="inline-label">
            {c.label}{' '}
            <input
              type="text"
              aria-label={`${c.label} filter`}
              size={c.key === 'service' ? 10 : 3}
              value={fieldFilters[c.key] ?? ''}
              onChange={(e) => setFieldFilters((all) => ({ ...all, [c.key]: e.target.value }))}
            />
          </label>
        ))}
        <label className="inline-label">
          Bytes or result <input type="text" className="wide" aria-label="Text filter" value={text} onChange={(e) => setText(e.target.value)} />
        </label>
        <label className="inline-label">
          <input type="checkbox" checked={onlyProblems} onChange={(e) => setOnlyProblems(e.target.checked)} /> Only errors
        </label>
        <span className="spacer" />
        <button type="button" className="ghost small" onClick={() => exportLog.mutate('text')}>
          Export log (.txt)
        </button>
        <button type="button" className="ghost small" onClick={() => exportLog.mutate('csv')}>
          Export CSV
        </button>
        <button type="button" className="ghost small" onClick={() => clear.mutate()}>
          Clear
        </button>
      </div>
      {(exportLog.error ?? clear.error) && (
        <p role="alert" className="error-text">
          {(exportLog.error ?? clear.error)!.message}
        </p>
      )}
      <div className="table-scroll traffic-table">
        <table className="grid" aria-label="Traffic log">
          <thead>
            <tr>
              <th>Time</th>
              <th>Dir</th>
              {columns.map((c) => (
                <th key={c.key} className={c.key === 'service' ? undefined : 'num'}>
                  {c.label}
                </th>
              ))}
              <th>Bytes (hex)</th>
              <th>Result</th>
              <th className="num">RTT</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((f) => (
              <tr key={f.seq} className={isProblem(f.result) ? 'traffic-problem' : undefined}>
                <td className="mono small">{clockTime(f.time)}</td>
                <td className={`mono dir-${f.direction}`}>{f.direction.toUpperCase()}</td>
                {columns.map((c) => (
                  <td key={c.key} className={typeof f.fields[c.key] === 'number' ? 'num' : 'small'}>
                    {f.fields[c.key]}
                  </td>
                ))}
                <td className="mono small hex">{f.hex || '—'}</td>
                <td className="small">{f.result}</td>
                <td className="num small">{f.rttMs === undefined ? '' : `${f.rttMs.toFixed(1)} ms`}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {shown.length === 0 && <p className="muted small">No frames{frames.length > 0 ? ' match the filter' : ' yet'}.</p>}
      </div>
    </div>
  )
}
