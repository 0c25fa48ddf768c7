import { useQuery, useQueryClient } from '@tanstack/react-query'
import { useEffect, useRef, useState } from 'react'
import type { ActiveAlarm } from '../../../../preload/contract'
import { useClient } from '../../app/client-context'
import { formatDuration, formatValue } from '../../app/format'
import { AlarmJournal } from './AlarmJournal'
import { AlarmRules } from './AlarmRules'
import { AlarmTargets } from './AlarmTargets'
import { errorText, SHELVE_CHOICES, STATE_WORDS } from './alarm-words'
import { useAlarmCount } from './use-alarm-count'
import './alarms.css'
import { queryKey } from '../../bridge/queries'

const TABS = [
  { id: 'summary', label: 'Summary' },
  { id: 'journal', label: 'Journal' },
  { id: 'rules', label: 'Rules' },
  { id: 'notifications', label: 'Notifications' },
] as const
type Tab = (typeof TABS)[number]['id']

/** Alarms: the summary (acknowledge, shelve, all by keyboard), the journal, the rules and their preview, where they are sent. */
export function AlarmsView(): React.JSX.Element {
  const [tab, setTab] = useState<Tab>('summary')
  return (
    <section className="page alarms-view">
      <h1>Alarms</h1>
      <div role="tablist" aria-label="Alarm pages" className="tabs">
        {TABS.map((t) => (
          <button key={t.id} type="button" role="tab" aria-selected={tab === t.id} className={tab === t.id ? 'active' : undefined} onClick={() => setTab(t.id)}>
            {t.label}
          </button>
        ))}
      </div>
      {tab === 'summary' && <AlarmSummary />}
      {tab === 'journal' && <AlarmJournal />}
      {tab === 'rules' && <AlarmRules />}
      {tab === 'notifications' && <AlarmTargets />}
    </section>
  )
}

function AlarmSummary(): React.JSX.Element {
  const client = useClient()
  const queries = useQueryClient()
  const count = useAlarmCount()
  const [search, setSearch] = useState('')
  const [showShelved, setShowShelved] = useState(false)
  const [shelveMs, setShelveMs] = useState<number>(SHELVE_CHOICES[1].ms)
  const [current, setCurrent] = useState(0)
  const [message, setMessage] = useState<{ text: string; error?: boolean }>()
  const filter = useRef<HTMLInputElement>(null)
  const table = useRef<HTMLDivElement>(null)
  const [now, setNow] = useState(Date.now())
  const alarms = useQuery({
    queryKey: queryKey('alarms.active', search, showShelved),
    queryFn: () => client.call('alarms.active', { search: search || undefined, includeShelved: showShelved }),
  })
  // Every change the host reports (raise, clear, acknowledge, shelve) refreshes the summary.
  useEffect(() => {
    void queries.invalidateQueries({ queryKey: queryKey('alarms.active') })
  }, [count, queries])
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000)
    return () => clearInterval(timer)
  }, [])
  const rows = alarms.data ?? []
  const selected: ActiveAlarm | undefined = rows[Math.min(current, rows.length - 1)]

  const act = async (what: 'acknowledge' | 'shelve', alarm: ActiveAlarm | undefined): Promise<void> => {
    if (!alarm) return
    try {
      if (what === 'acknowledge') {
        const { acknowledged } = await client.call('alarms.acknowledge', { ruleIds: [alarm.ruleId] })
        setMessage({ text: acknowledged.length ? `Acknowledged ${alarm.name}` : `${alarm.name} was already acknowledged` })
      } else {
        await client.call('alarms.shelve', { ruleIds: [alarm.ruleId], durationMs: alarm.shelvedUntil ? 0 : shelveMs })
        setMessage({ text: alarm.shelvedUntil ? `Unshelved ${alarm.name}` : `Shelved ${alarm.name} for ${formatDuration(shelveMs)}` })
      }
    } catch (error) {
      setMessage({ text: errorText(error), error: true })
    }
    await queries.invalidateQueries({ queryKey: queryKey('alarms.active') })
  }

  const onKey = (event: React.KeyboardEvent): void => {
    const keys: Record<string, () => void> = {
      ArrowDown: () => setCurrent((c) => Math.min(rows.length - 1, c + 1)),
      ArrowUp: () => setCurrent((c) => Math.max(0, c - 1)),
      Home: () => setCurrent(0),
      End: () => setCurrent(rows.length - 1),
      a: () => void act('acknowledge', selected),
      s: () => void act('shelve', selected),
      '/': () => filter.current?.focus(),
    }
    const action = keys[event.key]
    if (action && !event.ctrlKey && !event.metaKey && !event.altKey) {
      event.preventDefault()
      action()
    }
  }

  return (
    <div className="panel alarm-summary">
      <div className="toolbar wrap">
        <label>
          Filter alarms{' '}
          <input
            ref={filter}
            type="search"
            value={search}
            placeholder="name, tag, machine"
            onChange={(e) => setSearch(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' || e.key === 'ArrowDown') {
                e.preventDefault()
                table.current?.focus()
              }
            }}
          />
        </label>
        <label>
          <input type="checkbox" checked={showShelved} onChange={(e) => setShowShelved(e.target.checked)} /> Show shelved
        </label>
        <label>
          Shelve for{' '}
          <select value={shelveMs} onChange={(e) => setShelveMs(Number(e.target.value))}>
            {SHELVE_CHOICES.map((c) => (
              <option key={c.ms} value={c.ms}>
                {c.label}
              </option>
            ))}
          </select>
        </label>
        <span className="spacer" />
        <button type="button" disabled={!selected} onClick={() => void act('acknowledge', selected)}>
          Acknowledge (A)
        </button>
        <button type="button" disabled={!selected} onClick={() => void act('shelve', selected)}>
          {selected?.shelvedUntil ? 'Unshelve (S)' : 'Shelve (S)'}
        </button>
      </div>
      <p className="muted small">↑/↓ choose an alarm, A acknowledges, S shelves or unshelves, / filters.</p>
      {message && (
        <p role="status" className={message.error ? 'error-text' : 'muted'}>
          {message.text}
        </p>
      )}
      <div ref={table} className="table-scroll" tabIndex={0} role="region" aria-label="Alarm summary" onKeyDown={onKey}>
        <table className="grid">
          <thead>
            <tr>
              <th>Severity</th>
              <th>Alarm</th>
              <th>Tag</th>
              <th>Machine</th>
              <th>State</th>
              <th>Since</th>
              <th>Value</th>
              <th>Shelved</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((a, index) => (
              <tr
                key={a.ruleId}
                className={`${index === current ? 'selected ' : ''}alarm-${a.state}`}
                aria-selected={index === current}
                onClick={() => {
                  setCurrent(index)
                  table.current?.focus()
                }}
              >
                <td className="num">
                  <span className={`severity severity-${a.severity >= 700 ? 'high' : a.severity >= 400 ? 'medium' : 'low'}`}>{a.severity}</span>
                </td>
                <td>
                  {a.name}
                  {a.message && <div className="muted small">{a.message}</div>}
                </td>
                <td className="mono">{a.tagId}</td>
                <td>{a.machine ?? '—'}</td>
                <td className="alarm-state">{STATE_WORDS[a.state]}</td>
                <td>{a.activeSince ? `${formatDuration(now - a.activeSince)} ago` : '—'}</td>
                <td className="num">{formatValue(a.lastValue)}</td>
                <td>{a.shelvedUntil ? `until ${new Date(a.shelvedUntil).toLocaleTimeString([], { hour12: false })}` : a.suppressed ? 'suppressed' : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {alarms.isSuccess && rows.length === 0 && <p className="empty">No active alarms{search ? ` matching “${search}”` : ''}.</p>}
        {alarms.isError && <p className="error-text">{errorText(alarms.error)}</p>}
      </div>
    </div>
  )
}
