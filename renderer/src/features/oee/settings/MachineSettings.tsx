import { useMutation, useQueryClient } from '@tanstack/react-query'
import { useEffect, useState } from 'react'
import type { OeeLineConfig, OeeMachineConfig, OeeMachineState, OeeSettings } from '../../../../../preload/contract'
import { oeeMachineStates } from '../../../../../preload/contract'
import { useClient } from '../../../app/client-context'
import { LastChange, NumberField, SaveBar, TagField } from './settings-common'
import { queryKey } from '../../../bridge/queries'

type Machine = OeeMachineConfig
type EnumState = Extract<Machine['state'], { kind: 'enum' }>
type BitState = Extract<Machine['state'], { kind: 'bits' }>

const newMachine = (n: number): Machine => ({
  id: `Machine${n}`,
  name: `Machine ${n}`,
  state: { kind: 'enum', tag: '', map: { '1': 'running', '2': 'idle', '3': 'faulted' } },
  counters: { bitWidth: 32 },
  idealRatePerMin: 60,
  minorStopThresholdS: 120,
  blockedStarvedAgainstAvailability: false,
  startupWindowS: 300,
})

/** A line id from its name, as main makes it ("Packaging Line 2" → "packaging-line-2"), unique among `taken`. */
function newLineId(name: string, taken: readonly string[]): string {
  const base =
    name
      .normalize('NFKD')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'line'
  let id = base
  for (let n = 2; taken.includes(id); n++) id = `${base}-${n}`
  return id
}

/** The workstation's lines and their machines, in material-flow order: state source, counters, ideal speed, thresholds. */
export function MachineSettings({ settings }: { settings: OeeSettings }): React.JSX.Element {
  const client = useClient()
  const queryClient = useQueryClient()
  const [lines, setLines] = useState<OeeLineConfig[]>(settings.lines)
  const [lineIndex, setLineIndex] = useState(0)
  const [index, setIndex] = useState(0)
  const [confirmRemove, setConfirmRemove] = useState(false)
  useEffect(() => setLines(settings.lines), [settings.lines])
  const save = useMutation({
    mutationFn: () => client.call('oee.saveLines', { lines }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: queryKey('oee') }),
  })
  const dirty = JSON.stringify(lines) !== JSON.stringify(settings.lines)
  const li = Math.min(lineIndex, lines.length - 1)
  const line = lines[li]
  const setLine = (next: OeeLineConfig | ((l: OeeLineConfig) => OeeLineConfig)): void =>
    setLines((all) => all.map((l, k) => (k === li ? (typeof next === 'function' ? next(l) : next) : l)))
  const m = line.machines[Math.min(index, line.machines.length - 1)]
  const setMachine = (p: Partial<Machine>): void => setLine((l) => ({ ...l, machines: l.machines.map((x, k) => (k === index ? { ...x, ...p } : x)) }))
  const move = (d: -1 | 1): void =>
    setLine((l) => {
      const ms = [...l.machines]
      const j = index + d
      if (j < 0 || j >= ms.length) return l
      ;[ms[index], ms[j]] = [ms[j], ms[index]]
      setIndex(j)
      return { ...l, machines: ms }
    })
  const pickLine = (k: number): void => {
    setLineIndex(k)
    setIndex(0)
    setConfirmRemove(false)
  }
  const addLine = (): void => {
    const taken = lines.map((l) => l.name)
    let n = lines.length + 1
    while (taken.includes(`Line ${n}`)) n++
    const name = `Line ${n}`
    setLines((all) => [
      ...all,
      {
        id: newLineId(
          name,
          all.map((l) => l.id ?? ''),
        ),
        name,
        machines: [],
      },
    ])
    pickLine(lines.length)
  }
  const removeLine = (): void => {
    setLines((all) => all.filter((_, k) => k !== li))
    pickLine(0)
  }
  /** Moves the shown machine to the end of another line's flow (machine ids stay unique: it leaves this line). */
  const assignTo = (target: number): void => {
    if (target === li || !m) return
    setLines((all) =>
      all.map((l, k) => (k === li ? { ...l, machines: l.machines.filter((_, j) => j !== index) } : k === target ? { ...l, machines: [...l.machines, m] } : l)),
    )
    setIndex(0)
  }
  const allIds = lines.flatMap((l) => l.machines.map((x) => x.id))
  const addMachine = (): void => {
    let n = allIds.length + 1
    while (allIds.includes(`Machine${n}`)) n++
    setLine((l) => ({ ...l, machines: [...l.machines, newMachine(n)] }))
    setIndex(line.machines.length)
  }

  // Ctrl+S (⌘S) saves, as in any editor; hands stay on the keyboard while filling the form.
  const onKeyDown = (e: React.KeyboardEvent): void => {
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 's') {
      e.preventDefault()
      if (dirty && !save.isPending) save.mutate()
    }
  }
  return (
    <div className="oee-settings-stack" onKeyDown={onKeyDown}>
      <section className="panel" aria-label="Lines">
        <div className="oee-chart-head">
          <h2>Lines and machines</h2>
          <LastChange changes={settings.changes.line} />
        </div>
        <div className="oee-form-row">
          <div role="tablist" aria-label="Line" className="oee-machine-tabs">
            {lines.map((l, k) => (
              <button key={l.id ?? k} type="button" role="tab" aria-selected={k === li} className={k === li ? 'active' : undefined} onClick={() => pickLine(k)}>
                {l.name || `Line ${k + 1}`} ({l.machines.length})
              </button>
            ))}
          </div>
          <button type="button" className="ghost" onClick={addLine}>
            Add line
          </button>
        </div>
        <div className="oee-form-row">
          <label className="oee-field">
            <span>Line name</span>
            <input type="text" aria-label="Line name" value={line.name} onChange={(e) => setLine({ ...line, name: e.target.value })} />
          </label>
          <button type="button" className="danger" disabled={lines.length <= 1} onClick={() => setConfirmRemove(true)}>
            Remove line…
          </button>
        </div>
        {confirmRemove && (
          <div className="toolbar wrap" role="group" aria-label="Confirm removing the line">
            <span>
              Remove <strong>{line.name}</strong> and its {line.machines.length} machine(s) from the OEE settings? Its recorded data and coded stops stay; it is
              gone once you save.
            </span>
            <button type="button" className="danger" onClick={removeLine}>
              Remove line
            </button>
            <button type="button" autoFocus onClick={() => setConfirmRemove(false)}>
              Keep it
            </button>
          </div>
        )}
        <div className="oee-form-row">
          <div role="tablist" aria-label="Machine" className="oee-machine-tabs">
            {line.machines.map((x, k) => (
              <button key={k} type="button" role="tab" aria-selected={k === index} className={k === index ? 'active' : undefined} onClick={() => setIndex(k)}>
                {k + 1}. {x.name || x.id}
              </button>
            ))}
          </div>
          <button type="button" className="ghost" onClick={addMachine}>
            Add machine
          </button>
        </div>
        {line.machines.length === 0 ? (
          <p className="muted small" role="note">
            {line.name} has no machine yet: add one, or open a machine of another line and pick {line.name} as its line.
          </p>
        ) : (
          <p className="muted small">Material-flow order: the first machine is the infeed, the last one counts the line&apos;s output.</p>
        )}
      </section>
      {m && (
        <div className="oee-settings-grid" role="tabpanel" aria-label={`Machine ${m.name || m.id}`}>
          <section className="panel" aria-label="Identity and state">
            <h3>Identity</h3>
            <div className="oee-form-row">
              <label className="oee-field">
                <span>Id</span>
                <input type="text" aria-label="Machine id" value={m.id} onChange={(e) => setMachine({ id: e.target.value })} />
              </label>
              <label className="oee-field">
                <span>Name</span>
                <input type="text" aria-label="Machine name" value={m.name ?? ''} onChange={(e) => setMachine({ name: e.target.value || undefined })} />
              </label>
            </div>
            <div className="oee-form-row">
              <label className="oee-field">
                <span>Line</span>
                <select aria-label="Machine's line" value={li} onChange={(e) => assignTo(Number(e.target.value))}>
                  {lines.map((l, k) => (
                    <option key={l.id ?? k} value={k}>
                      {l.name || `Line ${k + 1}`}
                    </option>
                  ))}
                </select>
              </label>
            </div>
            <div className="oee-form-row">
              <button type="button" className="ghost" disabled={index === 0} onClick={() => move(-1)}>
                ↑ Earlier in flow
              </button>
              <button type="button" className="ghost" disabled={index === line.machines.length - 1} onClick={() => move(1)}>
                ↓ Later in flow
              </button>
              <button
                type="button"
                className="ghost"
                disabled={line.machines.length <= 1}
                onClick={() => {
                  setLine((l) => ({ ...l, machines: l.machines.filter((_, k) => k !== index) }))
                  setIndex(0)
                }}
              >
                Remove machine
              </button>
            </div>
            <StateSourceEditor state={m.state} onChange={(state) => setMachine({ state })} />
          </section>
          <section className="panel" aria-label="Counters and speed">
            <h3>Counters</h3>
            <p className="muted small">
              At least two of total, good and reject; the third is derived. Totalizers wrap at the bit width; a drop that is no wrap is a reset and not counted.
            </p>
            <TagField label="Total counter" value={m.counters.totalTag} onChange={(totalTag) => setMachine({ counters: { ...m.counters, totalTag } })} />
            <TagField label="Good counter" value={m.counters.goodTag} onChange={(goodTag) => setMachine({ counters: { ...m.counters, goodTag } })} />
            <TagField label="Reject counter" value={m.counters.rejectTag} onChange={(rejectTag) => setMachine({ counters: { ...m.counters, rejectTag } })} />
            <label className="oee-field">
              <span>Counter rollover</span>
              <select
                aria-label="Counter rollover"
                value={String(m.counters.bitWidth ?? 'none')}
                onChange={(e) =>
                  setMachine({ counters: { ...m.counters, bitWidth: e.target.value === 'none' ? 'none' : (Number(e.target.value) as 16 | 32) } })
                }
              >
                <option value="16">16 bit (wraps at 65,536)</option>
                <option value="32">32 bit</option>
                <option value="none">none (every drop is a reset)</option>
              </select>
            </label>
            <h3>Ideal speed</h3>
            <SpeedEditor machine={m} onChange={setMachine} />
            <TagField label="Product tag" value={m.productTag} onChange={(productTag) => setMachine({ productTag })} />
            {m.productTag && <ProductsEditor machine={m} onChange={setMachine} />}
            <h3>Losses</h3>
            <NumberField label="Minor-stop threshold" value={m.minorStopThresholdS} min={0} unit="s" onChange={(v) => setMachine({ minorStopThresholdS: v })} />
            <NumberField label="Start-up window after a stop" value={m.startupWindowS} min={0} unit="s" onChange={(v) => setMachine({ startupWindowS: v })} />
            <label className="oee-check">
              <input
                type="checkbox"
                checked={m.blockedStarvedAgainstAvailability ?? false}
                onChange={(e) => setMachine({ blockedStarvedAgainstAvailability: e.target.checked })}
              />{' '}
              Blocked and starved time counts against this machine&apos;s availability
            </label>
          </section>
        </div>
      )}
      <SaveBar
        what="Machine configuration"
        save={save}
        dirty={dirty}
        onDiscard={() => {
          setLines(settings.lines)
          pickLine(0)
        }}
        saveLabel="Save machines"
        savedText="Machines saved; OEE recomputed with them."
      />
    </div>
  )
}

function StateSourceEditor({ state, onChange }: { state: Machine['state']; onChange: (s: Machine['state']) => void }): React.JSX.Element {
  const toEnum = (): EnumState => ({ kind: 'enum', tag: '', map: { '1': 'running', '2': 'idle', '3': 'faulted' }, faultCodeTag: state.faultCodeTag })
  const toBits = (): BitState => ({ kind: 'bits', runningTag: '', faultTag: '', faultCodeTag: state.faultCodeTag, minRunningSpeed: 0 })
  return (
    <>
      <h3>State</h3>
      <div role="radiogroup" aria-label="State source" className="oee-form-row">
        <label className="oee-check">
          <input type="radio" name="state-kind" checked={state.kind === 'enum'} onChange={() => onChange(toEnum())} /> One state tag (enum) with a mapping
        </label>
        <label className="oee-check">
          <input type="radio" name="state-kind" checked={state.kind === 'bits'} onChange={() => onChange(toBits())} /> Running / fault bits and speed
        </label>
      </div>
      {state.kind === 'enum' ? (
        <>
          <TagField label="State tag" required value={state.tag || undefined} onChange={(tag) => onChange({ ...state, tag: tag ?? '' })} />
          <StateMapEditor map={state.map} onChange={(map) => onChange({ ...state, map })} />
        </>
      ) : (
        <>
          <TagField label="Running bit" required value={state.runningTag || undefined} onChange={(t) => onChange({ ...state, runningTag: t ?? '' })} />
          <TagField label="Fault bit" required value={state.faultTag || undefined} onChange={(t) => onChange({ ...state, faultTag: t ?? '' })} />
          <TagField label="Speed" value={state.speedTag} onChange={(speedTag) => onChange({ ...state, speedTag })} />
          {state.speedTag && (
            <NumberField label="Running above speed" value={state.minRunningSpeed} onChange={(v) => onChange({ ...state, minRunningSpeed: v })} />
          )}
          <TagField label="Blocked bit" value={state.blockedTag} onChange={(blockedTag) => onChange({ ...state, blockedTag })} />
          <TagField label="Starved bit" value={state.starvedTag} onChange={(starvedTag) => onChange({ ...state, starvedTag })} />
          <TagField label="Setup bit" value={state.setupTag} onChange={(setupTag) => onChange({ ...state, setupTag })} />
          <p className="muted small">Priority: fault, then running (speed above the minimum), blocked, starved, setup; otherwise idle.</p>
        </>
      )}
      <TagField label="Fault code tag" value={state.faultCodeTag} onChange={(faultCodeTag) => onChange({ ...state, faultCodeTag })} />
    </>
  )
}

function StateMapEditor({
  map,
  onChange,
}: {
  map: Record<string, OeeMachineState>
  onChange: (m: Record<string, OeeMachineState>) => void
}): React.JSX.Element {
  const rows = Object.entries(map)
  const rebuild = (entries: [string, OeeMachineState][]): void => onChange(Object.fromEntries(entries))
  return (
    <table className="oee-table oee-form-table" aria-label="State mapping">
      <thead>
        <tr>
          <th>Tag value</th>
          <th>Machine state</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {rows.map(([value, state], i) => (
          <tr key={i}>
            <td>
              <input
                type="text"
                aria-label={`State value ${i + 1}`}
                value={value}
                onChange={(e) => rebuild(rows.map((r, k) => (k === i ? [e.target.value, r[1]] : r)))}
              />
            </td>
            <td>
              <select
                aria-label={`State for value ${value}`}
                value={state}
                onChange={(e) => rebuild(rows.map((r, k) => (k === i ? [r[0], e.target.value as OeeMachineState] : r)))}
              >
                {oeeMachineStates.map((s) => (
                  <option key={s} value={s}>
                    {s}
                  </option>
                ))}
              </select>
            </td>
            <td>
              <button type="button" className="ghost" aria-label={`Remove state value ${value}`} onClick={() => rebuild(rows.filter((_, k) => k !== i))}>
                ×
              </button>
            </td>
          </tr>
        ))}
        <tr>
          <td colSpan={3}>
            <button
              type="button"
              className="ghost"
              onClick={() => {
                let n = rows.length + 1
                while (map[String(n)]) n++
                rebuild([...rows, [String(n), 'idle']])
              }}
            >
              Add value
            </button>
          </td>
        </tr>
      </tbody>
    </table>
  )
}

function SpeedEditor({ machine: m, onChange }: { machine: Machine; onChange: (p: Partial<Machine>) => void }): React.JSX.Element {
  const byRate = m.idealCycleS === undefined
  return (
    <div className="oee-form-row">
      <select
        aria-label="Ideal speed as"
        value={byRate ? 'rate' : 'cycle'}
        onChange={(e) => {
          const cycle = m.idealCycleS ?? (m.idealRatePerMin ? 60 / m.idealRatePerMin : 1)
          if (e.target.value === 'rate') onChange({ idealCycleS: undefined, idealRatePerMin: Number((60 / cycle).toFixed(3)) })
          else onChange({ idealRatePerMin: undefined, idealCycleS: Number(cycle.toFixed(4)) })
        }}
      >
        <option value="rate">ideal rate</option>
        <option value="cycle">ideal cycle time</option>
      </select>
      {byRate ? (
        <NumberField label="Ideal rate" value={m.idealRatePerMin} min={0} unit="units/min" onChange={(v) => onChange({ idealRatePerMin: v })} />
      ) : (
        <NumberField label="Ideal cycle time" value={m.idealCycleS} min={0} unit="s/unit" onChange={(v) => onChange({ idealCycleS: v })} />
      )}
    </div>
  )
}

function ProductsEditor({ machine: m, onChange }: { machine: Machine; onChange: (p: Partial<Machine>) => void }): React.JSX.Element {
  const rows = Object.entries(m.products ?? {})
  const rebuild = (entries: [string, { idealRatePerMin?: number; idealCycleS?: number }][]): void => onChange({ products: Object.fromEntries(entries) })
  return (
    <table className="oee-table oee-form-table" aria-label="Per-product ideal rates">
      <thead>
        <tr>
          <th>Product value</th>
          <th>Ideal rate (units/min)</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {rows.map(([value, speed], i) => (
          <tr key={i}>
            <td>
              <input
                type="text"
                aria-label={`Product value ${i + 1}`}
                value={value}
                onChange={(e) => rebuild(rows.map((r, k) => (k === i ? [e.target.value, r[1]] : r)))}
              />
            </td>
            <td>
              <input
                type="number"
                aria-label={`Ideal rate of product ${value}`}
                value={speed.idealRatePerMin ?? (speed.idealCycleS ? Number((60 / speed.idealCycleS).toFixed(3)) : '')}
                onChange={(e) =>
                  rebuild(rows.map((r, k) => (k === i ? [r[0], { idealRatePerMin: e.target.value === '' ? undefined : Number(e.target.value) }] : r)))
                }
              />
            </td>
            <td>
              <button type="button" className="ghost" aria-label={`Remove product ${value}`} onClick={() => rebuild(rows.filter((_, k) => k !== i))}>
                ×
              </button>
            </td>
          </tr>
        ))}
        <tr>
          <td colSpan={3}>
            <button type="button" className="ghost" onClick={() => rebuild([...rows, [String(rows.length + 1), { idealRatePerMin: m.idealRatePerMin ?? 60 }]])}>
              Add product
            </button>
            <span className="muted small"> Products not listed run at the machine&apos;s ideal speed.</span>
          </td>
        </tr>
      </tbody>
    </table>
  )
}
