import { useState } from 'react'
import { useMutation, useQueryClient } from '@tanstack/react-query'
import type { ConnectionConfigInput, ConnectionDetail } from '../../../../preload/contract'
import { useClient } from '../../app/client-context'
import { queryKey } from '../../bridge/queries'
import { Dialog, DialogButtons, ErrorAlert } from '../../app/Dialog'

/**
 * Edit a saved connection: its name and the protocol's own fields (`children`), saved with `connections.update` (main
 * checks the configuration, keeps secrets left blank and reconnects when it was connected); the tags stay as they are.
 */
export function SettingsDialog({
  detail,
  protocolName,
  configOf,
  onClose,
  children,
}: {
  detail: ConnectionDetail
  /** `MQTT`, `S7`: the dialog is "Edit MQTT connection". */
  protocolName: string
  /** The whole configuration from the name as typed and the protocol's fields, with the stored tags. */
  configOf(name: string, tags: unknown[]): ConnectionConfigInput
  onClose(): void
  children: React.ReactNode
}): React.JSX.Element {
  const client = useClient()
  const queryClient = useQueryClient()
  const [name, setName] = useState(String(detail.config.name ?? detail.status.name))
  const save = useMutation({
    mutationFn: () =>
      client.call('connections.update', {
        id: detail.id,
        config: configOf(name.trim() || detail.status.name, Array.isArray(detail.config.tags) ? detail.config.tags : []) as never,
      }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: queryKey('connections.managed') })
      onClose()
    },
  })
  return (
    <Dialog label={`Edit ${protocolName} connection`} onClose={onClose}>
      <h2>Edit {detail.status.name}</h2>
      <form
        onSubmit={(e) => {
          e.preventDefault()
          save.mutate()
        }}
      >
        <label className="form-field">
          <span>Name</span>
          <input type="text" value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        {children}
        <ErrorAlert error={save.error} />
        <DialogButtons onCancel={onClose}>
          <button type="submit" disabled={save.isPending}>
            {save.isPending ? 'Saving…' : 'Save and reconnect'}
          </button>
        </DialogButtons>
      </form>
    </Dialog>
  )
}

/** The "Edit settings" button of a connection and its dialog (`dialog` renders it, given how to close it). */
export function SettingsButton({ dialog }: { dialog(onClose: () => void): React.ReactNode }): React.JSX.Element {
  const [open, setOpen] = useState(false)
  return (
    <>
      <button type="button" className="ghost" onClick={() => setOpen(true)}>
        Edit settings
      </button>
      {open && dialog(() => setOpen(false))}
    </>
  )
}
