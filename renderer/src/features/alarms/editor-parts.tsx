// The parts the rule editor and the target editor share: the list beside the editor, text fields bound to a draft,
// the status line after an action, and the question before a delete.
import { useState } from 'react'
import { errorText } from './alarm-words'

export interface EditorStatus {
  text: string
  error?: boolean
}

/** Runs an action and keeps what it said (or why it failed, prefixed with `what`) for the status line. */
export function useEditorStatus(after?: () => Promise<void>): {
  status: EditorStatus | undefined
  setStatus: (status: EditorStatus | undefined) => void
  run: (what: string, work: () => Promise<string>) => Promise<void>
} {
  const [status, setStatus] = useState<EditorStatus>()
  const run = async (what: string, work: () => Promise<string>): Promise<void> => {
    try {
      setStatus({ text: await work() })
    } catch (error) {
      setStatus({ text: `${what}: ${errorText(error)}`, error: true })
    }
    await after?.()
  }
  return { status, setStatus, run }
}

export function StatusLine({ status }: { status: EditorStatus | undefined }): React.JSX.Element | null {
  if (!status) return null
  return (
    <p role="status" className={status.error ? 'error-text' : 'muted'}>
      {status.text}
    </p>
  )
}

/** A labelled text input bound to one key of a draft whose fields are kept as typed. */
export function draftField<D extends object>(
  draft: D,
  set: <K extends keyof D>(key: K, value: D[K]) => void,
): (label: string, key: keyof D, extra?: React.InputHTMLAttributes<HTMLInputElement>) => React.JSX.Element {
  const DraftField = (label: string, key: keyof D, extra: React.InputHTMLAttributes<HTMLInputElement> = {}): React.JSX.Element => (
    <label>
      {label}
      <input value={String(draft[key])} onChange={(e) => set(key, e.target.value as D[keyof D])} {...extra} />
    </label>
  )
  return DraftField
}

export interface EditorListItem {
  id: string
  name: string
  detail: string
  detailClassName?: string
}

/** The list beside an editor: a heading, a "New …" button, the stored items (the one being edited marked). */
export function EditorList(props: {
  title: string
  newLabel: string
  listLabel: string
  items: readonly EditorListItem[] | undefined
  activeId: string
  emptyText: string
  onNew: () => void
  onPick: (id: string) => void
  children?: React.ReactNode
}): React.JSX.Element {
  return (
    <div className="panel rule-list">
      <div className="toolbar">
        <h2>{props.title}</h2>
        <span className="spacer" />
        <button type="button" onClick={props.onNew}>
          {props.newLabel}
        </button>
      </div>
      <ul aria-label={props.listLabel}>
        {(props.items ?? []).map((item) => (
          <li key={item.id}>
            <button type="button" className={item.id === props.activeId ? 'active' : undefined} onClick={() => props.onPick(item.id)}>
              <span>{item.name}</span> <span className={item.detailClassName ?? 'muted small'}>{item.detail}</span>
            </button>
          </li>
        ))}
      </ul>
      {props.items?.length === 0 && <p className="empty">{props.emptyText}</p>}
      {props.children}
    </div>
  )
}

/**
 * The question before a delete: what goes (id and name), what is kept, an optional reason, and two answers.
 * `onDelete` gets the reason as typed (trimmed, undefined when blank).
 */
export function ConfirmDelete(props: {
  what: string
  id: string
  name?: string
  kept: string
  withReason?: boolean
  onDelete: (reason: string | undefined) => void
  onCancel: () => void
}): React.JSX.Element {
  const [reason, setReason] = useState('')
  return (
    <div className="toolbar wrap" role="group" aria-label={`Confirm deleting the ${props.what}`}>
      <span>
        Delete {props.what} <strong className="mono">{props.id}</strong>
        {props.name ? ` (${props.name})` : ''}? {props.kept}
      </span>
      {props.withReason && (
        <label>
          Reason <input value={reason} onChange={(e) => setReason(e.target.value)} placeholder="optional" />
        </label>
      )}
      <button type="button" className="danger" onClick={() => props.onDelete(reason.trim() || undefined)}>
        Delete {props.id}
      </button>
      <button type="button" autoFocus onClick={props.onCancel}>
        Cancel
      </button>
    </div>
  )
}
