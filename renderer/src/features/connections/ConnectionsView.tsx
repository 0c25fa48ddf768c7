import { useQuery } from '@tanstack/react-query'
import { useClient } from '../../app/client-context'
import { formatDuration } from '../../app/format'
import { useConnectionStatus } from '../../app/StatusBar'

const PROTOCOL_NAMES = { opcua: 'OPC UA', modbus: 'Modbus TCP', mqtt: 'MQTT' } as const

export function ConnectionsView(): React.JSX.Element {
  const client = useClient()
  const connections = useConnectionStatus()
  const plant = useQuery({ queryKey: ['plant.status'], queryFn: () => client.call('plant.status'), refetchInterval: 5000 })
  return (
    <div className="page">
      <h1>Connections</h1>
      <section className="panel" aria-label="Demo plant">
        <h2>Demo plant</h2>
        {plant.data?.running ? (
          <>
            <p>
              A packaging line (Filler → Capper → Labeler) simulated on this machine, served over three protocols so the app has live data on first start and so you
              can try UaExpert, mbpoll or mosquitto_sub against it.
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
        <h2>Connections</h2>
        <table className="grid">
          <thead>
            <tr>
              <th>Name</th>
              <th>Protocol</th>
              <th>Endpoint</th>
              <th>State</th>
              <th className="num">Messages</th>
              <th className="num">Errors</th>
              <th className="num">Reconnects</th>
              <th>Last error</th>
            </tr>
          </thead>
          <tbody>
            {connections.map((c) => (
              <tr key={c.id}>
                <td>{c.name}</td>
                <td>{PROTOCOL_NAMES[c.protocol]}</td>
                <td className="mono">{c.endpoint}</td>
                <td>
                  <span className={`health health-${c.state}`}>
                    <span className="dot" aria-hidden="true" />
                    {c.state}
                  </span>{' '}
                  <span className="muted">for {formatDuration(Date.now() - c.since)}</span>
                </td>
                <td className="num">{c.counters.messages}</td>
                <td className="num">{c.counters.errors}</td>
                <td className="num">{c.counters.reconnects}</td>
                <td className="muted">{c.lastError ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p className="muted">
          Adding your own Modbus TCP/RTU, OPC UA and MQTT connections (with endpoint discovery, certificates, armed writes and the audit log) arrives with the
          connectivity work; until then the demo plant's MQTT feed is the live source.
        </p>
      </section>
    </div>
  )
}
