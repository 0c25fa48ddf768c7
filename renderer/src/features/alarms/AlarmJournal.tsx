import { useQuery } from '@tanstack/react-query'
import { useState } from 'react'
import { useClient } from '../../app/client-context'
import { formatValue } from '../../app/format'
import { errorText, STATE_WORDS } from './alarm-words'
import { useAlarmCount } from './use-alarm-count'
import { queryKey } from '../../bridge/queries'

const RANGES = [
  { label: 'Last hour', ms: 3_600_000 },
  { label: 'Last 24 h', ms: 86_400_000 },
  { label: 'Last 7 days', ms: 7 * 86_400_000 },
] as const

/** Every transition (who, when, value), newest first, and its export as CSV or JSON on the host. */
export function AlarmJournal(): React.JSX.Element {
  const client = useClient()
  const count = useAlarmCount()
  const [rangeMs, setRangeMs] = useState<number>(RANGES[1].ms)
  const [ruleId, setRuleId] = useState('')
  const [exported, setExported] = useState<{ text: string; error?: boolean }>()
  const journal = useQuery({
    queryKey: queryKey('alarms.journal', rangeMs, ruleId, count),
    queryFn: () => client.call('alarms.journal', { from: Date.now() - rangeMs, ruleId: ruleId || undefined, limit: 2000 }),
  })
  const exportAs = async (format: 'csv' | 'json'): Promise<void> => {
    try {
      const result = await client.call('alarms.exportJournal', { from: Date.now() - rangeMs, format })
      setExported({ text: `Exported ${result.entries} entries to ${result.file}` })
    } catch (error) {
      setExported({ text: errorText(error), error: true })
    }
  }
  return (
    <div className="panel">
      <div className="toolbar wrap">
        <label>
          Range{' '}
          <select value={rangeMs} onChange={(e) => setRangeMs(Number(e.target.value))}>
            {RANGES.map((r) => (
              <option key={r.ms} value={r.ms}>
                {r.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Rule id <input value={ruleId} onChange={(e) => setRuleId(e.target.value.trim())} placeholder="all rules" />
        </label>
        <span className="spacer" />
        <button type="button" onClick={() => void exportAs('csv')}>
          Export CSV
        </button>
        <button type="button" onClick={() => void exportAs('json')}>
          Export JSON
        </button>
      </div>
      {exported && (
        <p role="status" className={exported.error ? 'error-text' : 'muted'}>
          {exported.text}
        </p>
      )}
      <div className="table-scroll" role="region" aria-label="Alarm journal" tabIndex={0}>
        <table className="grid">
          <thead>
            <tr>
              <th>Time</th>
              <th>Rule</th>
              <th>Event</th>
              <th>From</th>
              <th>To</th>
              <th>Cause</th>
              <th>While</th>
              <th>Value</th>
              <th>Who</th>
              <th>Comment</th>
              <th>Definition</th>
            </tr>
          </thead>
          <tbody>
            {(journal.data ?? []).map((j) => (
              <tr key={j.id}>
                <td>{new Date(j.at).toLocaleString([], { hour12: false })}</td>
                <td className="mono">{j.ruleId}</td>
                <td className="mono small">{j.eventId ?? ''}</td>
                <td>{STATE_WORDS[j.from]}</td>
                <td>{STATE_WORDS[j.to]}</td>
                <td>{j.cause}</td>
                <td>{[j.shelved && 'shelved', j.suppressed && 'suppressed'].filter(Boolean).join(', ')}</td>
                <td className="num">{formatValue(j.value)}</td>
                <td>{j.who ?? 'engine'}</td>
                <td>{j.comment ?? ''}</td>
                <td>
                  {j.definition && (
                    <details>
                      <summary>Rule as it was</summary>
                      <pre className="mono small">{JSON.stringify(j.definition, null, 2)}</pre>
                    </details>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {journal.isSuccess && journal.data.length === 0 && <p className="empty">No transitions in this range.</p>}
        {journal.isError && <p className="error-text">{errorText(journal.error)}</p>}
      </div>
    </div>
  )
}
