import { Fragment } from 'react'
import { useQuery } from '@tanstack/react-query'
import type { ConnectionDetail, S7Device } from '../../../../preload/contract'
import { useClient } from '../../app/client-context'
import { queryKey } from '../../bridge/queries'

const IDENTITY_FIELDS: [keyof S7Device['identity'], string][] = [
  ['orderNumber', 'Order number'],
  ['moduleName', 'Module name'],
  ['moduleTypeName', 'Module type'],
  ['serialNumber', 'Serial number'],
  ['firmware', 'Firmware'],
  ['systemName', 'Station'],
  ['plantId', 'Plant id'],
  ['memoryCardSerial', 'Memory card'],
  ['pduSize', 'PDU size'],
]

/** What the CPU says about itself (SZL) and the DBs it lists, read while the connection is up. */
export function S7CpuIdentity({ detail }: { detail: ConnectionDetail }): React.JSX.Element {
  const client = useClient()
  const up = detail.status.state === 'connected' || detail.status.state === 'degraded'
  const device = useQuery({
    queryKey: queryKey('s7.device', detail.id, detail.status.since),
    queryFn: () => client.call('s7.device', { id: detail.id }),
    enabled: up,
    staleTime: Infinity,
    retry: false,
  })
  return (
    <section aria-label="CPU identity" className="s7-identity">
      <h3>CPU</h3>
      {!up && <p className="muted">Connect to read what the CPU says about itself.</p>}
      {device.isError && (
        <p role="alert" className="error-text">
          {device.error.message}
        </p>
      )}
      {up && device.isPending && <p className="muted">Reading the CPU&apos;s identity…</p>}
      {device.data && (
        <>
          <dl className="endpoints">
            {IDENTITY_FIELDS.filter(([key]) => device.data.identity[key] !== undefined).map(([key, label]) => (
              <Fragment key={key}>
                <dt>{label}</dt>
                <dd className="mono">{String(device.data.identity[key])}</dd>
              </Fragment>
            ))}
          </dl>
          {device.data.identity.unavailable.length > 0 && (
            <p className="muted small">The CPU does not give SZL {device.data.identity.unavailable.join(', ')}.</p>
          )}
          <h4>Data blocks</h4>
          {device.data.dbs ? (
            device.data.dbs.length === 0 ? (
              <p className="muted">The CPU lists no DBs.</p>
            ) : (
              <ul aria-label="Data blocks" className="mono s7-blocks">
                {device.data.dbs.map((db) => (
                  <li key={db.db}>{db.size === undefined ? `DB${db.db}` : `DB${db.db} · ${db.size} bytes`}</li>
                ))}
              </ul>
            )
          ) : (
            <p className="muted">{device.data.dbListProblem}</p>
          )}
        </>
      )}
    </section>
  )
}
