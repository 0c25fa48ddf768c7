import { useState } from 'react'
import { useMutation, useQueryClient } from '@tanstack/react-query'
import type { InputOf } from '../../../../preload/contract'
import { useClient } from '../../app/client-context'
import { queryKey } from '../../bridge/queries'

type TagInput = InputOf<'connections.addTags'>['tags'][number]

/** What every protocol's tag form asks the same way: the name, the range and whether it may be written. */
export interface CommonTagFields {
  name: string
  access: 'read' | 'read-write'
  range: { low: number; high: number } | undefined
}

/**
 * The "Add tag" form every register-style protocol shares (Modbus, S7): name, the protocol's own fields (`children`),
 * range and access; adds the tag with `connections.addTags` and refreshes the connections, or shows why not.
 */
export function AddTagForm({
  connectionId,
  canAdd,
  tagOf,
  onAdded,
  children,
}: {
  connectionId: string
  /** False while the protocol's fields do not make a tag yet (the address does not parse). */
  canAdd: boolean
  tagOf(common: CommonTagFields): TagInput
  /** Clears the protocol's fields after a tag was added. */
  onAdded(): void
  children: React.ReactNode
}): React.JSX.Element {
  const client = useClient()
  const queryClient = useQueryClient()
  const [name, setName] = useState('')
  const [low, setLow] = useState('')
  const [high, setHigh] = useState('')
  const [writable, setWritable] = useState(false)
  const add = useMutation({
    mutationFn: () =>
      client.call('connections.addTags', {
        id: connectionId,
        tags: [
          tagOf({
            name: name.trim(),
            access: writable ? 'read-write' : 'read',
            range: low !== '' && high !== '' ? { low: Number(low), high: Number(high) } : undefined,
          }),
        ],
      }),
    onSuccess: () => {
      setName('')
      onAdded()
      void queryClient.invalidateQueries({ queryKey: queryKey('connections.managed') })
    },
  })
  return (
    <form
      aria-label="Add tag"
      className="inline-form"
      onSubmit={(e) => {
        e.preventDefault()
        add.mutate()
      }}
    >
      <h3>Add tag</h3>
      <label className="form-field">
        <span>Tag name</span>
        <input type="text" value={name} onChange={(e) => setName(e.target.value)} required />
      </label>
      {children}
      <label className="form-field">
        <span>Range low</span>
        <input type="number" value={low} onChange={(e) => setLow(e.target.value)} />
      </label>
      <label className="form-field">
        <span>Range high</span>
        <input type="number" value={high} onChange={(e) => setHigh(e.target.value)} />
      </label>
      <label className="radio-row">
        <input type="checkbox" checked={writable} onChange={(e) => setWritable(e.target.checked)} /> Writable (read-write)
      </label>
      <button type="submit" disabled={add.isPending || !canAdd}>
        Add tag
      </button>
      {add.isError && (
        <p role="alert" className="error-text">
          {add.error.message}
        </p>
      )}
    </form>
  )
}
