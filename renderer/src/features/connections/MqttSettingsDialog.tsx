import { useState } from 'react'
import type { ConnectionConfigInput, ConnectionDetail } from '../../../../preload/contract'
import { MqttConnectionFields, mqttConfigOf, mqttSettingsOf } from './MqttConnectionFields'
import { SettingsButton, SettingsDialog } from './SettingsDialog'

type MqttTags = Extract<ConnectionConfigInput, { protocol: 'mqtt' }>['tags']

/** Edit a saved MQTT connection: same fields as when adding; blank secrets keep the saved ones; mapped tags stay. */
function MqttSettingsDialog({ detail, onClose }: { detail: ConnectionDetail; onClose(): void }): React.JSX.Element {
  const [settings, setSettings] = useState(() => mqttSettingsOf(detail.config))
  return (
    <SettingsDialog detail={detail} protocolName="MQTT" configOf={(name, tags) => mqttConfigOf(name, settings, tags as MqttTags)} onClose={onClose}>
      <MqttConnectionFields value={settings} onChange={setSettings} storedSecrets={detail.hasSecrets} />
    </SettingsDialog>
  )
}

/** The "Edit settings" button of an MQTT connection and its dialog. */
export function MqttSettingsButton({ detail }: { detail: ConnectionDetail }): React.JSX.Element | null {
  if (detail.kind !== 'mqtt') return null
  return <SettingsButton dialog={(onClose) => <MqttSettingsDialog detail={detail} onClose={onClose} />} />
}
