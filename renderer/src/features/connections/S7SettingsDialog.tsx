import { useState } from 'react'
import type { ConnectionConfigInput, ConnectionDetail } from '../../../../preload/contract'
import { S7ConnectionFields, s7ConfigOf, s7SettingsOf } from './S7ConnectionFields'
import { SettingsButton, SettingsDialog } from './SettingsDialog'

type S7Tags = Extract<ConnectionConfigInput, { protocol: 's7' }>['tags']

/** Edit a saved S7 connection: host, port, rack/slot or TSAPs, connection type, PDU size and timings; the tags stay. */
function S7SettingsDialog({ detail, onClose }: { detail: ConnectionDetail; onClose(): void }): React.JSX.Element {
  const [settings, setSettings] = useState(() => s7SettingsOf(detail.config))
  return (
    <SettingsDialog
      detail={detail}
      protocolName="S7"
      configOf={(name, tags) => ({ ...s7ConfigOf(name, settings), tags: tags as S7Tags }) as ConnectionConfigInput}
      onClose={onClose}
    >
      <S7ConnectionFields value={settings} onChange={setSettings} />
    </SettingsDialog>
  )
}

/** The "Edit settings" button of an S7 connection and its dialog. */
export function S7SettingsButton({ detail }: { detail: ConnectionDetail }): React.JSX.Element | null {
  if (detail.kind !== 's7') return null
  return <SettingsButton dialog={(onClose) => <S7SettingsDialog detail={detail} onClose={onClose} />} />
}
