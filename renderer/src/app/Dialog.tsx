// The frame every dialog shares: a modal over a backdrop, named for screen readers, closed by Escape; the error line
// after a failed action; and the row of buttons with Cancel first and the action that commits last.

/** A modal dialog named `label` (its accessible name); Escape calls `onClose`. */
export function Dialog(props: { label: string; wide?: boolean; onClose: () => void; children: React.ReactNode }): React.JSX.Element {
  return (
    <div className="dialog-backdrop">
      <div
        role="dialog"
        aria-modal="true"
        aria-label={props.label}
        className={props.wide ? 'dialog dialog-wide' : 'dialog'}
        onKeyDown={(e) => {
          if (e.key === 'Escape') props.onClose()
        }}
      >
        {props.children}
      </div>
    </div>
  )
}

/** What failed, as an alert; nothing while there is no error. */
export function ErrorAlert({ error }: { error: { message: string } | string | null | undefined }): React.JSX.Element | null {
  if (!error) return null
  return (
    <p role="alert" className="error-text">
      {typeof error === 'string' ? error : error.message}
    </p>
  )
}

/** The dialog's buttons, right-aligned: Cancel (when `onCancel` is given), then `children` (the committing one last). */
export function DialogButtons({ onCancel, children }: { onCancel?: () => void; children?: React.ReactNode }): React.JSX.Element {
  return (
    <div className="toolbar">
      <span className="spacer" />
      {onCancel && (
        <button type="button" className="ghost" onClick={onCancel}>
          Cancel
        </button>
      )}
      {children}
    </div>
  )
}
