import { useQuery, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import type { AlarmTargetInfo, AlarmTargetInput } from '../../../../preload/contract'
import { useClient } from '../../app/client-context'
import { ConfirmDelete, draftField, EditorList, StatusLine, useEditorStatus } from './editor-parts'
import { queryKey } from '../../bridge/queries'

interface TargetDraft {
  id: string
  name: string
  kind: 'smtp' | 'webhook'
  enabled: boolean
  minSeverity: string
  by: 'rule' | 'machine' | 'all'
  waitS: string
  intervalMin: string
  repeatH: string
  host: string
  port: string
  security: 'tls' | 'starttls' | 'none'
  user: string
  from: string
  to: string
  url: string
  /** Blank keeps the stored password or key. */
  secret: string
}

const EMPTY: TargetDraft = {
  id: '',
  name: '',
  kind: 'webhook',
  enabled: true,
  minSeverity: '1',
  by: 'rule',
  waitS: '30',
  intervalMin: '5',
  repeatH: '4',
  host: '',
  port: '587',
  security: 'starttls',
  user: '',
  from: '',
  to: '',
  url: '',
  secret: '',
}

function draftOf(t: AlarmTargetInfo): TargetDraft {
  const g = t.grouping
  const base = { ...EMPTY, id: t.id, name: t.name, enabled: t.enabled, minSeverity: String(t.minSeverity), by: g.by }
  const timing = { waitS: String(g.waitMs / 1000), intervalMin: String(g.intervalMs / 60_000), repeatH: String(g.repeatMs / 3_600_000) }
  if (t.channel.kind === 'webhook') return { ...base, ...timing, kind: 'webhook', url: t.channel.webhook.url }
  const s = t.channel.smtp
  return { ...base, ...timing, kind: 'smtp', host: s.host, port: String(s.port), security: s.security, user: s.user ?? '', from: s.from, to: s.to.join(', ') }
}

function targetOf(d: TargetDraft): AlarmTargetInput {
  const n = (s: string): number => (s.trim() === '' ? NaN : Number(s))
  return {
    id: d.id.trim(),
    name: d.name.trim(),
    enabled: d.enabled,
    minSeverity: n(d.minSeverity),
    grouping: {
      by: d.by,
      waitMs: Math.round(n(d.waitS) * 1000),
      intervalMs: Math.round(n(d.intervalMin) * 60_000),
      repeatMs: Math.round(n(d.repeatH) * 3_600_000),
    },
    channel:
      d.kind === 'webhook'
        ? { kind: 'webhook', webhook: { url: d.url.trim() } }
        : {
            kind: 'smtp',
            smtp: {
              host: d.host.trim(),
              port: n(d.port),
              security: d.security,
              user: d.user.trim() || undefined,
              from: d.from.trim(),
              to: d.to
                .split(',')
                .map((s) => s.trim())
                .filter(Boolean),
            },
          },
  }
}

/** Where alarms are sent (e-mail, webhook), how they are grouped, a test message, and the recent deliveries. */
export function AlarmTargets(): React.JSX.Element {
  const client = useClient()
  const queries = useQueryClient()
  const targets = useQuery({ queryKey: queryKey('alarms.targets'), queryFn: () => client.call('alarms.targets') })
  const deliveries = useQuery({
    queryKey: queryKey('alarms.deliveries'),
    queryFn: () => client.call('alarms.deliveries', { limit: 50 }),
    refetchInterval: 5000,
  })
  const [draft, setDraft] = useState<TargetDraft>(EMPTY)
  const [confirmDelete, setConfirmDelete] = useState<string | null>(null)
  const { status, setStatus, run } = useEditorStatus(async () => {
    await queries.invalidateQueries({ queryKey: queryKey('alarms.targets') })
    await queries.invalidateQueries({ queryKey: queryKey('alarms.deliveries') })
  })
  const set = <K extends keyof TargetDraft>(key: K, value: TargetDraft[K]): void => setDraft((d) => ({ ...d, [key]: value }))
  const field = draftField(draft, set)
  const stored = targets.data?.find((t) => t.id === draft.id)
  const pick = (next: TargetDraft): void => {
    setDraft(next)
    setStatus(undefined)
    setConfirmDelete(null)
  }

  return (
    <div className="alarm-rules">
      <EditorList
        title="Targets"
        newLabel="New target"
        listLabel="Notification targets"
        items={targets.data?.map((t) => ({ id: t.id, name: t.name, detail: t.channel.kind === 'smtp' ? 'e-mail' : 'webhook' }))}
        activeId={draft.id}
        emptyText="No targets: alarms are journaled, not sent."
        onNew={() => pick(EMPTY)}
        onPick={(id) => {
          const target = targets.data?.find((t) => t.id === id)
          if (target) pick(draftOf(target))
        }}
      />
      <form
        className="panel rule-editor"
        aria-label="Target editor"
        onSubmit={(e) => {
          e.preventDefault()
          void run('Not saved', async () => {
            const saved = await client.call('alarms.saveTarget', { target: targetOf(draft), secret: draft.secret === '' ? undefined : draft.secret })
            set('secret', '')
            return `Saved target ${saved.id}${saved.hasSecret ? ' (secret sealed)' : ''}`
          })
        }}
      >
        <h2>{draft.id ? `Target ${draft.id}` : 'New target'}</h2>
        <div className="form-grid">
          {field('Target id', 'id', { placeholder: 'shift-lead-mail' })}
          {field('Target name', 'name')}
          <label>
            Kind
            <select value={draft.kind} onChange={(e) => set('kind', e.target.value as TargetDraft['kind'])}>
              <option value="webhook">Webhook (JSON, signed)</option>
              <option value="smtp">E-mail (SMTP)</option>
            </select>
          </label>
          {draft.kind === 'webhook' ? (
            <>
              {field('Webhook URL', 'url', { placeholder: 'https://…' })}
              {field(stored?.hasSecret ? 'Signing key (blank keeps the sealed one)' : 'Signing key', 'secret', { type: 'password', autoComplete: 'off' })}
            </>
          ) : (
            <>
              {field('Mail server', 'host')}
              {field('Port', 'port', { inputMode: 'numeric' })}
              <label>
                Security
                <select value={draft.security} onChange={(e) => set('security', e.target.value as TargetDraft['security'])}>
                  <option value="starttls">STARTTLS (587)</option>
                  <option value="tls">TLS (465)</option>
                  <option value="none">None (local relay)</option>
                </select>
              </label>
              {field('User', 'user', { autoComplete: 'off' })}
              {field(stored?.hasSecret ? 'Password (blank keeps the sealed one)' : 'Password', 'secret', { type: 'password', autoComplete: 'off' })}
              {field('From', 'from')}
              {field('To (comma separated)', 'to')}
            </>
          )}
          {field('Only severity from', 'minSeverity', { inputMode: 'numeric' })}
          <label>
            One message per
            <select value={draft.by} onChange={(e) => set('by', e.target.value as TargetDraft['by'])}>
              <option value="rule">rule</option>
              <option value="machine">machine</option>
              <option value="all">all alarms</option>
            </select>
          </label>
          {field('Wait before the first (s)', 'waitS', { inputMode: 'decimal' })}
          {field('Then at most every (min)', 'intervalMin', { inputMode: 'decimal' })}
          {field('Remind unacknowledged every (h, 0 = never)', 'repeatH', { inputMode: 'decimal' })}
          <label className="check">
            <input type="checkbox" checked={draft.enabled} onChange={(e) => set('enabled', e.target.checked)} /> Enabled
          </label>
        </div>
        <div className="toolbar">
          <button type="submit">Save target</button>
          <button
            type="button"
            disabled={!stored}
            onClick={() =>
              void run('Test not sent', async () => {
                const result = await client.call('alarms.sendTest', { targetId: draft.id })
                if (!result.ok) throw new Error(result.message)
                return `Test sent: ${result.message}`
              })
            }
          >
            Send test
          </button>
          <span className="spacer" />
          <button type="button" className="danger" disabled={!stored} onClick={() => setConfirmDelete(draft.id)}>
            Delete target
          </button>
        </div>
        {confirmDelete && (
          <ConfirmDelete
            what="target"
            id={confirmDelete}
            name={targets.data?.find((t) => t.id === confirmDelete)?.name}
            kept="Alarms stop going there; its unsent messages are marked failed, its past deliveries stay listed."
            onDelete={() =>
              void run('Not deleted', async () => {
                await client.call('alarms.deleteTarget', { targetId: confirmDelete })
                setDraft(EMPTY)
                setConfirmDelete(null)
                return `Deleted target ${confirmDelete}`
              })
            }
            onCancel={() => setConfirmDelete(null)}
          />
        )}
        <StatusLine status={status} />
        <h2>Recent deliveries</h2>
        <div className="table-scroll" role="region" aria-label="Recent deliveries" tabIndex={0}>
          <table className="grid">
            <thead>
              <tr>
                <th>Created</th>
                <th>Target</th>
                <th>Group</th>
                <th>Changes</th>
                <th>Status</th>
                <th>Attempts</th>
                <th>Last error</th>
                <th>After a restart</th>
              </tr>
            </thead>
            <tbody>
              {(deliveries.data ?? []).map((d) => (
                <tr key={d.id}>
                  <td>{new Date(d.createdAt).toLocaleString([], { hour12: false })}</td>
                  <td>{d.targetId}</td>
                  <td className="mono small">{d.groupKey}</td>
                  <td className="num">{d.transitions}</td>
                  <td>
                    {d.status}
                    {d.status === 'pending' && d.nextAttemptAt ? `, next try ${new Date(d.nextAttemptAt).toLocaleTimeString([], { hour12: false })}` : ''}
                  </td>
                  <td className="num">{d.attempts}</td>
                  <td className="small">{d.lastError ?? ''}</td>
                  <td className="small">{d.note ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </form>
    </div>
  )
}
