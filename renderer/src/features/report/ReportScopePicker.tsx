import { useEffect, useRef } from 'react'

export interface ScopeLine {
  name: string
  machines: { id: string; name: string }[]
}

/** Which lines and machines the report covers: a line's box picks or drops all its machines; a machine's box just that one. */
export function ReportScopePicker(props: { lines: readonly ScopeLine[]; picked: ReadonlySet<string>; onChange(picked: Set<string>): void }): React.JSX.Element {
  const { lines, picked, onChange } = props
  return (
    <fieldset className="report-scope">
      <legend>Lines and machines</legend>
      {lines.length === 0 && <p className="muted">No line is configured yet (OEE settings).</p>}
      {lines.map((line) => (
        <LineBoxes key={line.name} line={line} picked={picked} onChange={onChange} />
      ))}
    </fieldset>
  )
}

function LineBoxes({ line, picked, onChange }: { line: ScopeLine; picked: ReadonlySet<string>; onChange(picked: Set<string>): void }) {
  const count = line.machines.filter((m) => picked.has(m.id)).length
  const all = count === line.machines.length && count > 0
  const box = useRef<HTMLInputElement>(null)
  useEffect(() => {
    if (box.current) box.current.indeterminate = count > 0 && !all
  }, [count, all])
  const setLine = (on: boolean) => {
    const next = new Set(picked)
    for (const m of line.machines)
      if (on) next.add(m.id)
      else next.delete(m.id)
    onChange(next)
  }
  return (
    <div className="report-scope-line" role="group" aria-label={`Line ${line.name}`}>
      <label className="report-scope-linebox">
        <input ref={box} type="checkbox" checked={all} onChange={(e) => setLine(e.target.checked)} /> {line.name}
      </label>
      <div className="report-scope-machines">
        {line.machines.map((m) => (
          <label key={m.id}>
            <input
              type="checkbox"
              checked={picked.has(m.id)}
              onChange={(e) => {
                const next = new Set(picked)
                if (e.target.checked) next.add(m.id)
                else next.delete(m.id)
                onChange(next)
              }}
            />{' '}
            {m.name}
          </label>
        ))}
      </div>
    </div>
  )
}
