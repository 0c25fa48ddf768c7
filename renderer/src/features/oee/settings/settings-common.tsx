import { useQuery } from '@tanstack/react-query'
import type { TagInfo } from '../../../../../preload/contract'
import { useClient } from '../../../app/client-context'
import { queryKey } from '../../../bridge/queries'

export const TAG_LIST_ID = 'oee-tag-options'

/** The workstation's tags (the tags contract), offered in every tag field through one datalist. */
export function TagOptions(): React.JSX.Element {
  const client = useClient()
  const tags = useQuery({ queryKey: queryKey('tags', 'list', 'oee-settings'), queryFn: () => client.call('tags.list', { limit: 20_000 }), staleTime: 30_000 })
  return (
    <datalist id={TAG_LIST_ID}>
      {(tags.data ?? []).map((t: TagInfo) => (
        <option key={t.id} value={t.id}>
          {t.description ?? t.name}
        </option>
      ))}
    </datalist>
  )
}

/** A tag field: type to search the tag list; empty means "not used" for optional tags. */
export function TagField({
  label,
  value,
  onChange,
  required,
}: {
  label: string
  value: string | undefined
  onChange: (v: string | undefined) => void
  required?: boolean
}): React.JSX.Element {
  return (
    <label className="oee-field">
      <span>
        {label}
        {required ? ' *' : ''}
      </span>
      <input
        type="text"
        list={TAG_LIST_ID}
        aria-label={label}
        value={value ?? ''}
        placeholder={required ? 'pick a tag' : 'not used'}
        onChange={(e) => onChange(e.target.value.trim() === '' ? undefined : e.target.value)}
      />
    </label>
  )
}

/** The problems a save was refused for: every field at fault, as the host listed them. */
export function SaveProblems({ error, what }: { error: Error | null; what: string }): React.JSX.Element | null {
  if (!error) return null
  const details = (error as Error & { details?: { problems?: { path: string; message: string }[] } }).details
  const problems = details?.problems
  return (
    <div role="alert" className="oee-problems">
      <strong>{what} not saved.</strong>
      {problems?.length ? (
        <ul>
          {problems.map((p, i) => (
            <li key={i}>
              {p.path && <code>{p.path}</code>} {p.message}
            </li>
          ))}
        </ul>
      ) : (
        <p>{error.message}</p>
      )}
    </div>
  )
}

export function LastChange({ changes }: { changes: { at: number; who: string }[] }): React.JSX.Element {
  const last = changes[0]
  return <span className="muted small">{last ? `last changed by ${last.who}, ${new Date(last.at).toLocaleString()}` : 'never changed here'}</span>
}

/** A number field that keeps what is typed and reports undefined when empty. */
export function NumberField({
  label,
  value,
  onChange,
  step,
  min,
  unit,
}: {
  label: string
  value: number | undefined
  onChange: (v: number | undefined) => void
  step?: number
  min?: number
  unit?: string
}): React.JSX.Element {
  return (
    <label className="oee-field">
      <span>{label}</span>
      <span className="oee-with-unit">
        <input
          type="number"
          aria-label={label}
          value={value ?? ''}
          step={step ?? 'any'}
          min={min}
          onChange={(e) => onChange(e.target.value === '' ? undefined : Number(e.target.value))}
        />
        {unit && <span className="muted small">{unit}</span>}
      </span>
    </label>
  )
}

/** The bottom of a settings form: what a refused save was refused for, Discard changes, Save (Ctrl+S), and "saved". */
export function SaveBar({
  what,
  save,
  dirty,
  onDiscard,
  saveLabel,
  savedText,
}: {
  what: string
  save: { error: Error | null; isPending: boolean; isSuccess: boolean; mutate: () => void }
  dirty: boolean
  onDiscard: () => void
  saveLabel: string
  savedText: string
}): React.JSX.Element {
  return (
    <div className="oee-save-bar">
      <SaveProblems error={save.error} what={what} />
      <div className="oee-dialog-actions">
        <button type="button" className="ghost" disabled={!dirty} onClick={onDiscard}>
          Discard changes
        </button>
        <button type="button" disabled={!dirty || save.isPending} onClick={() => save.mutate()} aria-keyshortcuts="Control+S">
          {saveLabel}
        </button>
        {save.isSuccess && !dirty && (
          <span className="muted small" role="status">
            {savedText}
          </span>
        )}
      </div>
    </div>
  )
}
