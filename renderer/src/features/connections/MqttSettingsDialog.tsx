import { useState } from 'react'
import { useMutation, useQueryClient } from '@tanstack/react-query'
import type { ConnectionConfigInput, ConnectionDetail } from '../../../../preload/contract'
import { useClient } from '../../app/client-context'
import { MqttConnectionFields, mqttConfigOf, mqttSettingsOf } from './MqttConnectionFields'
import { queryKey } from '../../bridge/queries'

type MqttTags = Extract<ConnectionConfigInput, { protocol: 'mqtt' }>['tags']

/** Edit a saved MQTT connection: same fields as when adding; blank secrets keep the saved ones; mapped tags stay. */
function MqttSettingsDialog({ detail, onClose }: { detail: ConnectionDetail; onClose(): void }): React.JSX.Element {
  const client = useClient()
  const queryClient = useQueryClient()
  const [name, setName] = useState(String(detail.config.name ?? detail.status.name))
  const [settings, setSettings] = useState(() => mqttSettingsOf(detail.config))
  const save = useMutation({
    mutationFn: () =>
      client.call('connections.update', {
        id: detail.id,
        config: mqttConfigOf(name.trim() || detail.status.name, settings, (detail.config.tags ?? []) as MqttTags) as never,
      }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: queryKey('connections.managed') })
      onClose()
    },
  })
  return (
    <div className="dialog-backdrop">
      <div
        role="dialog"
        aria-modal="true"
        aria-label="Edit MQTT connection"
        className="dialog"
        onKeyDown={(e) => {
          if (e.key === 'Escape') onClose()
        }}
      >
        <h2>Edit {detail.status.name}</h2>
        <form
          onSubmit={(e) => {
            e.preventDefault()
            save.mutate()
          }}
        >
          <label className="form-field">
            <span>Name</span>
            <input type="text" value={name} onChange={(e) => setName(e.target.value)} />
          </label>
          <MqttConnectionFields value={settings} onChange={setSettings} storedSecrets={detail.hasSecrets} />
          {save.isError && (
            <p role="alert" className="error-text">
              {save.error.message}
            </p>
          )}
          <div className="toolbar">
            <span className="spacer" />
            <button type="button" className="ghost" onClick={onClose}>
              Cancel
            </button>
            <button type="submit" disabled={save.isPending}>
              {save.isPending ? 'Saving…' : 'Save and reconnect'}
            </button>
          </div>
        </form>
      </div>
    </div>
  )
}

/** The "Edit settings" button of an MQTT connection and its dialog. */
export function MqttSettingsButton({ detail }: { detail: ConnectionDetail }): React.JSX.Element | null {
  const [open, setOpen] = useState(false)
  if (detail.kind !== 'mqtt') return null
  return (
    <>
      <button type="button" className="ghost" onClick={() => setOpen(true)}>
        Edit settings
      </button>
      {open && <MqttSettingsDialog detail={detail} onClose={() => setOpen(false)} />}
    </>
  )
}
