import { useQuery, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import type { AlarmRule, AlarmRuleInput, OutputOf } from '../../../../preload/contract'
import { useClient } from '../../app/client-context'
import { downloadText } from '../oee/oee-range'
import { AlarmPreviewChart } from './AlarmPreviewChart'
import { STATE_WORDS } from './alarm-words'
import { ConfirmDelete, draftField, EditorList, StatusLine, useEditorStatus } from './editor-parts'
import { queryKey } from '../../bridge/queries'

type Kind = AlarmRule['condition']['kind']

const KINDS: Array<{ kind: Kind; label: string }> = [
  { kind: 'high', label: 'High limit' },
  { kind: 'low', label: 'Low limit' },
  { kind: 'rateOfChange', label: 'Rate of change' },
  { kind: 'stale', label: 'No data' },
  { kind: 'badQuality', label: 'Bad quality' },
  { kind: 'stateHeld', label: 'State held too long' },
  { kind: 'anomaly', label: 'Anomaly (learned from a normal period)' },
]

/** The editor's fields as typed (text), turned into a rule only when saved or previewed. */
interface Draft {
  id: string
  name: string
  tagId: string
  kind: Kind
  limit: string
  deadband: string
  perSecond: string
  windowS: string
  direction: 'rising' | 'falling' | 'either'
  afterS: string
  includeUncertain: boolean
  states: string
  forMin: string
  anomalyWindowS: string
  anomalyThreshold: string
  /** The normal period as datetime-local text (the browser's time zone). */
  normalFrom: string
  normalTo: string
  severity: string
  machine: string
  onDelayS: string
  offDelayS: string
  reAlarmS: string
  message: string
  enabled: boolean
}

const EMPTY: Draft = {
  id: '',
  name: '',
  tagId: '',
  kind: 'high',
  limit: '',
  deadband: '0',
  perSecond: '1',
  windowS: '1',
  direction: 'either',
  afterS: '60',
  includeUncertain: false,
  states: '5',
  forMin: '5',
  anomalyWindowS: '60',
  anomalyThreshold: '6',
  normalFrom: '',
  normalTo: '',
  severity: '500',
  machine: '',
  onDelayS: '0',
  offDelayS: '0',
  reAlarmS: '0',
  message: '',
  enabled: true,
}

function draftOf(rule: AlarmRule): Draft {
  const c = rule.condition
  return {
    ...EMPTY,
    id: rule.id,
    name: rule.name,
    tagId: rule.tagId,
    kind: c.kind,
    limit: c.kind === 'high' || c.kind === 'low' ? String(c.limit) : '',
    deadband: c.kind === 'high' || c.kind === 'low' ? String(c.deadband) : '0',
    perSecond: c.kind === 'rateOfChange' ? String(c.perSecond) : EMPTY.perSecond,
    windowS: c.kind === 'rateOfChange' ? String(c.windowMs / 1000) : EMPTY.windowS,
    direction: c.kind === 'rateOfChange' ? c.direction : 'either',
    afterS: c.kind === 'stale' ? String(c.afterMs / 1000) : EMPTY.afterS,
    includeUncertain: c.kind === 'badQuality' ? c.includeUncertain : false,
    states: c.kind === 'stateHeld' ? c.states.join(', ') : EMPTY.states,
    forMin: c.kind === 'stateHeld' ? String(c.forMs / 60_000) : EMPTY.forMin,
    anomalyWindowS: c.kind === 'anomaly' ? String(c.windowMs / 1000) : EMPTY.anomalyWindowS,
    anomalyThreshold: c.kind === 'anomaly' ? String(c.threshold) : EMPTY.anomalyThreshold,
    normalFrom: c.kind === 'anomaly' ? localInput(c.baseline.from) : '',
    normalTo: c.kind === 'anomaly' ? localInput(c.baseline.to) : '',
    severity: String(rule.severity),
    machine: rule.machine ?? '',
    onDelayS: String(rule.onDelayMs / 1000),
    offDelayS: String(rule.offDelayMs / 1000),
    reAlarmS: String(rule.reAlarmMs / 1000),
    message: rule.message ?? '',
    enabled: rule.enabled,
  }
}

function localInput(t: number): string {
  const d = new Date(t - new Date(t).getTimezoneOffset() * 60_000)
  return d.toISOString().slice(0, 16)
}

/** The rule the host will check again; a field that is not a number goes as NaN and comes back as a named error. */
function ruleOf(d: Draft): AlarmRuleInput {
  const n = (s: string): number => (s.trim() === '' ? NaN : Number(s))
  const ms = (s: string, unit = 1000): number => Math.round(n(s) * unit)
  const condition: AlarmRuleInput['condition'] =
    d.kind === 'high' || d.kind === 'low'
      ? { kind: d.kind, limit: n(d.limit), deadband: n(d.deadband) }
      : d.kind === 'rateOfChange'
        ? { kind: 'rateOfChange', perSecond: n(d.perSecond), windowMs: ms(d.windowS), direction: d.direction }
        : d.kind === 'stale'
          ? { kind: 'stale', afterMs: ms(d.afterS) }
          : d.kind === 'badQuality'
            ? { kind: 'badQuality', includeUncertain: d.includeUncertain }
            : d.kind === 'anomaly'
              ? {
                  kind: 'anomaly',
                  windowMs: ms(d.anomalyWindowS),
                  threshold: n(d.anomalyThreshold),
                  // Learned again on the host from this period when saved (a changed period means a new baseline).
                  baseline: { from: new Date(d.normalFrom).getTime(), to: new Date(d.normalTo).getTime() },
                }
              : {
                  kind: 'stateHeld',
                  states: d.states
                    .split(',')
                    .map((s) => s.trim())
                    .filter(Boolean)
                    .map((s) => (Number.isFinite(Number(s)) ? Number(s) : s)),
                  forMs: ms(d.forMin, 60_000),
                }
  return {
    id: d.id.trim(),
    name: d.name.trim(),
    tagId: d.tagId.trim(),
    condition,
    severity: n(d.severity),
    machine: d.machine.trim() || undefined,
    enabled: d.enabled,
    onDelayMs: ms(d.onDelayS),
    offDelayMs: ms(d.offDelayS),
    reAlarmMs: ms(d.reAlarmS),
    message: d.message.trim() || undefined,
  }
}

export function AlarmRules(): React.JSX.Element {
  const client = useClient()
  const queries = useQueryClient()
  const rules = useQuery({ queryKey: queryKey('alarms.rules'), queryFn: () => client.call('alarms.rules') })
  const tags = useQuery({ queryKey: queryKey('tags.list', 'alarm-editor'), queryFn: () => client.call('tags.list', { limit: 5000 }) })
  const [draft, setDraft] = useState<Draft>(EMPTY)
  const [hours, setHours] = useState(1)
  const [preview, setPreview] = useState<OutputOf<'alarms.preview'>>()
  const { status, run } = useEditorStatus()
  const [yaml, setYaml] = useState('')
  const [confirmDelete, setConfirmDelete] = useState<string | null>(null)
  const set = <K extends keyof Draft>(key: K, value: Draft[K]): void => setDraft((d) => ({ ...d, [key]: value }))
  const field = draftField(draft, set)
  const unit = tags.data?.find((t) => t.id === draft.tagId)?.unit ?? ''

  const save = (): Promise<void> =>
    run('Not saved', async () => {
      const saved = await client.call('alarms.saveRule', { rule: ruleOf(draft) })
      await queries.invalidateQueries({ queryKey: queryKey('alarms.rules') })
      return `Saved rule ${saved.id}`
    })
  const remove = (ruleId: string, comment: string | undefined): Promise<void> =>
    run('Not deleted', async () => {
      const { deleted } = await client.call('alarms.deleteRule', { ruleId, comment })
      await queries.invalidateQueries({ queryKey: queryKey('alarms.rules') })
      await queries.invalidateQueries({ queryKey: queryKey('alarms.journal') })
      setDraft(EMPTY)
      setConfirmDelete(null)
      return deleted ? `Deleted rule ${ruleId} (journaled with its definition)` : `Rule ${ruleId} did not exist`
    })
  const runPreview = (): Promise<void> =>
    run('No preview', async () => {
      const result = await client.call('alarms.preview', { rule: ruleOf(draft), hours })
      setPreview(result)
      return `Over the last ${hours} h (${result.samples} recorded value${result.samples === 1 ? '' : 's'}) it would have been raised ${result.raised} time${result.raised === 1 ? '' : 's'}`
    })

  return (
    <div className="alarm-rules">
      <EditorList
        title="Rules"
        newLabel="New rule"
        listLabel="Alarm rules"
        items={rules.data?.map((r) => ({ id: r.id, name: r.name, detail: r.tagId, detailClassName: 'muted mono small' }))}
        activeId={draft.id}
        emptyText="No rules yet."
        onNew={() => (setDraft(EMPTY), setPreview(undefined), setConfirmDelete(null))}
        onPick={(id) => {
          const rule = rules.data?.find((r) => r.id === id)
          if (rule) setDraft(draftOf(rule))
          setPreview(undefined)
          setConfirmDelete(null)
        }}
      >
        <details>
          <summary>YAML import / export</summary>
          <textarea aria-label="Rules YAML" rows={8} value={yaml} onChange={(e) => setYaml(e.target.value)} />
          <div className="toolbar">
            <button
              type="button"
              onClick={() => void run('Not exported', async () => (setYaml((await client.call('alarms.exportRules')).yaml), 'Rules as YAML below'))}
            >
              Show rules as YAML
            </button>
            <button type="button" disabled={!yaml} onClick={() => downloadText('alarm-rules.yaml', yaml, 'application/yaml')}>
              Download
            </button>
            <button
              type="button"
              disabled={!yaml}
              onClick={() =>
                void run('Not imported', async () => {
                  const result = await client.call('alarms.importRules', { yaml })
                  await queries.invalidateQueries({ queryKey: queryKey('alarms.rules') })
                  return `Imported ${result.imported} rule${result.imported === 1 ? '' : 's'}`
                })
              }
            >
              Import
            </button>
          </div>
        </details>
      </EditorList>
      <form
        className="panel rule-editor"
        aria-label="Rule editor"
        onSubmit={(e) => {
          e.preventDefault()
          void save()
        }}
      >
        <h2>{draft.id ? `Rule ${draft.id}` : 'New rule'}</h2>
        <div className="form-grid">
          {field('Rule id', 'id', { placeholder: 'capper-vibration-high' })}
          {field('Name', 'name')}
          <label>
            Tag
            <input list="alarm-tag-ids" value={draft.tagId} onChange={(e) => set('tagId', e.target.value)} />
            <datalist id="alarm-tag-ids">
              {(tags.data ?? []).map((t) => (
                <option key={t.id} value={t.id} />
              ))}
            </datalist>
          </label>
          <label>
            Condition
            <select value={draft.kind} onChange={(e) => set('kind', e.target.value as Kind)}>
              {KINDS.map((k) => (
                <option key={k.kind} value={k.kind}>
                  {k.label}
                </option>
              ))}
            </select>
          </label>
          {(draft.kind === 'high' || draft.kind === 'low') && (
            <>
              {field(`Limit${unit ? ` (${unit})` : ''}`, 'limit', { inputMode: 'decimal' })}
              {field('Deadband', 'deadband', { inputMode: 'decimal' })}
            </>
          )}
          {draft.kind === 'rateOfChange' && (
            <>
              {field('Rate per second', 'perSecond', { inputMode: 'decimal' })}
              {field('Window (s)', 'windowS', { inputMode: 'decimal' })}
              <label>
                Direction
                <select value={draft.direction} onChange={(e) => set('direction', e.target.value as Draft['direction'])}>
                  <option value="either">either</option>
                  <option value="rising">rising</option>
                  <option value="falling">falling</option>
                </select>
              </label>
            </>
          )}
          {draft.kind === 'stale' && field('No data for (s)', 'afterS', { inputMode: 'decimal' })}
          {draft.kind === 'badQuality' && (
            <label className="check">
              <input type="checkbox" checked={draft.includeUncertain} onChange={(e) => set('includeUncertain', e.target.checked)} /> Uncertain counts too
            </label>
          )}
          {draft.kind === 'stateHeld' && (
            <>
              {field('States (comma separated)', 'states')}
              {field('Held longer than (min)', 'forMin', { inputMode: 'decimal' })}
            </>
          )}
          {draft.kind === 'anomaly' && (
            <>
              {field('Window (s)', 'anomalyWindowS', { inputMode: 'decimal' })}
              {field('Robust z above normal', 'anomalyThreshold', { inputMode: 'decimal' })}
              {field('Normal period from', 'normalFrom', { type: 'datetime-local' })}
              {field('Normal period to', 'normalTo', { type: 'datetime-local' })}
            </>
          )}
          {field('Severity (1–1000)', 'severity', { inputMode: 'numeric' })}
          {field('Machine (planned stops suppress)', 'machine')}
          {field('On-delay (s)', 'onDelayS', { inputMode: 'decimal' })}
          {field('Off-delay (s)', 'offDelayS', { inputMode: 'decimal' })}
          {field('Re-alarm after (s, 0 = never)', 'reAlarmS', { inputMode: 'decimal' })}
          {field('Message', 'message')}
          <label className="check">
            <input type="checkbox" checked={draft.enabled} onChange={(e) => set('enabled', e.target.checked)} /> Enabled
          </label>
        </div>
        <div className="toolbar">
          <button type="submit">Save rule</button>
          <label>
            Preview over{' '}
            <select value={hours} onChange={(e) => setHours(Number(e.target.value))}>
              {[1, 8, 24, 168].map((h) => (
                <option key={h} value={h}>
                  last {h} h
                </option>
              ))}
            </select>
          </label>
          <button type="button" onClick={() => void runPreview()}>
            Preview
          </button>
          <span className="spacer" />
          <button type="button" className="danger" disabled={!draft.id} onClick={() => setConfirmDelete(draft.id)}>
            Delete rule
          </button>
        </div>
        {confirmDelete && (
          <ConfirmDelete
            what="rule"
            id={confirmDelete}
            name={rules.data?.find((r) => r.id === confirmDelete)?.name}
            kept="The journal keeps who, when and its whole definition."
            withReason
            onDelete={(reason) => void remove(confirmDelete, reason)}
            onCancel={() => setConfirmDelete(null)}
          />
        )}
        <StatusLine status={status} />
        {preview && (
          <div className="alarm-preview" aria-label="Rule preview">
            <AlarmPreviewChart preview={preview} limit={draft.kind === 'high' || draft.kind === 'low' ? Number(draft.limit) : null} unit={unit} />
            <ol className="small">
              {preview.transitions.slice(0, 50).map((t, i) => (
                <li key={i}>
                  {new Date(t.at).toLocaleString([], { hour12: false })}: {STATE_WORDS[t.from]} → {STATE_WORDS[t.to]} ({t.cause}, value {String(t.value)})
                </li>
              ))}
              {preview.transitions.length > 50 && <li className="muted">… {preview.transitions.length - 50} more</li>}
            </ol>
          </div>
        )}
      </form>
    </div>
  )
}
