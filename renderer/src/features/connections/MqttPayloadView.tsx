import { useState } from 'react'

/** One step of a JSON path; numbers index arrays. */
export type PathStep = string | number

/** `$.speed.value`, `$.axes[0].temp`, `$['odd key']`: the same notation the connector reads. */
export function formatJsonPath(steps: readonly PathStep[]): string {
  return (
    '$' +
    steps
      .map((step) => (typeof step === 'number' ? `[${step}]` : /^[A-Za-z_$][\w$-]*$/.test(step) ? `.${step}` : `['${step.replace(/(['\\])/g, '\\$1')}']`))
      .join('')
  )
}

function leafClass(value: unknown): string {
  if (typeof value === 'number') return 'payload-number'
  if (typeof value === 'string') return 'payload-string'
  return ''
}

function Node({
  name,
  value,
  steps,
  selected,
  onPick,
  depth,
}: {
  name: string | undefined
  value: unknown
  steps: PathStep[]
  selected?: string
  onPick(steps: PathStep[], value: unknown): void
  depth: number
}): React.JSX.Element {
  const [open, setOpen] = useState(depth < 4)
  const path = formatJsonPath(steps)
  const label = name === undefined ? null : <span className="payload-key">{name}: </span>
  if (value !== null && typeof value === 'object') {
    const entries: Array<[PathStep, unknown]> = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value)
    return (
      <li role="treeitem" aria-expanded={open} aria-label={path} aria-selected={false}>
        <button type="button" className="payload-leaf" onClick={() => setOpen(!open)} aria-label={`${open ? 'Collapse' : 'Expand'} ${path}`}>
          {open ? '▾' : '▸'}
        </button>
        {label}
        <span className="muted">{Array.isArray(value) ? `[${entries.length}]` : `{${entries.length}}`}</span>
        {open && (
          <ul role="group">
            {entries.map(([key, child]) => (
              <Node key={String(key)} name={String(key)} value={child} steps={[...steps, key]} selected={selected} onPick={onPick} depth={depth + 1} />
            ))}
          </ul>
        )}
      </li>
    )
  }
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value)
  return (
    <li role="treeitem" aria-label={path} aria-selected={selected === path}>
      {label}
      <button
        type="button"
        className={`payload-leaf ${leafClass(value)}${selected === path ? ' selected' : ''}`}
        aria-label={`Map ${path}`}
        title={`${path} — click to map this value to a tag`}
        onClick={() => onPick(steps, value)}
      >
        {text.length > 80 ? `${text.slice(0, 80)}…` : text}
      </button>
    </li>
  )
}

/** A JSON payload as a tree whose values can be clicked to map them to a tag. */
export function JsonPayloadTree({
  document,
  selected,
  onPick,
}: {
  document: unknown
  selected?: string
  onPick(steps: PathStep[], value: unknown): void
}): React.JSX.Element {
  if (document === null || typeof document !== 'object') {
    return (
      <ul role="tree" aria-label="Payload" className="payload-tree">
        <Node name={undefined} value={document} steps={[]} selected={selected} onPick={onPick} depth={0} />
      </ul>
    )
  }
  const entries: Array<[PathStep, unknown]> = Array.isArray(document) ? document.map((v, i) => [i, v]) : Object.entries(document)
  return (
    <ul role="tree" aria-label="Payload" className="payload-tree">
      {entries.map(([key, child]) => (
        <Node key={String(key)} name={String(key)} value={child} steps={[key]} selected={selected} onPick={onPick} depth={1} />
      ))}
    </ul>
  )
}
