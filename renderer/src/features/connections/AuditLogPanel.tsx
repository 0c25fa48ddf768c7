import { useMemo, useState } from 'react'
import { useQuery } from '@tanstack/react-query'
import type { AuditEntry, TagInfo } from '../../../../preload/contract'
import { useClient } from '../../app/client-context'
import { formatDateTime24, roundToTypePrecision } from '../../app/format'
import { queryKey, useChannelQuery } from '../../bridge/queries'
import { saveTextFile } from './save-text-file'

const RESULT_QUALITY: Record<AuditEntry['result'], 'good' | 'uncertain' | 'bad'> = {
  ok: 'good',
  refused: 'uncertain',
  cancelled: 'uncertain',
  mismatch: 'bad',
  failed: 'bad',
}
const RESULTS = Object.keys(RESULT_QUALITY) as AuditEntry['result'][]

/** What a row is about, as a person names it: the tag's name (not `<connection id>:<name>`), or the published topic. */
function subjectOf(entry: AuditEntry): string {
  const prefix = `${entry.connectionId}:`
  return entry.tagId.startsWith(prefix) ? entry.tagId.slice(prefix.length) : entry.tagId
}

interface AuditRow {
  entry: AuditEntry
  subject: string
  time: string
  oldValue: string | null
  newValue: string | null
}

const csvField = (value: string | null): string => {
  const text = value ?? ''
  // A leading = + - @ would run as a formula in a spreadsheet; a quote before it keeps it text.
  const safe = /^[=+\-@\t\r]/.test(text) && Number.isNaN(Number(text)) ? `'${text}` : text
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe
}

export function auditCsv(rows: AuditRow[]): string {
  const header = ['time', 'user', 'connection', 'tag', 'address', 'old', 'new', 'result', 'message']
  const lines = rows.map((r) =>
    [r.time, r.entry.user, r.entry.connectionName, r.subject, r.entry.address, r.oldValue, r.newValue, r.entry.result, r.entry.message].map(csvField).join(','),
  )
  return [header.join(','), ...lines].join('\r\n') + '\r\n'
}

/** Every attempted write and publish, newest first: who, when, where, old → new, result and reason; filterable, exportable. */
export function AuditLogPanel(): React.JSX.Element {
  const client = useClient()
  const audit = useQuery({ queryKey: queryKey('audit.list'), queryFn: () => client.call('audit.list', { limit: 2000 }), refetchInterval: 3000 })
  const tags = useChannelQuery('tags.list', undefined, { refetchInterval: 10_000 })
  const [connection, setConnection] = useState('')
  const [result, setResult] = useState('')
  const [text, setText] = useState('')
  const byId = useMemo(() => new Map<string, TagInfo>((tags.data ?? []).map((t) => [t.id, t])), [tags.data])
  const entries = audit.data ?? []
  const connections = [...new Map(entries.map((e) => [e.connectionId, e.connectionName])).entries()].sort((a, b) => a[1].localeCompare(b[1]))
  const needle = text.trim().toLowerCase()
  const rows: AuditRow[] = entries
    .filter((e) => (!connection || e.connectionId === connection) && (!result || e.result === result))
    .map((entry) => {
      const dataType = byId.get(entry.tagId)?.dataType
      return {
        entry,
        subject: subjectOf(entry),
        time: formatDateTime24(entry.time),
        oldValue: roundToTypePrecision(entry.oldValue, dataType),
        newValue: roundToTypePrecision(entry.newValue, dataType),
      }
    })
    .filter((r) => !needle || [r.subject, r.entry.user, r.entry.address ?? '', r.entry.message, r.newValue ?? ''].some((f) => f.toLowerCase().includes(needle)))
  return (
    <section className="panel" aria-label="Audit log">
      <h2>Audit log</h2>
      {entries.length === 0 && audit.data && <p className="muted">No writes attempted yet.</p>}
      {entries.length > 0 && (
        <>
          <div className="toolbar wrap" role="group" aria-label="Audit filters">
            <select aria-label="Connection" value={connection} onChange={(e) => setConnection(e.target.value)}>
              <option value="">All connections</option>
              {connections.map(([id, name]) => (
                <option key={id} value={id}>
                  {name}
                </option>
              ))}
            </select>
            <select aria-label="Result" value={result} onChange={(e) => setResult(e.target.value)}>
              <option value="">Any result</option>
              {RESULTS.map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </select>
            <input
              type="search"
              aria-label="Search the audit log"
              placeholder="Tag, topic, user, message…"
              value={text}
              onChange={(e) => setText(e.target.value)}
            />
            <span className="muted" role="status" aria-label="Audit rows shown">
              {rows.length} of {entries.length}
            </span>
            <span className="spacer" />
            <button
              type="button"
              disabled={rows.length === 0}
              onClick={() => saveTextFile(`write-audit-${formatDateTime24(Date.now()).replace(/[: ]/g, '-')}.csv`, auditCsv(rows), 'text/csv')}
            >
              Export CSV
            </button>
          </div>
          <div className="table-scroll">
            <table className="grid" aria-label="Write audit entries">
              <thead>
                <tr>
                  <th>Time</th>
                  <th>User</th>
                  <th>Connection</th>
                  <th>Tag</th>
                  <th>Address</th>
                  <th className="num">Old</th>
                  <th className="num">New</th>
                  <th>Result</th>
                  <th>Message</th>
                </tr>
              </thead>
              <tbody>
                {rows.map(({ entry: e, subject, time, oldValue, newValue }) => (
                  <tr key={e.id}>
                    <td className="mono nowrap">{time}</td>
                    <td>{e.user}</td>
                    <td>{e.connectionName}</td>
                    <td title={e.tagId}>{subject}</td>
                    <td className="mono">{e.address ?? '—'}</td>
                    <td className="num">
                      <span className="clip-text" title={oldValue ?? undefined}>
                        {oldValue ?? '—'}
                      </span>
                    </td>
                    <td className="num">
                      <span className="clip-text" title={newValue ?? undefined}>
                        {newValue ?? '—'}
                      </span>
                    </td>
                    <td>
                      <span className={`quality quality-${RESULT_QUALITY[e.result]}`}>{e.result}</span>
                    </td>
                    <td className="muted">{e.message}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  )
}
