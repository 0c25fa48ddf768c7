import { useEffect, useState } from 'react'
import type { ConnectionStatus } from '../../../preload/contract'
import type { LinkState } from '../bridge/link'
import { useClient } from './client-context'
import { useUi } from './ui-store'
import { useChannelQuery, useStream } from '../bridge/queries'
import { useAlarmCount } from '../features/alarms/use-alarm-count'
import { formatLag } from '../features/deploy/TenantPanel'

export function useConnectionStatus(): ConnectionStatus[] {
  const [status, setStatus] = useState<ConnectionStatus[]>([])
  useStream('connections.status', undefined, setStatus)
  return status
}

export function StatusBar(): React.JSX.Element {
  const client = useClient()
  const theme = useUi((s) => s.theme)
  const toggleTheme = useUi((s) => s.toggleTheme)
  const connections = useConnectionStatus()
  const alarms = useAlarmCount()
  const setView = useUi((s) => s.setView)
  const info = useChannelQuery('app.info')
  const sync = useChannelQuery('sync.status', undefined, { refetchInterval: 2000 })
  const [link, setLink] = useState<LinkState>(client.link.state())
  useEffect(() => {
    // The link may have opened between the first render and this effect; read it again here.
    setLink(client.link.state())
    return client.link.onState((state) => setLink(state))
  }, [client])
  return (
    <footer className="statusbar" aria-label="Status bar">
      <span className={`link link-${link}`} role="status" aria-label="Host link">
        {link === 'open' ? (client.link.kind === 'ipc' ? 'Desktop' : 'Browser mode') : link === 'refused' ? 'Host refused' : 'Host offline — reconnecting'}
      </span>
      <span className="connections" aria-label="Connection health">
        {connections.length === 0 && <span className="muted">No connections</span>}
        {connections.map((c) => (
          <span key={c.id} className={`health health-${c.state}`} title={c.lastError ?? `${c.endpoint} — ${c.state}`}>
            <span className="dot" aria-hidden="true" />
            {c.name}: {c.state}
          </span>
        ))}
      </span>
      {sync.data && sync.data.state !== 'not-configured' && (
        <span className={`sync sync-${sync.data.state}`} role="status" aria-label="Tenant sync" title={sync.data.lastError?.message ?? sync.data.target ?? ''}>
          Sync: {sync.data.state}, {formatLag(sync.data)}
          {sync.data.retentionHeld ? `, ${sync.data.retentionHeld.points.toLocaleString('en-US')} held from retention` : ''}
        </span>
      )}
      <span className="spacer" />
      {alarms && (
        <button
          type="button"
          className={`alarm-count${alarms.active > 0 ? ' alarming' : ''}`}
          aria-label={`Active alarms: ${alarms.active}, unacknowledged: ${alarms.unacknowledged}, shelved: ${alarms.shelved}`}
          title="Open the alarm summary"
          onClick={() => setView('alarms')}
        >
          ⚠ {alarms.active} active{alarms.unacknowledged > 0 ? ` · ${alarms.unacknowledged} unacknowledged` : ''}
          {alarms.shelved > 0 ? ` · ${alarms.shelved} shelved` : ''}
        </button>
      )}
      {info.data?.readOnly && (
        <span role="status" aria-label="Imported session" title={`Imported from ${info.data.readOnly.importedFrom}`}>
          🔒 Imported session, read-only
        </span>
      )}
      {info.data && (
        <span className="muted">
          {info.data.name} {info.data.version}
        </span>
      )}
      <button type="button" className="ghost" onClick={toggleTheme} aria-label={`Switch to ${theme === 'dark' ? 'light' : 'dark'} theme`}>
        {theme === 'dark' ? '☀ Light' : '☾ Dark'}
      </button>
    </footer>
  )
}
