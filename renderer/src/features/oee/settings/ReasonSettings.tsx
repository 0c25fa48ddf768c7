import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useEffect, useState } from 'react'
import type { OeeMachineState, OeeReasonEdit, OeeReasonRule, OeeReasonTree, OeeSettings } from '../../../../../preload/contract'
import { oeeMachineStates } from '../../../../../preload/contract'
import { useClient } from '../../../app/client-context'
import { LastChange, SaveProblems } from './settings-common'
import { queryKey } from '../../../bridge/queries'

/** The two-level reason tree (add, rename, retire, restore) and the fault-code → reason rules. */
export function ReasonSettings({ settings }: { settings: OeeSettings }): React.JSX.Element {
  const client = useClient()
  const queryClient = useQueryClient()
  const tree = useQuery({ queryKey: queryKey('oee', 'reasons'), queryFn: () => client.call('oee.reasons') })
  const edit = useMutation({
    mutationFn: (e: OeeReasonEdit) => client.call('oee.editReasons', { edit: e }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: queryKey('oee') }),
  })
  const [newCategory, setNewCategory] = useState('')
  return (
    <div className="oee-reasons-grid">
      <section className="panel" aria-label="Reason tree">
        <div className="oee-chart-head">
          <h2>Reason tree</h2>
          <LastChange changes={settings.changes.reasons} />
        </div>
        <p className="muted small">Category → reason. Retired entries stay on coded stops but are no longer offered; restore them any time.</p>
        <SaveProblems error={edit.error} what="Reason tree change" />
        {tree.data?.categories.map((c) => (
          <CategoryBlock key={c.id} category={c} onEdit={(e) => edit.mutate(e)} pending={edit.isPending} />
        ))}
        <form
          className="oee-inline-form"
          onSubmit={(e) => {
            e.preventDefault()
            if (newCategory.trim()) edit.mutate({ op: 'addCategory', name: newCategory }, { onSuccess: () => setNewCategory('') })
          }}
        >
          <input
            type="text"
            aria-label="New category"
            placeholder="New category, e.g. Quality"
            value={newCategory}
            onChange={(e) => setNewCategory(e.target.value)}
          />
          <button type="submit" disabled={!newCategory.trim()}>
            Add category
          </button>
        </form>
      </section>
      {tree.data && <RuleEditor settings={settings} tree={tree.data} />}
    </div>
  )
}

function RenameField({ label, name, onRename }: { label: string; name: string; onRename: (name: string) => void }): React.JSX.Element {
  const [text, setText] = useState(name)
  useEffect(() => setText(name), [name])
  return (
    <input
      type="text"
      aria-label={label}
      value={text}
      onChange={(e) => setText(e.target.value)}
      onBlur={() => text.trim() && text !== name && onRename(text)}
      onKeyDown={(e) => {
        if (e.key === 'Enter') (e.target as HTMLInputElement).blur()
        if (e.key === 'Escape') setText(name)
      }}
    />
  )
}

function CategoryBlock({
  category: c,
  onEdit,
  pending,
}: {
  category: OeeReasonTree['categories'][number]
  onEdit: (e: OeeReasonEdit) => void
  pending: boolean
}): React.JSX.Element {
  const [newReason, setNewReason] = useState('')
  return (
    <div className={`oee-category${c.retired ? ' retired' : ''}`} role="group" aria-label={`Category ${c.name}`}>
      <div className="oee-category-head">
        <RenameField label={`Category name ${c.name}`} name={c.name} onRename={(name) => onEdit({ op: 'renameCategory', categoryId: c.id, name })} />
        {c.retired && <span className="oee-tag">retired</span>}
        <button type="button" className="ghost" disabled={pending} onClick={() => onEdit({ op: 'retireCategory', categoryId: c.id, retired: !c.retired })}>
          {c.retired ? 'Restore' : 'Retire'} category
        </button>
      </div>
      <ul className="oee-reason-list">
        {c.reasons.map((r) => (
          <li key={r.id} className={r.retired ? 'retired' : undefined}>
            <RenameField
              label={`Reason name ${c.name} / ${r.name}`}
              name={r.name}
              onRename={(name) => onEdit({ op: 'renameReason', reason: { categoryId: c.id, reasonId: r.id }, name })}
            />
            {r.retired && <span className="oee-tag">retired</span>}
            <button
              type="button"
              className="ghost"
              disabled={pending}
              aria-label={`${r.retired ? 'Restore' : 'Retire'} ${c.name} / ${r.name}`}
              onClick={() => onEdit({ op: 'retireReason', reason: { categoryId: c.id, reasonId: r.id }, retired: !r.retired })}
            >
              {r.retired ? 'Restore' : 'Retire'}
            </button>
          </li>
        ))}
      </ul>
      <form
        className="oee-inline-form"
        onSubmit={(e) => {
          e.preventDefault()
          if (newReason.trim()) {
            onEdit({ op: 'addReason', categoryId: c.id, name: newReason })
            setNewReason('')
          }
        }}
      >
        <input type="text" aria-label={`New reason in ${c.name}`} placeholder="New reason" value={newReason} onChange={(e) => setNewReason(e.target.value)} />
        <button type="submit" disabled={!newReason.trim()}>
          Add reason
        </button>
      </form>
    </div>
  )
}

interface RuleRow {
  faultCodes: string
  machine: string
  state: string
  reason: string
}

const toRow = (r: OeeReasonRule): RuleRow => ({
  faultCodes: r.faultCodes?.join(', ') ?? '',
  machine: r.machine ?? '',
  state: r.state ?? '',
  reason: `${r.reason.categoryId}/${r.reason.reasonId}`,
})

function fromRow(row: RuleRow): OeeReasonRule {
  const [categoryId, reasonId] = row.reason.split('/')
  const rule: OeeReasonRule = { reason: { categoryId: categoryId ?? '', reasonId: reasonId ?? '' } }
  const codes = row.faultCodes
    .split(/[\s,;]+/)
    .filter(Boolean)
    .map(Number)
  if (row.faultCodes.trim()) rule.faultCodes = codes
  if (row.machine) rule.machine = row.machine
  if (row.state) rule.state = row.state as OeeMachineState
  return rule
}

/** Fault-code rules, first match wins; saving codes the uncoded stops they match. */
function RuleEditor({ settings, tree }: { settings: OeeSettings; tree: OeeReasonTree }): React.JSX.Element {
  const client = useClient()
  const queryClient = useQueryClient()
  const [rows, setRows] = useState<RuleRow[]>(() => settings.rules.map(toRow))
  useEffect(() => setRows(settings.rules.map(toRow)), [settings.rules])
  const badCodes = rows.some((r) =>
    r.faultCodes
      .split(/[\s,;]+/)
      .filter(Boolean)
      .some((c) => !Number.isInteger(Number(c))),
  )
  const save = useMutation({
    mutationFn: () => client.call('oee.saveRules', { rules: rows.map(fromRow) }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: queryKey('oee') }),
  })
  const set = (i: number, patch: Partial<RuleRow>): void => setRows((rs) => rs.map((r, k) => (k === i ? { ...r, ...patch } : r)))
  const options = tree.categories.flatMap((c) =>
    c.reasons.filter((r) => !(r.retired || c.retired)).map((r) => ({ value: `${c.id}/${r.id}`, label: `${c.name} / ${r.name}` })),
  )
  return (
    <section className="panel" aria-label="Fault-code rules">
      <div className="oee-chart-head">
        <h2>Fault-code rules</h2>
        <LastChange changes={settings.changes.rules} />
      </div>
      <p className="muted small">A new stop takes the reason of the first rule whose conditions all hold. Empty conditions match anything.</p>
      <table className="oee-table oee-form-table oee-rules-table" aria-label="Rules">
        <thead>
          <tr>
            <th>#</th>
            <th>Fault codes</th>
            <th>Machine</th>
            <th>State</th>
            <th>Reason</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={i}>
              <td>{i + 1}</td>
              <td>
                <input
                  type="text"
                  aria-label={`Rule ${i + 1} fault codes`}
                  placeholder="e.g. 101, 203"
                  value={r.faultCodes}
                  onChange={(e) => set(i, { faultCodes: e.target.value })}
                />
              </td>
              <td>
                <select aria-label={`Rule ${i + 1} machine`} value={r.machine} onChange={(e) => set(i, { machine: e.target.value })}>
                  <option value="">any machine</option>
                  {settings.lines.flatMap((l) =>
                    l.machines.map((m) => (
                      <option key={m.id} value={m.id}>
                        {m.name ?? m.id}
                        {settings.lines.length > 1 ? ` (${l.name})` : ''}
                      </option>
                    )),
                  )}
                </select>
              </td>
              <td>
                <select aria-label={`Rule ${i + 1} state`} value={r.state} onChange={(e) => set(i, { state: e.target.value })}>
                  <option value="">any state</option>
                  {oeeMachineStates.map((s) => (
                    <option key={s} value={s}>
                      {s}
                    </option>
                  ))}
                </select>
              </td>
              <td>
                <select aria-label={`Rule ${i + 1} reason`} value={r.reason} onChange={(e) => set(i, { reason: e.target.value })}>
                  {!options.some((o) => o.value === r.reason) && <option value={r.reason}>{r.reason || 'pick a reason'}</option>}
                  {options.map((o) => (
                    <option key={o.value} value={o.value}>
                      {o.label}
                    </option>
                  ))}
                </select>
              </td>
              <td>
                <button type="button" className="ghost" aria-label={`Remove rule ${i + 1}`} onClick={() => setRows((rs) => rs.filter((_, k) => k !== i))}>
                  ×
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {badCodes && <p className="oee-error small">Fault codes are whole numbers separated by commas.</p>}
      <SaveProblems error={save.error} what="Rules" />
      <div className="oee-dialog-actions">
        <button
          type="button"
          className="ghost"
          onClick={() => setRows((rs) => [...rs, { faultCodes: '', machine: '', state: '', reason: options[0]?.value ?? '' }])}
        >
          Add rule
        </button>
        <button type="button" disabled={badCodes || save.isPending} onClick={() => save.mutate()}>
          Save rules
        </button>
        {save.isSuccess && <span className="muted small">Saved; uncoded stops were coded with the rules.</span>}
      </div>
    </section>
  )
}
