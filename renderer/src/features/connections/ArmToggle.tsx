import { useMutation, useQueryClient } from '@tanstack/react-query'
import { useClient } from '../../app/client-context'
import { queryKey } from '../../bridge/queries'
import { formatCountdown, useCountdown } from './use-armed'

/**
 * Arms one connection for writes (MQTT: for publishing) for 5 minutes, or disarms it; the same switch in Connections,
 * Tags and the MQTT explorer, all on the host's one arming per connection.
 */
export function ArmToggle({ id, kind, armedUntil, label }: { id: string; kind: string; armedUntil: number | undefined; label?: string }): React.JSX.Element {
  const client = useClient()
  const queryClient = useQueryClient()
  const left = useCountdown(armedUntil)
  const what = kind === 'mqtt' ? 'publishing' : 'writes'
  const toggle = useMutation({
    mutationFn: () => (armedUntil ? client.call('connections.disarm', { id }) : client.call('connections.arm', { id, minutes: 5 })),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: queryKey('writes.armed') }),
  })
  return (
    <div className="toolbar">
      <button
        type="button"
        role="switch"
        aria-checked={Boolean(armedUntil)}
        aria-label={label ?? 'Arm writes'}
        onClick={() => toggle.mutate()}
        disabled={toggle.isPending}
      >
        {armedUntil ? `Disarm ${what}` : `Arm ${what} (5 min)`}
      </button>
      <span role="status" aria-label="Write arming" className={armedUntil ? 'armed' : 'muted'}>
        {armedUntil ? `Armed for ${what} — disarms in ${formatCountdown(left)}` : `Read-only (${what} disarmed)`}
      </span>
      {toggle.isError && (
        <span role="alert" className="error-text">
          {toggle.error.message}
        </span>
      )}
    </div>
  )
}
