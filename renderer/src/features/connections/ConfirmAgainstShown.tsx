import type { ReactNode } from 'react'
import './connections.css'
import { DialogButtons, ErrorAlert } from '../../app/Dialog'

// The confirm step every action on a device goes through (a tag write, a register monitor cell, an OPC UA method call,
// an MQTT publish): exactly what will be sent, row by row, then Cancel, an optional step back, and Confirm. What is
// confirmed is what is shown; the host checks arming again and writes the audit row.

export interface ConfirmRow {
  /** The row's term, and the accessible name of its value unless `name` says otherwise. */
  term: ReactNode
  value: ReactNode
  /** Accessible name of the value (`Old value`, `Input start`); none when undefined. */
  name?: string
  mono?: boolean
}

export function ConfirmAgainstShown({
  label,
  rows,
  children,
  error,
  confirmLabel,
  disabled,
  onConfirm,
  onCancel,
  back,
}: {
  /** Accessible name of the list of rows: `Write to confirm`, `Call to confirm`. */
  label: string
  rows: ConfirmRow[]
  /** Between the rows and the buttons: checks, warnings, the arming switch. */
  children?: ReactNode
  /** Why the last confirm failed, as the host said it. */
  error?: string
  confirmLabel: string
  /** Confirm cannot be pressed: a check failed, not armed, or the last confirm is still under way. */
  disabled?: boolean
  onConfirm(): void
  onCancel(): void
  /** Back to the form: `Change value`, `Change inputs`. */
  back?: { label: string; onClick(): void }
}): React.JSX.Element {
  return (
    <>
      <dl className="endpoints" aria-label={label}>
        {rows.map((row, index) => (
          <div key={index} style={{ display: 'contents' }}>
            <dt>{row.term}</dt>
            <dd className={row.mono ? 'mono' : undefined} aria-label={row.name}>
              {row.value}
            </dd>
          </div>
        ))}
      </dl>
      {children}
      <ErrorAlert error={error} />
      <DialogButtons onCancel={onCancel}>
        {back && (
          <button type="button" className="ghost" onClick={back.onClick}>
            {back.label}
          </button>
        )}
        <button type="button" disabled={disabled} onClick={onConfirm}>
          {confirmLabel}
        </button>
      </DialogButtons>
    </>
  )
}
