import { useState } from 'react'
import { useMutation, useQueryClient } from '@tanstack/react-query'
import type { DeployTarget, DeployTargetInput } from '../../../../preload/contract'
import { useClient } from '../../app/client-context'
import { queryKey } from '../../bridge/queries'

/** A Node-RED gateway: where it is, how to sign in, who it is on the broker and where it publishes. Secrets are sealed by the core. */
export function TargetForm({
  existing,
  onSaved,
  onCancel,
}: {
  existing?: DeployTarget
  onSaved(target: DeployTarget): void
  onCancel(): void
}): React.JSX.Element {
  const client = useClient()
  const queries = useQueryClient()
  const [name, setName] = useState(existing?.name ?? 'Line 1 gateway')
  const [url, setUrl] = useState(existing?.url ?? 'http://127.0.0.1:1880')
  const [authKind, setAuthKind] = useState<'none' | 'password' | 'token'>(existing?.auth.kind ?? 'password')
  const [username, setUsername] = useState(existing?.auth.username ?? 'admin')
  const [secret, setSecret] = useState('')
  const [deviceId, setDeviceId] = useState(existing?.deviceId ?? 'gw-line1')
  const [topicStyle, setTopicStyle] = useState<'uns' | 'devices'>(existing?.topicStyle ?? 'uns')
  const [namespace, setNamespace] = useState(existing?.namespace ?? { enterprise: 'Acme', site: 'Plant1', area: 'Packaging', line: 'Line1' })
  const [brokerUrl, setBrokerUrl] = useState(existing?.broker.url ?? 'mqtt://127.0.0.1:1883')
  const [gatewayUser, setGatewayUser] = useState(existing?.broker.gatewayUsername ?? '')
  const [gatewayPassword, setGatewayPassword] = useState('')
  const save = useMutation({
    mutationFn: () => {
      const auth: DeployTargetInput['auth'] =
        authKind === 'password'
          ? { kind: 'password', username, ...(secret ? { password: secret } : {}) }
          : authKind === 'token'
            ? { kind: 'token', ...(secret ? { token: secret } : {}) }
            : { kind: 'none' }
      return client.call('deploy.saveTarget', {
        id: existing?.id,
        name,
        url,
        auth,
        deviceId,
        topicStyle,
        namespace,
        broker: { url: brokerUrl, ...(gatewayUser ? { gatewayUsername: gatewayUser } : {}), ...(gatewayPassword ? { gatewayPassword } : {}) },
      })
    },
    onSuccess: (target) => {
      void queries.invalidateQueries({ queryKey: queryKey('deploy.targets') })
      onSaved(target)
    },
  })
  const keepHint = existing?.auth.hasSecret ? 'leave blank to keep the saved one' : undefined
  return (
    <form
      className="panel deploy-form"
      aria-label="Deploy target"
      onSubmit={(event) => {
        event.preventDefault()
        save.mutate()
      }}
    >
      <h2>{existing ? `Edit ${existing.name}` : 'New Node-RED target'}</h2>
      <div className="form-grid">
        <label>
          Name
          <input type="text" value={name} onChange={(e) => setName(e.target.value)} required />
        </label>
        <label>
          Node-RED URL
          <input type="text" value={url} onChange={(e) => setUrl(e.target.value)} required />
        </label>
        <label>
          Sign in
          <select value={authKind} onChange={(e) => setAuthKind(e.target.value as typeof authKind)}>
            <option value="password">User name and password</option>
            <option value="token">Access token</option>
            <option value="none">No login</option>
          </select>
        </label>
        {authKind === 'password' && (
          <label>
            User name
            <input type="text" value={username} onChange={(e) => setUsername(e.target.value)} required />
          </label>
        )}
        {authKind !== 'none' && (
          <label>
            {authKind === 'password' ? 'Password' : 'Token'}
            <input type="password" value={secret} onChange={(e) => setSecret(e.target.value)} placeholder={keepHint} autoComplete="off" />
          </label>
        )}
        <label>
          Device id
          <input type="text" value={deviceId} onChange={(e) => setDeviceId(e.target.value)} required />
        </label>
        <label>
          Topics
          <select value={topicStyle} onChange={(e) => setTopicStyle(e.target.value as typeof topicStyle)}>
            <option value="uns">Unified namespace (umh.v1.…._raw.tag)</option>
            <option value="devices">devices/&lt;id&gt;/telemetry</option>
          </select>
        </label>
        {(['enterprise', 'site', 'area', 'line'] as const).map((level) => (
          <label key={level}>
            {level[0]!.toUpperCase() + level.slice(1)}
            <input type="text" value={namespace[level]} onChange={(e) => setNamespace({ ...namespace, [level]: e.target.value })} required />
          </label>
        ))}
        <label>
          Broker URL
          <input type="text" value={brokerUrl} onChange={(e) => setBrokerUrl(e.target.value)} required />
        </label>
        <label>
          Gateway MQTT user
          <input type="text" value={gatewayUser} onChange={(e) => setGatewayUser(e.target.value)} />
        </label>
        <label>
          Gateway MQTT password
          <input type="password" value={gatewayPassword} onChange={(e) => setGatewayPassword(e.target.value)} autoComplete="off" />
        </label>
      </div>
      {authKind === 'none' && <p className="banner banner-warning">Without a login anyone who reaches this URL can change the gateway's flows.</p>}
      {save.error && (
        <p role="alert" className="error-text">
          {save.error.message}
        </p>
      )}
      <div className="toolbar">
        <button type="submit" className="primary" disabled={save.isPending}>
          Save target
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  )
}
