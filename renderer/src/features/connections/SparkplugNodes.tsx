import { useMutation, useQuery } from '@tanstack/react-query'
import type { ConnectionDetail } from '../../../../preload/contract'
import { useClient } from '../../app/client-context'
import { formatTime } from '../../app/format'
import { queryKey } from '../../bridge/queries'

/** The Sparkplug B edge nodes and devices of an MQTT connection: online or dead, metrics, seq, and what happened. */
export function SparkplugNodes({ detail }: { detail: ConnectionDetail }): React.JSX.Element | null {
  const client = useClient()
  const enabled = detail.kind === 'mqtt' && Boolean((detail.config.sparkplug as { enabled?: boolean } | undefined)?.enabled)
  const status = useQuery({
    queryKey: queryKey('mqtt.sparkplug', detail.id),
    queryFn: () => client.call('mqtt.sparkplug', { id: detail.id }),
    refetchInterval: 2000,
    enabled,
  })
  const rebirth = useMutation({
    mutationFn: (node: { groupId: string; edgeNodeId: string }) => client.call('mqtt.rebirth', { id: detail.id, ...node }),
    onSettled: () => void status.refetch(),
  })
  if (!enabled) return null
  const nodes = status.data?.nodes ?? []
  const events = status.data?.events ?? []
  return (
    <section aria-label="Sparkplug B nodes" className="sparkplug-nodes">
      <h3>Sparkplug B</h3>
      {nodes.length === 0 ? (
        <p className="muted">No edge node seen yet. Nodes show up with their first birth (or after a rebirth this connection asks for).</p>
      ) : (
        <table className="grid" aria-label="Sparkplug nodes">
          <thead>
            <tr>
              <th>Group</th>
              <th>Edge node</th>
              <th>Device</th>
              <th>State</th>
              <th className="num">Metrics</th>
              <th className="num">Last seq</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {nodes.map((n) => (
              <tr key={`${n.groupId}/${n.edgeNodeId}/${n.deviceId ?? ''}`}>
                <td>{n.groupId}</td>
                <td>{n.edgeNodeId}</td>
                <td>{n.deviceId ?? '—'}</td>
                <td>
                  <span className={`quality quality-${n.online ? 'good' : 'bad'}`}>{n.online ? 'online' : 'offline (death)'}</span>
                </td>
                <td className="num">{n.metrics}</td>
                <td className="num">{n.seq ?? '—'}</td>
                <td>
                  {!n.deviceId && (
                    <button
                      type="button"
                      className="ghost small"
                      aria-label={`Request rebirth of ${n.groupId}/${n.edgeNodeId}`}
                      onClick={() => rebirth.mutate({ groupId: n.groupId, edgeNodeId: n.edgeNodeId })}
                      disabled={rebirth.isPending}
                    >
                      Request rebirth
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {rebirth.isError && (
        <p role="alert" className="error-text">
          {rebirth.error.message}
        </p>
      )}
      {events.length > 0 && (
        <ul aria-label="Sparkplug events" className="sparkplug-events small">
          {events
            .slice(-8)
            .reverse()
            .map((e, i) => (
              <li key={`${e.time}-${i}`}>
                <span className="muted mono">{formatTime(e.time)}</span> {e.message}
              </li>
            ))}
        </ul>
      )}
    </section>
  )
}
