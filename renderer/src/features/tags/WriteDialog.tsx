import { useState } from 'react'
import { useMutation, useQueryClient } from '@tanstack/react-query'
import type { PreparedWrite, TagInfo } from '../../../../preload/contract'
import { useClient } from '../../app/client-context'
import { formatValue } from '../../app/format'
import '../connections/connections.css'
import { ConfirmAgainstShown } from '../connections/ConfirmAgainstShown'
import { queryKey } from '../../bridge/queries'
import { Dialog, DialogButtons, ErrorAlert } from '../../app/Dialog'

const parseInput = (tag: TagInfo, text: string): number | boolean | string => {
  const type = tag.dataType.toLowerCase()
  if (type === 'bool' || type === 'boolean') return text.trim().toLowerCase() === 'true' || text.trim() === '1'
  if (type === 'string') return text
  const n = Number(text)
  return text.trim() === '' || Number.isNaN(n) ? text : n
}

/** Two steps: prepare (the host reads the old value and checks the new one), then the person confirms and sees the result. */
export function WriteDialog({ tag, onClose }: { tag: TagInfo; onClose(): void }): React.JSX.Element {
  const client = useClient()
  const queryClient = useQueryClient()
  const [text, setText] = useState('')
  const [prepared, setPrepared] = useState<PreparedWrite>()
  const prepare = useMutation({ mutationFn: () => client.call('writes.prepare', { tagId: tag.id, value: parseInput(tag, text) }), onSuccess: setPrepared })
  const commit = useMutation({
    mutationFn: () => client.call('writes.commit', { id: prepared!.id }),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: queryKey('audit.list') }),
  })
  return (
    <Dialog label={`Write ${tag.name}`} onClose={onClose}>
      <h2>Write {tag.name}</h2>
      {!prepared && (
        <form
          onSubmit={(e) => {
            e.preventDefault()
            prepare.mutate()
          }}
        >
          <label className="form-field">
            <span>New value</span>
            <input type="text" value={text} autoFocus onChange={(e) => setText(e.target.value)} />
          </label>
          <p className="muted small">
            {tag.dataType}
            {tag.range ? `, range ${tag.range.low} … ${tag.range.high}` : ''} {tag.unit ?? ''}
          </p>
          <ErrorAlert error={prepare.error} />
          <DialogButtons onCancel={onClose}>
            <button type="submit" disabled={prepare.isPending}>
              Check
            </button>
          </DialogButtons>
        </form>
      )}
      {prepared && !commit.isSuccess && (
        <ConfirmAgainstShown
          label="Write to confirm"
          rows={[
            { term: 'Tag', value: prepared.tag.id, mono: true },
            { term: 'Address', value: prepared.address, name: 'Address', mono: true },
            { term: 'Old value', value: formatValue(prepared.oldValue, tag.unit, tag.enumLabels), name: 'Old value' },
            { term: 'New value', value: formatValue(prepared.newValue, tag.unit, tag.enumLabels), name: 'New value' },
          ]}
          error={commit.isError ? commit.error.message : undefined}
          confirmLabel="Confirm write"
          disabled={!prepared.ok || commit.isPending}
          onConfirm={() => commit.mutate()}
          onCancel={onClose}
          back={{ label: 'Change value', onClick: () => setPrepared(undefined) }}
        >
          <ul aria-label="Checks">
            {prepared.checks.map((c) => (
              <li key={c.name} className={c.ok ? 'check-ok' : 'check-failed'}>
                {c.ok ? '✓' : '✗'} {c.name}: {c.message}
              </li>
            ))}
          </ul>
        </ConfirmAgainstShown>
      )}
      {commit.isSuccess && (
        <>
          {commit.data.result === 'mismatch' ? (
            <p role="alert" className="error-text" aria-label="Read-back mismatch">
              Mismatch: {formatValue(commit.data.newValue, tag.unit)} was sent, but the device now reads {formatValue(commit.data.readBack, tag.unit)} — it
              changed or limited the value; check it on the device.
            </p>
          ) : (
            <p role="status">
              Written: {formatValue(commit.data.oldValue, tag.unit)} → {formatValue(commit.data.newValue, tag.unit)}; the device now reads{' '}
              {formatValue(commit.data.readBack, tag.unit)}.
            </p>
          )}
          <div className="toolbar">
            <span className="spacer" />
            <button type="button" onClick={onClose}>
              Close
            </button>
          </div>
        </>
      )}
    </Dialog>
  )
}
