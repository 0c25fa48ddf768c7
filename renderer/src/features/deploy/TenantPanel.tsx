import { useState } from 'react'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import type { RetentionHeldView, SyncStatus, TenantPlan, TenantTarget } from '../../../../preload/contract'
import { useClient } from '../../app/client-context'
import { queryKey } from '../../bridge/queries'

type TlsMode = TenantTarget['tls']['mode']

/** The sync's state as the panel says it. */
const SYNC_STATE_WORDS: Record<string, string> = {
  idle: 'idle',
  syncing: 'syncing',
  'caught-up': 'caught up',
  offline: 'offline (the tenant does not answer; the historian keeps the backlog)',
  paused: 'paused',
  stopped: 'stopped',
  'not-configured': 'not configured (save a tenant above)',
}

export function formatLag(status: SyncStatus): string {
  if (status.lagMs === null) return 'lag unknown'
  const seconds = Math.round(status.lagMs / 1000)
  const time = seconds < 120 ? `${seconds} s` : seconds < 7200 ? `${Math.round(seconds / 60)} min` : `${Math.round(seconds / 3600)} h`
  return status.lagPoints === null ? `lag ${time}` : `lag ${time}, ${status.lagPoints} points`
}

function PlanView({ plan }: { plan: TenantPlan }): React.JSX.Element {
  return (
    <section aria-label="Tenant plan">
      <p>
        {plan.target}: version {plan.currentVersion} → {plan.targetVersion}. {plan.flavor.reason}
      </p>
      {plan.migrations.length === 0 && <p>Nothing to apply.</p>}
      <ul>
        {plan.migrations.map((m) => (
          <li key={`${m.direction}${m.version}`}>
            {m.direction === 'up' ? '+' : '−'} {m.version} {m.name}
            <ul>
              {m.changes.map((c) => (
                <li key={`${c.kind}${c.name}`}>
                  {c.action} {c.kind} {c.name}
                </li>
              ))}
            </ul>
          </li>
        ))}
      </ul>
      {plan.drift.length > 0 && (
        <>
          <h4>Drift (changed on the tenant since the last apply)</h4>
          <ul aria-label="Drift">
            {plan.drift.map((d) => (
              <li key={`${d.kind}${d.name}`}>
                {d.change} {d.kind} {d.name}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  )
}

const iso = (t: number | null) => (t === null ? '?' : new Date(t).toISOString().replace('.000Z', 'Z'))

function heldTags(held: RetentionHeldView): string {
  const names = held.tags.slice(0, 5).map((t) => t.tagId)
  return names.join(', ') + (held.tagCount > names.length ? ` and ${held.tagCount - names.length} more` : '')
}

/** What retention holds back for the tenant, and the deliberate way to delete it anyway. */
function RetentionHeldNotice({ held, onDelete }: { held: RetentionHeldView; onDelete(): void }): React.JSX.Element {
  return (
    <div role="alert" aria-label="Retention held" className="banner banner-warning">
      <p>
        Historian retention is holding back {held.points.toLocaleString('en-US')} samples of {held.tagCount} tag{held.tagCount === 1 ? '' : 's'} (
        {heldTags(held)}; {iso(held.from)} to {iso(held.to)}) that the tenant has not got yet
        {held.overSizeCapBytes > 0 ? `, and keeps the file ${Math.ceil(held.overSizeCapBytes / 1_048_576)} MB over its size cap` : ''}. They stay until the sync
        sends them; the historian grows past its retention meanwhile. Bring the tenant back, or delete them anyway.
      </p>
      <button type="button" onClick={onDelete}>
        Delete held samples…
      </button>
    </div>
  )
}

/** Shows every held tag, assessed now, and deletes exactly that when confirmed; the host writes the audit row. */
function ForceRetentionDialog({ onClose }: { onClose(): void }): React.JSX.Element {
  const client = useClient()
  const queries = useQueryClient()
  const held = useQuery({ queryKey: queryKey('sync.retentionHeld'), queryFn: () => client.call('sync.retentionHeld') })
  const force = useMutation({
    mutationFn: (h: RetentionHeldView) => client.call('sync.forceRetention', { at: h.at, points: h.points }),
    onSettled: () => {
      void queries.invalidateQueries({ queryKey: queryKey('sync.status') })
      void queries.invalidateQueries({ queryKey: queryKey('audit.list') })
    },
  })
  const h = held.data
  return (
    <div className="dialog-backdrop">
      <div role="dialog" aria-modal="true" aria-label="Delete held samples" className="dialog">
        <h2>Delete held samples</h2>
        {force.isSuccess ? (
          <p role="status">{force.data.message}.</p>
        ) : h ? (
          <>
            <p>
              These {h.points.toLocaleString('en-US')} samples are not in the {h.holder}. Deleted, they are gone from this workstation and the tenant never gets
              them. The deletion is written to the audit log.
            </p>
            <table aria-label="Held samples">
              <thead>
                <tr>
                  <th>Tag</th>
                  <th>Samples</th>
                  <th>From</th>
                  <th>To</th>
                </tr>
              </thead>
              <tbody>
                {h.tags.map((t) => (
                  <tr key={t.tagId}>
                    <td className="mono">{t.tagId}</td>
                    <td>{t.points.toLocaleString('en-US')}</td>
                    <td>{iso(t.from)}</td>
                    <td>{iso(t.to)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        ) : (
          <p>{held.isLoading ? 'Looking at what is held…' : 'Nothing is held back any more: the sync sent it.'}</p>
        )}
        {(force.isError || held.isError) && (
          <p role="alert" className="error-text">
            {(force.error ?? held.error)?.message}
          </p>
        )}
        <div className="toolbar">
          <span className="spacer" />
          <button type="button" className="ghost" onClick={onClose}>
            {force.isSuccess ? 'Close' : 'Cancel'}
          </button>
          {!force.isSuccess && (
            <button type="button" disabled={!h || force.isPending} onClick={() => h && force.mutate(h)}>
              Confirm delete
            </button>
          )}
        </div>
      </div>
    </div>
  )
}

/** Deploy → Tenant: the PostgreSQL target, its plan and provisioning, and the historian sync's state. */
export function TenantPanel(): React.JSX.Element {
  const client = useClient()
  const queries = useQueryClient()
  const stored = useQuery({ queryKey: queryKey('tenant.getTarget'), queryFn: () => client.call('tenant.getTarget') })
  const sync = useQuery({ queryKey: queryKey('sync.status'), queryFn: () => client.call('sync.status'), refetchInterval: 2000 })
  const [form, setForm] = useState({ host: '', port: '5432', database: '', user: '', password: '', tls: 'require' as TlsMode, ca: '' })
  const [plan, setPlan] = useState<TenantPlan | null>(null)
  const [message, setMessage] = useState<string | null>(null)
  const [forcing, setForcing] = useState(false)
  const fail = (error: unknown) => setMessage(error instanceof Error ? error.message : String(error))
  const save = useMutation({
    mutationFn: () =>
      client.call('tenant.setTarget', {
        host: form.host,
        port: Number(form.port),
        database: form.database,
        user: form.user,
        ...(form.password ? { password: form.password } : {}),
        tls: { mode: form.tls, ...(form.ca ? { ca: form.ca } : {}) },
      }),
    onSuccess: () => {
      setMessage('Tenant saved')
      void queries.invalidateQueries({ queryKey: queryKey('tenant.getTarget') })
    },
    onError: fail,
  })
  const [confirmRemove, setConfirmRemove] = useState(false)
  const remove = useMutation({
    mutationFn: () => client.call('tenant.removeTarget'),
    onSuccess: () => {
      setConfirmRemove(false)
      setPlan(null)
      setMessage('Tenant removed: the sync stopped, and retention no longer waits for it')
      void queries.invalidateQueries({ queryKey: queryKey('tenant.getTarget') })
      void queries.invalidateQueries({ queryKey: queryKey('sync.status') })
    },
    onError: fail,
  })
  const test = useMutation({
    mutationFn: () => client.call('tenant.test'),
    onSuccess: (s) => setMessage(s.error ? s.error.message : `Connected: PostgreSQL ${s.serverVersion}, schema version ${s.version} of ${s.latestVersion}`),
    onError: fail,
  })
  const planIt = useMutation({ mutationFn: () => client.call('tenant.plan'), onSuccess: setPlan, onError: fail })
  const provision = useMutation({
    mutationFn: () => client.call('tenant.provision'),
    onSuccess: (r) => {
      setMessage(`Provisioned: schema version ${r.version}`)
      setPlan(null)
    },
    onError: fail,
  })
  const toggle = useMutation({
    mutationFn: () => (sync.data?.state === 'paused' ? client.call('sync.resume') : client.call('sync.pause')),
    onSuccess: () => void queries.invalidateQueries({ queryKey: queryKey('sync.status') }),
    onError: fail,
  })
  const field = (name: 'host' | 'port' | 'database' | 'user' | 'password', label: string, type = 'text') => (
    <label>
      {label}
      <input type={type} value={form[name]} onChange={(e) => setForm({ ...form, [name]: e.target.value })} />
    </label>
  )
  const s = sync.data
  return (
    <section className="panel" aria-label="Tenant">
      <h3>Cloud tenant (PostgreSQL)</h3>
      {stored.data && (
        <p>
          Current: {stored.data.user}@{stored.data.host}:{stored.data.port}/{stored.data.database}, TLS {stored.data.tls.mode}
          {stored.data.hasPassword ? ', password stored (sealed)' : ''}
        </p>
      )}
      <form
        className="tenant-form"
        onSubmit={(e) => {
          e.preventDefault()
          save.mutate()
        }}
      >
        {field('host', 'Host')}
        {field('port', 'Port')}
        {field('database', 'Database')}
        {field('user', 'User')}
        {field('password', 'Password', 'password')}
        <label>
          TLS
          <select value={form.tls} onChange={(e) => setForm({ ...form, tls: e.target.value as TlsMode })}>
            <option value="disable">disable</option>
            <option value="require">require</option>
            <option value="verify-full">verify-full</option>
          </select>
        </label>
        {form.tls === 'verify-full' && (
          <label>
            CA certificate (PEM)
            <textarea value={form.ca} onChange={(e) => setForm({ ...form, ca: e.target.value })} />
          </label>
        )}
        <button type="submit">Save tenant</button>
      </form>
      <div className="actions">
        <button type="button" onClick={() => test.mutate()} disabled={!stored.data}>
          Test connection
        </button>
        <button type="button" onClick={() => planIt.mutate()} disabled={!stored.data}>
          Plan
        </button>
        <button type="button" onClick={() => provision.mutate()} disabled={!plan || plan.migrations.length === 0}>
          Provision
        </button>
        <button type="button" className="danger" onClick={() => setConfirmRemove(true)} disabled={!stored.data}>
          Remove tenant…
        </button>
      </div>
      {confirmRemove && stored.data && (
        <div className="toolbar wrap" role="group" aria-label="Confirm removing the tenant">
          <span>
            Stop syncing to{' '}
            <strong className="mono">
              {stored.data.user}@{stored.data.host}:{stored.data.port}/{stored.data.database}
            </strong>{' '}
            and forget it? What it has got stays there; the historian's retention no longer waits for it.
          </span>
          <button type="button" className="danger" disabled={remove.isPending} onClick={() => remove.mutate()}>
            Remove tenant
          </button>
          <button type="button" autoFocus onClick={() => setConfirmRemove(false)}>
            Keep it
          </button>
        </div>
      )}
      {message && <p role="status">{message}</p>}
      {plan && <PlanView plan={plan} />}
      {s && (
        <section aria-label="Sync">
          <h4>Sync</h4>
          <p>
            {SYNC_STATE_WORDS[s.state]}, {formatLag(s)}, {s.rowsPerSecond} rows/s, {s.rowsSent} rows sent ({s.rowsSkipped} already there), {s.tags} tags
          </p>
          {s.backfill && <progress max={s.backfill.total} value={s.backfill.done} aria-label="Backfill progress" />}
          {s.lastError && <p className="error">{s.lastError.message}</p>}
          {s.retentionHeld && <RetentionHeldNotice held={s.retentionHeld} onDelete={() => setForcing(true)} />}
          {/* Outside the notice: it goes once the samples are deleted, the dialog stays to say so. */}
          {forcing && <ForceRetentionDialog onClose={() => setForcing(false)} />}
          {s.state !== 'not-configured' && (
            <button type="button" onClick={() => toggle.mutate()}>
              {s.state === 'paused' ? 'Resume sync' : 'Pause sync'}
            </button>
          )}
        </section>
      )}
    </section>
  )
}
