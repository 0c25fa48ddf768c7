import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useEffect, useRef, useState } from 'react'
import type { OeeEvent, OeeEventHistory } from '../../../../preload/contract'
import { useClient } from '../../app/client-context'
import { formatDuration } from '../../app/format'
import { STATE_COLORS } from './oee-range'
import { formatPlantTime, fromPlantInput, toPlantInput } from './plant-time'
import { queryKey } from '../../bridge/queries'

const short = (machine: string): string => machine.replace(/^.*\./, '')

/**
 * Every stop in the range with its code: split one at a chosen time, merge neighbours, read its history.
 * Keys: ↑/↓ move, Space select, S split, M merge the selection, H history, Esc close.
 */
export function StopsPanel({
  range,
  timeZone,
  live,
  splitRequest,
  onSplitRequestHandled,
  line,
}: {
  range: { from: number; to: number }
  /** Only this line's stops (its id); every line's when not given. */
  line?: string
  timeZone: string
  live: boolean
  /** A stop picked on the state timeline (machine and time): its split dialog opens at that time. */
  splitRequest?: { machine: string; at: number } | null
  onSplitRequestHandled?: () => void
}): React.JSX.Element {
  const client = useClient()
  const queryClient = useQueryClient()
  const [includeMinor, setIncludeMinor] = useState(false)
  const [active, setActive] = useState(0)
  const [selected, setSelected] = useState<string[]>([])
  const [splitting, setSplitting] = useState<{ event: OeeEvent; at?: number } | null>(null)
  const [historyOf, setHistoryOf] = useState<string | null>(null)
  const tableRef = useRef<HTMLTableElement>(null)

  const events = useQuery({
    queryKey: queryKey('oee', 'stops', range.from, range.to, includeMinor, line),
    queryFn: () => client.call('oee.events', { ...range, includeMinor, ...(line !== undefined ? { line } : {}) }),
    placeholderData: keepPreviousData,
    refetchInterval: live ? 10_000 : false,
  })
  const list = events.data ?? []
  const current = list[Math.min(active, list.length - 1)]
  const [pickError, setPickError] = useState<string | null>(null)
  useEffect(() => {
    if (!splitRequest || !events.data || events.isPlaceholderData) return
    const i = events.data.findIndex((e) => e.machine === splitRequest.machine && e.start < splitRequest.at && splitRequest.at < e.end)
    if (i >= 0) {
      setActive(i)
      setSplitting({ event: events.data[i], at: splitRequest.at })
      setPickError(null)
    } else
      setPickError(
        `No stop of ${short(splitRequest.machine)} at ${formatPlantTime(splitRequest.at, timeZone)} in this list — is it a minor stop? Tick "include minor stops".`,
      )
    onSplitRequestHandled?.()
  }, [splitRequest, events.data, events.isPlaceholderData, onSplitRequestHandled, timeZone])
  const history = useQuery({
    queryKey: queryKey('oee', 'history', historyOf),
    queryFn: () => client.call('oee.history', { eventId: historyOf! }),
    enabled: historyOf !== null,
  })

  const changed = (): void => {
    void queryClient.invalidateQueries({ queryKey: queryKey('oee') })
  }
  const merge = useMutation({
    mutationFn: () => client.call('oee.merge', { eventIds: selected }),
    onSuccess: (merged) => {
      setSelected([])
      setHistoryOf(merged.id)
      changed()
    },
  })

  // Recode or comment the selection (or the current stop): wrongly auto-coded stops are fixed here, with history.
  const targets = selected.length ? selected : current ? [current.id] : []
  const reasons = useQuery({ queryKey: queryKey('oee', 'reasons'), queryFn: () => client.call('oee.reasons') })
  const [recode, setRecode] = useState('')
  const [comment, setComment] = useState('')
  const apply = useMutation({
    mutationFn: async () => {
      if (recode) {
        const [categoryId, reasonId] = recode === 'none' ? [] : recode.split('/')
        await client.call('oee.code', { eventIds: targets, reason: recode === 'none' ? null : { categoryId: categoryId!, reasonId: reasonId! } })
      }
      if (comment.trim()) for (const eventId of targets) await client.call('oee.comment', { eventId, text: comment })
    },
    onSuccess: () => {
      setRecode('')
      setComment('')
      if (targets.length === 1) setHistoryOf(targets[0])
      changed()
    },
  })
  const reasonOptions = (reasons.data?.categories ?? []).flatMap((c) =>
    c.retired ? [] : c.reasons.filter((r) => !r.retired).map((r) => ({ value: `${c.id}/${r.id}`, label: `${c.name} / ${r.name}` })),
  )

  const toggle = (id: string): void => setSelected((s) => (s.includes(id) ? s.filter((x) => x !== id) : [...s, id]))
  const canMerge = selected.length >= 2 && !merge.isPending

  const onKeyDown = (e: React.KeyboardEvent): void => {
    if ((e.target as HTMLElement).tagName === 'INPUT' && (e.target as HTMLInputElement).type !== 'checkbox') return
    if (e.ctrlKey || e.metaKey || e.altKey) return
    const key = e.key.toLowerCase()
    if (e.key === 'ArrowDown') setActive((a) => Math.min(list.length - 1, a + 1))
    else if (e.key === 'ArrowUp') setActive((a) => Math.max(0, a - 1))
    else if (e.key === ' ' && current) toggle(current.id)
    else if (key === 's' && current) setSplitting({ event: current })
    else if (key === 'm' && canMerge) merge.mutate()
    else if (key === 'h' && current) setHistoryOf(current.id)
    else if (e.key === 'Escape') setHistoryOf(null)
    else return
    e.preventDefault()
  }

  return (
    <section className="panel oee-stops" aria-label="Stops">
      <div className="oee-chart-head">
        <h2>Stops ({list.length})</h2>
        <label className="small">
          <input type="checkbox" checked={includeMinor} onChange={(e) => setIncludeMinor(e.target.checked)} /> include minor stops
        </label>
        <button type="button" disabled={!current} onClick={() => current && setSplitting({ event: current })} aria-keyshortcuts="S">
          Split…
        </button>
        <button type="button" disabled={!canMerge} onClick={() => merge.mutate()} aria-keyshortcuts="M">
          Merge {selected.length >= 2 ? selected.length : ''}
        </button>
        <button type="button" disabled={!current} onClick={() => current && setHistoryOf(current.id)} aria-keyshortcuts="H">
          History
        </button>
      </div>
      <form
        className="oee-form-row"
        aria-label="Code or comment stops"
        onSubmit={(e) => {
          e.preventDefault()
          if (targets.length && (recode || comment.trim())) apply.mutate()
        }}
      >
        <select aria-label="Reason for the stops" value={recode} onChange={(e) => setRecode(e.target.value)}>
          <option value="">keep the reason</option>
          <option value="none">uncoded</option>
          {reasonOptions.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
        <input type="text" aria-label="Comment" placeholder="Comment (optional)" value={comment} onChange={(e) => setComment(e.target.value)} />
        <button type="submit" disabled={!targets.length || (!recode && !comment.trim()) || apply.isPending}>
          Apply to {targets.length} stop{targets.length === 1 ? '' : 's'}
        </button>
      </form>
      {apply.error && <p role="alert">Coding failed: {apply.error.message}</p>}
      <p className="muted small">↑/↓ move · Space select · S split the current stop · M merge the selected neighbours · H history · times in {timeZone}</p>
      {merge.error && <p role="alert">Merge failed: {merge.error.message}</p>}
      {pickError && <p role="alert">{pickError}</p>}
      {events.error && <p role="alert">Stops could not be listed: {events.error.message}</p>}
      <div className="oee-stops-body">
        <div className="oee-stops-scroll">
          <table aria-label="Stops in range" tabIndex={0} ref={tableRef} onKeyDown={onKeyDown} className="oee-table">
            <thead>
              <tr>
                <th>Sel.</th>
                <th>Machine</th>
                <th>Start</th>
                <th>End</th>
                <th>Duration</th>
                <th>State</th>
                <th>Fault</th>
                <th>Reason</th>
                <th>Comment</th>
              </tr>
            </thead>
            <tbody>
              {list.map((e, i) => (
                <tr key={e.id} aria-selected={selected.includes(e.id)} className={i === active ? 'active' : undefined} onClick={() => setActive(i)}>
                  <td>
                    <input
                      type="checkbox"
                      aria-label={`Select ${short(e.machine)} stop at ${formatPlantTime(e.start, timeZone)}`}
                      checked={selected.includes(e.id)}
                      onChange={() => toggle(e.id)}
                    />
                  </td>
                  <td>{short(e.machine)}</td>
                  <td className="time">{formatPlantTime(e.start, timeZone)}</td>
                  <td className="time">{formatPlantTime(e.end, timeZone)}</td>
                  <td className="time">{formatDuration(e.durationS * 1000)}</td>
                  <td>
                    <span className="oee-swatch" style={{ background: STATE_COLORS[e.state] }} /> {e.state}
                    {e.minor ? ' (minor)' : ''}
                  </td>
                  <td>{e.faultCode ?? ''}</td>
                  <td>{e.reasonLabel ?? <span className="muted">uncoded</span>}</td>
                  <td>{e.comment ?? ''}</td>
                </tr>
              ))}
              {list.length === 0 && (
                <tr>
                  <td colSpan={9} className="muted">
                    No stops in this range.
                  </td>
                </tr>
              )}
            </tbody>
          </table>
        </div>
        {historyOf && <HistoryPanel id={historyOf} entries={history.data} error={history.error} timeZone={timeZone} onClose={() => setHistoryOf(null)} />}
      </div>
      {splitting && (
        <SplitDialog
          event={splitting.event}
          initialAt={splitting.at}
          timeZone={timeZone}
          onClose={() => {
            setSplitting(null)
            tableRef.current?.focus()
          }}
          onDone={(id) => {
            setSplitting(null)
            setHistoryOf(id)
            changed()
            tableRef.current?.focus()
          }}
        />
      )}
    </section>
  )
}

/** Picks the split time by typing it or by clicking (or ←/→ on) the stop's own timeline; shows both parts. */
function SplitDialog({
  event,
  initialAt,
  timeZone,
  onClose,
  onDone,
}: {
  event: OeeEvent
  initialAt?: number
  timeZone: string
  onClose: () => void
  onDone: (id: string) => void
}): React.JSX.Element {
  const client = useClient()
  const middle = Math.round((event.start + event.end) / 2000) * 1000
  const [text, setText] = useState(() => toPlantInput(initialAt ?? middle, timeZone))
  const at = fromPlantInput(text, timeZone)
  const inside = at !== null && at > event.start && at < event.end
  const split = useMutation({ mutationFn: (t: number) => client.call('oee.split', { eventId: event.id, at: t }), onSuccess: () => onDone(event.id) })
  const dialogRef = useRef<HTMLDivElement>(null)
  useEffect(() => dialogRef.current?.querySelector('input')?.focus(), [])
  const w = 420
  const x = (t: number): number => ((t - event.start) / Math.max(1, event.end - event.start)) * w
  const setAt = (t: number): void => setText(toPlantInput(Math.min(event.end - 1000, Math.max(event.start + 1000, Math.round(t / 1000) * 1000)), timeZone))
  const onBarKey = (e: React.KeyboardEvent): void => {
    if (at === null) return
    const step = e.shiftKey ? 60_000 : 10_000
    if (e.key === 'ArrowLeft') setAt(at - step)
    else if (e.key === 'ArrowRight') setAt(at + step)
    else return
    e.preventDefault()
  }
  return (
    <div className="oee-dialog-backdrop" onKeyDown={(e) => e.key === 'Escape' && onClose()}>
      <div className="oee-dialog panel" role="dialog" aria-modal="true" aria-label="Split stop" ref={dialogRef}>
        <h2>
          Split {short(event.machine)} {event.state} stop
        </h2>
        <p className="muted small">
          {formatPlantTime(event.start, timeZone)} – {formatPlantTime(event.end, timeZone)} ({formatDuration(event.durationS * 1000)}), {timeZone}
        </p>
        <form
          onSubmit={(e) => {
            e.preventDefault()
            if (at !== null) split.mutate(at)
          }}
        >
          <label>
            Split at <input type="datetime-local" step={1} aria-label="Split at" value={text} onChange={(e) => setText(e.target.value)} />
          </label>
          <svg
            width={w}
            height={36}
            role="slider"
            tabIndex={0}
            aria-label="Split time on the stop's timeline"
            aria-valuemin={event.start}
            aria-valuemax={event.end}
            aria-valuenow={at ?? undefined}
            aria-valuetext={at !== null ? formatPlantTime(at, timeZone) : 'no time'}
            className="oee-split-bar"
            onKeyDown={onBarKey}
            onClick={(e) => {
              const box = e.currentTarget.getBoundingClientRect()
              setAt(event.start + ((e.clientX - box.left) / box.width) * (event.end - event.start))
            }}
          >
            <rect x={0} y={8} width={w} height={20} fill={STATE_COLORS[event.state]} opacity={0.85} />
            {at !== null && inside && <line x1={x(at)} x2={x(at)} y1={2} y2={34} stroke="var(--text)" strokeWidth={2} />}
          </svg>
          <div className="oee-split-scale" aria-hidden="true">
            <span>{formatPlantTime(event.start, timeZone).slice(11)}</span>
            <span>click or ←/→ (Shift: 1 min)</span>
            <span>{formatPlantTime(event.end, timeZone).slice(11)}</span>
          </div>
          {at !== null && inside ? (
            <p className="small">
              First part {formatDuration(at - event.start)}, second part {formatDuration(event.end - at)}
            </p>
          ) : (
            <p className="small oee-error">{at === null ? 'Type a date and time.' : 'The split time must lie inside the stop.'}</p>
          )}
          {split.error && <p role="alert">Split failed: {split.error.message}</p>}
          <div className="oee-dialog-actions">
            <button type="button" className="ghost" onClick={onClose}>
              Cancel
            </button>
            <button type="submit" disabled={at === null || split.isPending}>
              Split
            </button>
          </div>
        </form>
      </div>
    </div>
  )
}

function summary(e: OeeEvent | null): string {
  if (!e) return '—'
  return `${e.state}${e.faultCode !== undefined ? ` ${e.faultCode}` : ''}, ${formatDuration(e.durationS * 1000)}${e.reasonLabel ? `, ${e.reasonLabel}` : ''}${e.comment ? `, “${e.comment}”` : ''}`
}

function HistoryPanel({
  id,
  entries,
  error,
  timeZone,
  onClose,
}: {
  id: string
  entries: OeeEventHistory | undefined
  error: Error | null
  timeZone: string
  onClose: () => void
}): React.JSX.Element {
  return (
    <aside className="oee-history" aria-label="Stop history">
      <div className="oee-chart-head">
        <h3>History</h3>
        <button type="button" className="ghost" onClick={onClose} aria-label="Close history">
          ×
        </button>
      </div>
      <p className="muted small">{id}</p>
      {error && <p role="alert">{error.message}</p>}
      <ol>
        {(entries ?? []).map((h, i) => (
          <li key={i}>
            <strong>{h.action}</strong>{' '}
            <span className="muted">
              by {h.who}, {formatPlantTime(h.at, timeZone)}
            </span>
            <div className="small">
              {summary(h.before)} → {summary(h.after)}
            </div>
          </li>
        ))}
      </ol>
    </aside>
  )
}
