import { useQuery } from '@tanstack/react-query'
import type { AuditEntry } from '../../../../preload/contract'
import { useClient } from '../../app/client-context'
import { queryKey } from '../../bridge/queries'

const RESULT_QUALITY: Record<AuditEntry['result'], 'good' | 'uncertain' | 'bad'> = {
  ok: 'good',
  refused: 'uncertain',
  cancelled: 'uncertain',
  mismatch: 'bad',
  failed: 'bad',
}

/** Every attempted write, newest first: who, when, where (connection, tag, address), old → new, result and reason. */
export function AuditLogPanel(): React.JSX.Element {
  const client = useClient()
  const audit = useQuery({ queryKey: queryKey('audit.list'), queryFn: () => client.call('audit.list', { limit: 200 }), refetchInterval: 3000 })
  return (
    <section className="panel" aria-label="Audit log">
      <h2>Audit log</h2>
      {audit.data && audit.data.length === 0 && <p className="muted">No writes attempted yet.</p>}
      {audit.data && audit.data.length > 0 && (
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
            {audit.data.map((e) => (
              <tr key={e.id}>
                <td className="mono">{new Date(e.time).toLocaleTimeString()}</td>
                <td>{e.user}</td>
                <td>{e.connectionName}</td>
                <td className="mono">{e.tagId}</td>
                <td className="mono">{e.address ?? '—'}</td>
                <td className="num">{e.oldValue ?? '—'}</td>
                <td className="num">{e.newValue ?? '—'}</td>
                <td>
                  <span className={`quality quality-${RESULT_QUALITY[e.result]}`}>{e.result}</span>
                </td>
                <td className="muted">{e.message}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  )
}
