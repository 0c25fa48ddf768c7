import { useMutation, useQueryClient } from '@tanstack/react-query'
import type { ConnectionDetail } from '../../../../preload/contract'
import { useClient } from '../../app/client-context'
import { BrowseTree } from './BrowseTree'
import { formatThumbprint } from './CertificateManager'
import { ModbusTools } from './ModbusTools'
import { ModbusTagForm } from './ModbusTagForm'
import { MqttSettingsButton } from './MqttSettingsDialog'
import { S7CpuIdentity } from './S7CpuIdentity'
import { S7TagForm } from './S7TagForm'
import { S7TagImport } from './S7TagImport'
import { S7Tools } from './S7Tools'
import { S7SettingsButton } from './S7SettingsDialog'
import { SparkplugNodes } from './SparkplugNodes'
import { ArmToggle } from './ArmToggle'
import { queryKey } from '../../bridge/queries'

function UntrustedCertificate({ detail }: { detail: ConnectionDetail }): React.JSX.Element | null {
  const client = useClient()
  const queryClient = useQueryClient()
  const certificate = detail.untrustedCertificate
  const trust = useMutation({
    mutationFn: async () => {
      await client.call('certificates.trust', { thumbprint: certificate!.thumbprint })
      return client.call('connections.connect', { id: detail.id })
    },
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: queryKey('connections.managed') })
      void queryClient.invalidateQueries({ queryKey: queryKey('certificates.list') })
      // The address space could not be browsed before; now it can.
      void queryClient.invalidateQueries({ queryKey: queryKey('connections.browse', detail.id) })
    },
  })
  if (!certificate) return null
  return (
    <div role="alert" aria-label="Untrusted server certificate" className="banner banner-warning">
      <p>
        <strong>Not connected: the server&apos;s certificate is not trusted yet.</strong> Compare its thumbprint with the one the server itself shows (its
        configuration page or its PKI folder). Trust it only if they match; anyone could otherwise sit in the middle.
      </p>
      <dl className="endpoints">
        <dt>Subject</dt>
        <dd>{certificate.subject}</dd>
        {certificate.applicationUri && (
          <>
            <dt>Application URI</dt>
            <dd className="mono">{certificate.applicationUri}</dd>
          </>
        )}
        <dt>Thumbprint</dt>
        <dd className="mono" aria-label="Server thumbprint">
          {formatThumbprint(certificate.thumbprint)}
        </dd>
        <dt>Valid</dt>
        <dd>
          {certificate.notBefore.slice(0, 10)} … {certificate.notAfter.slice(0, 10)}
        </dd>
      </dl>
      <button type="button" onClick={() => trust.mutate()} disabled={trust.isPending}>
        {trust.isPending ? 'Trusting and connecting…' : 'Trust and connect'}
      </button>
      {trust.isError && <p className="error-text">{trust.error.message}</p>}
    </div>
  )
}

/** One connection: connect, arm, certificate, its tags, and where to find more (browse tree or register form). */
export function ConnectionDetailPanel({
  detail,
  armedUntil,
  onRemoved,
}: {
  detail: ConnectionDetail
  armedUntil?: number
  onRemoved(): void
}): React.JSX.Element {
  const client = useClient()
  const queryClient = useQueryClient()
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: queryKey('connections.managed') })
    void queryClient.invalidateQueries({ queryKey: queryKey('connections.browse', detail.id) })
  }
  const connected = detail.status.state !== 'disconnected'
  const connect = useMutation({
    mutationFn: () => (connected ? client.call('connections.disconnect', { id: detail.id }) : client.call('connections.connect', { id: detail.id })),
    onSettled: refresh,
  })
  const remove = useMutation({ mutationFn: () => client.call('connections.remove', { id: detail.id }), onSuccess: onRemoved, onSettled: refresh })
  const removeTag = useMutation({ mutationFn: (name: string) => client.call('connections.removeTags', { id: detail.id, names: [name] }), onSettled: refresh })
  const isModbus = detail.kind === 'modbus-tcp' || detail.kind === 'modbus-rtu'
  // Only tags a person configured can be removed; Sparkplug B metrics come from the edge node's birth.
  const configuredTags = Array.isArray(detail.config.tags) ? detail.config.tags : []
  const configuredNames = new Set(configuredTags.map((t) => (t && typeof t === 'object' && 'name' in t ? String(t.name) : '')))
  return (
    <section className="panel" aria-label={`Connection ${detail.status.name}`}>
      <h2>{detail.status.name}</h2>
      <p className="mono">{detail.status.endpoint}</p>
      <div className="toolbar">
        <button type="button" onClick={() => connect.mutate()} disabled={connect.isPending}>
          {connected ? 'Disconnect' : 'Connect'}
        </button>
        <button type="button" className="ghost" onClick={() => remove.mutate()}>
          Remove connection
        </button>
        <MqttSettingsButton detail={detail} />
        <S7SettingsButton detail={detail} />
        <span className={`health health-${detail.status.state}`}>
          <span className="dot" aria-hidden="true" />
          {detail.status.state}
        </span>
      </div>
      {(connect.error ?? detail.status.lastError) && !detail.untrustedCertificate && (
        <p role="alert" className="error-text">
          {connect.error?.message ?? detail.status.lastError}
        </p>
      )}
      <UntrustedCertificate detail={detail} />
      <ArmToggle id={detail.id} kind={detail.kind} armedUntil={armedUntil} />
      {detail.kind === 's7' && <S7CpuIdentity detail={detail} />}
      <h3>Tags</h3>
      {detail.tags.length === 0 ? (
        <p className="muted">No tags yet.</p>
      ) : (
        <table className="grid" aria-label="Connection tags">
          <thead>
            <tr>
              <th>Name</th>
              <th>Address</th>
              {isModbus && <th className="num">Unit id</th>}
              <th>Type</th>
              <th>Access</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {detail.tags.map((t) => (
              <tr key={t.id}>
                <td>{t.name}</td>
                <td className="mono">{t.address}</td>
                {isModbus && <td className="num">{t.unitId}</td>}
                <td>{t.dataType}</td>
                <td>{t.access}</td>
                <td>
                  {configuredNames.has(t.name) ? (
                    <button type="button" className="ghost small" aria-label={`Remove tag ${t.name}`} onClick={() => removeTag.mutate(t.name)}>
                      Remove
                    </button>
                  ) : (
                    <span className="muted" title="Defined by the device (Sparkplug B birth), not by this connection's settings">
                      from device
                    </span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {detail.kind === 'opcua' && !detail.untrustedCertificate && (
        <BrowseTree connectionId={detail.id} tagNodeIds={new Set(detail.tags.map((t) => t.address))} />
      )}
      {isModbus && <ModbusTagForm connectionId={detail.id} />}
      {detail.kind === 's7' && (
        <>
          <S7TagForm connectionId={detail.id} />
          <S7TagImport connectionId={detail.id} />
        </>
      )}
      <SparkplugNodes detail={detail} />
      {isModbus && <ModbusTools detail={detail} />}
      {detail.kind === 's7' && <S7Tools detail={detail} />}
    </section>
  )
}
