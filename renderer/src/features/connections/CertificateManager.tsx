import { useState } from 'react'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import type { CertificateEntry } from '../../../../preload/contract'
import { useClient } from '../../app/client-context'

// The app's OPC UA PKI: its own certificate, and the server certificates it trusts or rejected.

const DAY = 86_400_000

function validity(notBefore: string, notAfter: string, now = Date.now()): { text: string; state: 'ok' | 'soon' | 'expired' | 'future' } {
  const from = Date.parse(notBefore)
  const to = Date.parse(notAfter)
  if (now < from) return { text: 'not valid yet', state: 'future' }
  if (now > to) return { text: 'expired', state: 'expired' }
  const days = Math.floor((to - now) / DAY)
  return { text: days < 30 ? `expires in ${days} d` : 'valid', state: days < 30 ? 'soon' : 'ok' }
}

const day = (iso: string) => iso.slice(0, 10)

/** `ab12cd…` → `AB:12:CD…`, the way UaExpert and the servers' own screens show thumbprints. */
export function formatThumbprint(thumbprint: string): string {
  return (thumbprint.toUpperCase().match(/.{1,2}/g) ?? []).join(':')
}

function ServerCertificateRow({ certificate }: { certificate: CertificateEntry }): React.JSX.Element {
  const client = useClient()
  const queryClient = useQueryClient()
  const [confirmDelete, setConfirmDelete] = useState(false)
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: ['certificates.list'] })
    void queryClient.invalidateQueries({ queryKey: ['connections.managed'] })
  }
  const act = useMutation({
    mutationFn: async (action: 'trust' | 'reject' | 'remove'): Promise<void> => {
      const input = { thumbprint: certificate.thumbprint }
      if (action === 'trust') await client.call('certificates.trust', input)
      else if (action === 'reject') await client.call('certificates.reject', input)
      else await client.call('certificates.remove', input)
    },
    onSettled: refresh,
  })
  const valid = validity(certificate.notBefore, certificate.notAfter)
  return (
    <tr aria-label={`Certificate ${certificate.subject}`}>
      <td>
        {certificate.subject}
        {certificate.applicationUri && <div className="muted small mono">{certificate.applicationUri}</div>}
      </td>
      <td className="mono small thumbprint" title={certificate.thumbprint}>
        {formatThumbprint(certificate.thumbprint)}
      </td>
      <td className="mono small">{day(certificate.notBefore)}</td>
      <td className="mono small">{day(certificate.notAfter)}</td>
      <td>
        <span className={`cert-validity cert-${valid.state}`}>{valid.text}</span>
      </td>
      <td>
        <span className={`trust trust-${certificate.trust}`}>{certificate.trust}</span>
      </td>
      <td className="actions">
        {certificate.trust === 'rejected' ? (
          <button type="button" className="small" onClick={() => act.mutate('trust')} disabled={act.isPending} aria-label={`Trust ${certificate.subject}`}>
            Trust
          </button>
        ) : (
          <button
            type="button"
            className="ghost small"
            onClick={() => act.mutate('reject')}
            disabled={act.isPending}
            aria-label={`Reject ${certificate.subject}`}
          >
            Reject
          </button>
        )}
        {confirmDelete ? (
          <>
            <button type="button" className="small danger" onClick={() => act.mutate('remove')} aria-label={`Confirm delete ${certificate.subject}`}>
              Delete for good
            </button>
            <button type="button" className="ghost small" onClick={() => setConfirmDelete(false)}>
              Keep
            </button>
          </>
        ) : (
          <button type="button" className="ghost small" onClick={() => setConfirmDelete(true)} aria-label={`Delete ${certificate.subject}`}>
            Delete
          </button>
        )}
        {act.isError && <div className="error-text small">{act.error.message}</div>}
      </td>
    </tr>
  )
}

function OwnCertificate(): React.JSX.Element {
  const client = useClient()
  const queryClient = useQueryClient()
  const [confirm, setConfirm] = useState(false)
  const own = useQuery({ queryKey: ['certificates.own'], queryFn: () => client.call('certificates.own'), staleTime: 60_000 })
  const regenerate = useMutation({
    mutationFn: () => client.call('certificates.regenerate'),
    onSuccess: (c) => {
      queryClient.setQueryData(['certificates.own'], c)
      setConfirm(false)
    },
  })
  const c = own.data
  const valid = c && validity(c.notBefore, c.notAfter)
  return (
    <div aria-label="Own certificate" role="group">
      <h3>This workstation&apos;s certificate</h3>
      {own.isPending && <p className="muted">Reading (the first time an RSA key is made, this takes a few seconds)…</p>}
      {own.isError && (
        <p role="alert" className="error-text">
          {own.error.message}
        </p>
      )}
      {c && valid && (
        <dl className="endpoints">
          <dt>Subject</dt>
          <dd>{c.subject}</dd>
          <dt>Thumbprint</dt>
          <dd className="mono small" aria-label="Own thumbprint">
            {formatThumbprint(c.thumbprint)}
          </dd>
          <dt>Valid</dt>
          <dd>
            {day(c.notBefore)} … {day(c.notAfter)} <span className={`cert-validity cert-${valid.state}`}>{valid.text}</span>
          </dd>
          {c.applicationUri && (
            <>
              <dt>Application URI</dt>
              <dd className="mono small">{c.applicationUri}</dd>
            </>
          )}
          <dt>PKI folder</dt>
          <dd className="mono small">{c.pkiFolder}</dd>
        </dl>
      )}
      <div className="toolbar">
        {confirm ? (
          <>
            <span className="warn-text small">Servers that trust the current certificate will have to trust the new one.</span>
            <button type="button" className="danger" onClick={() => regenerate.mutate()} disabled={regenerate.isPending}>
              {regenerate.isPending ? 'Making a new certificate…' : 'Regenerate now'}
            </button>
            <button type="button" className="ghost" onClick={() => setConfirm(false)}>
              Keep the current one
            </button>
          </>
        ) : (
          <button type="button" className="ghost" onClick={() => setConfirm(true)} disabled={!c}>
            Regenerate…
          </button>
        )}
      </div>
      {regenerate.isError && (
        <p role="alert" className="error-text">
          {regenerate.error.message}
        </p>
      )}
    </div>
  )
}

/** Own certificate and the trusted and rejected server certificates, with trust, reject and delete. */
export function CertificateManager(): React.JSX.Element {
  const client = useClient()
  const list = useQuery({ queryKey: ['certificates.list'], queryFn: () => client.call('certificates.list'), refetchInterval: 5000 })
  const [filter, setFilter] = useState<'all' | 'trusted' | 'rejected'>('all')
  const all = list.data ?? []
  const shown = all.filter((c) => filter === 'all' || c.trust === filter)
  return (
    <section className="panel" aria-label="OPC UA certificates">
      <h2>OPC UA certificates</h2>
      <OwnCertificate />
      <div className="toolbar">
        <h3>Server certificates</h3>
        <span className="spacer" />
        <div role="radiogroup" aria-label="Show certificates" className="segmented">
          {(['all', 'trusted', 'rejected'] as const).map((f) => (
            <button
              key={f}
              type="button"
              role="radio"
              aria-checked={filter === f}
              className={filter === f ? 'active small' : 'ghost small'}
              onClick={() => setFilter(f)}
            >
              {f === 'all' ? `All (${all.length})` : `${f[0]!.toUpperCase()}${f.slice(1)} (${all.filter((c) => c.trust === f).length})`}
            </button>
          ))}
        </div>
      </div>
      {list.isError && (
        <p role="alert" className="error-text">
          {list.error.message}
        </p>
      )}
      {list.data && shown.length === 0 && (
        <p className="muted">
          {all.length === 0
            ? 'No server certificates yet. Connecting to a secured OPC UA server records its certificate here as rejected until you trust it.'
            : 'None in this list.'}
        </p>
      )}
      {shown.length > 0 && (
        <table className="grid" aria-label="Server certificates">
          <thead>
            <tr>
              <th>Subject</th>
              <th>Thumbprint (SHA-1)</th>
              <th>Not before</th>
              <th>Not after</th>
              <th>Validity</th>
              <th>Trust</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {shown.map((c) => (
              <ServerCertificateRow key={c.thumbprint} certificate={c} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  )
}
