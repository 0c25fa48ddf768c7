import { useState } from 'react'
import type { ConnectionStatus } from '../../../../preload/contract'
import { formatDuration } from '../../app/format'
import { useConnectionStatus } from '../../app/StatusBar'
import { AddConnectionDialog } from './AddConnectionDialog'
import { AuditLogPanel } from './AuditLogPanel'
import { CertificateManager } from './CertificateManager'
import { ConnectionDetailPanel } from './ConnectionDetailPanel'
import { MqttExplorer } from './MqttExplorer'
import { useArmed } from './use-armed'
import './connections.css'
import { useChannelQuery } from '../../bridge/queries'

const PROTOCOL_NAMES = { opcua: 'OPC UA', modbus: 'Modbus', mqtt: 'MQTT', s7: 'S7' } as const

export function ConnectionsView(): React.JSX.Element {
  const connections = useConnectionStatus()
  const plant = useChannelQuery('plant.status', undefined, { refetchInterval: 5000 })
  const managed = useChannelQuery('connections.managed', undefined, { refetchInterval: 1000 })
  const armed = useArmed()
  const [adding, setAdding] = useState(false)
  const [selectedId, setSelectedId] = useState<string>()
  const managedIds = new Set((managed.data ?? []).map((m) => m.id))
  // Managed connections come from the polled list (fresh counters); the rest (demo plant feed) from the status stream.
  const rows: ConnectionStatus[] = [...connections.filter((c) => !managedIds.has(c.id)), ...(managed.data ?? []).map((m) => m.status)]
  const selected = managed.data?.find((m) => m.id === selectedId)
  return (
    <div className="page">
      <h1>Connections</h1>
      <section className="panel" aria-label="Demo plant">
        <h2>Demo plant</h2>
        {plant.data?.running ? (
          <>
            <p>
              A packaging line (Filler → Capper → Labeler) simulated on this machine, served over three protocols so the app has live data on first start and so
              you can try UaExpert, mbpoll or mosquitto_sub against it.
            </p>
            <dl className="endpoints">
              <dt>OPC UA</dt>
              <dd className="mono">{plant.data.endpoints?.opcua}</dd>
              <dt>Modbus TCP</dt>
              <dd className="mono">{plant.data.endpoints?.modbus}</dd>
              <dt>MQTT</dt>
              <dd className="mono">{plant.data.endpoints?.mqtt}</dd>
            </dl>
          </>
        ) : (
          <p className="muted">{plant.data?.message ?? 'Loading…'}</p>
        )}
      </section>
      <section className="panel" aria-label="Connection list">
        <div className="toolbar">
          <h2>Connections</h2>
          <span className="spacer" />
          <button type="button" onClick={() => setAdding(true)}>
            Add connection
          </button>
        </div>
        <table className="grid" aria-label="Connections">
          <thead>
            <tr>
              <th>Name</th>
              <th>Protocol</th>
              <th>Endpoint</th>
              <th>State</th>
              <th>Writes</th>
              <th className="num">Messages</th>
              <th className="num">Errors</th>
              <th className="num">Reconnects</th>
              <th>Last error</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((c) => (
              <tr
                key={c.id}
                className={c.id === selectedId ? 'selected' : undefined}
                aria-selected={c.id === selectedId}
                onClick={() => managedIds.has(c.id) && setSelectedId(c.id)}
              >
                <td>
                  {managedIds.has(c.id) ? (
                    <button type="button" className="ghost" onClick={() => setSelectedId(c.id)}>
                      {c.name}
                    </button>
                  ) : (
                    c.name
                  )}
                </td>
                <td>{PROTOCOL_NAMES[c.protocol]}</td>
                <td className="mono">{c.endpoint}</td>
                <td>
                  <span className={`health health-${c.state}`}>
                    <span className="dot" aria-hidden="true" />
                    {c.state}
                  </span>{' '}
                  <span className="muted">for {formatDuration(Date.now() - c.since)}</span>
                </td>
                <td>{armed.has(c.id) ? 'armed' : 'read-only'}</td>
                <td className="num">{c.counters.messages}</td>
                <td className="num">{c.counters.errors}</td>
                <td className="num">{c.counters.reconnects}</td>
                <td className="muted last-error" title={c.lastError ?? undefined}>
                  {c.lastError ?? '—'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      {selected && <ConnectionDetailPanel detail={selected} armedUntil={armed.get(selected.id)} onRemoved={() => setSelectedId(undefined)} />}
      <MqttExplorer defaultUrl={plant.data?.endpoints?.mqtt} />
      <CertificateManager />
      <AuditLogPanel />
      {adding && (
        <AddConnectionDialog
          onClose={() => setAdding(false)}
          onAdded={(id) => {
            setAdding(false)
            setSelectedId(id)
          }}
        />
      )}
    </div>
  )
}
