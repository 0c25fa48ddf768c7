import { useState } from 'react'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import type { ModbusTagConfig, TagInfo } from '../../../../preload/contract'
import { useClient } from '../../app/client-context'
import { queryKey } from '../../bridge/queries'

/** The Modbus unit id of a tag; editable when the tag belongs to a connection added in Connections. */
export function UnitIdField({ tag }: { tag: TagInfo & { unitId: number } }): React.JSX.Element {
  const client = useClient()
  const queryClient = useQueryClient()
  const connection = useQuery({
    queryKey: queryKey('connections.get', tag.connectionId),
    queryFn: () => client.call('connections.get', { id: tag.connectionId }),
    retry: false,
  })
  const configured = (Array.isArray(connection.data?.config.tags) ? (connection.data.config.tags as ModbusTagConfig[]) : []).find((t) => t.name === tag.name)
  const [draft, setDraft] = useState<string>()
  const parsed = draft !== undefined && /^\d+$/.test(draft.trim()) && Number(draft) <= 255 ? Number(draft) : undefined
  const save = useMutation({
    mutationFn: () => client.call('connections.updateTag', { id: tag.connectionId, name: tag.name, tag: { ...configured!, unitId: parsed! } }),
    onSuccess: () => {
      setDraft(undefined)
      void queryClient.invalidateQueries({ queryKey: queryKey('tags.list') })
      void queryClient.invalidateQueries({ queryKey: queryKey('connections.get', tag.connectionId) })
      void queryClient.invalidateQueries({ queryKey: queryKey('connections.managed') })
    },
  })
  if (draft === undefined) {
    return (
      <dd>
        <span aria-label="Unit id">{tag.unitId}</span>
        {configured && (
          <button type="button" className="ghost small" onClick={() => setDraft(String(tag.unitId))}>
            Edit unit id
          </button>
        )}
      </dd>
    )
  }
  return (
    <dd>
      <form
        aria-label="Edit unit id"
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault()
          if (parsed !== undefined) save.mutate()
        }}
      >
        <label className="form-field">
          <span>Unit id</span>
          <input type="number" min={0} max={255} value={draft} onChange={(e) => setDraft(e.target.value)} autoFocus />
        </label>
        <button type="submit" disabled={parsed === undefined || save.isPending}>
          Save unit id
        </button>
        <button type="button" className="ghost" onClick={() => setDraft(undefined)}>
          Cancel
        </button>
        {parsed === undefined && <p className="error-text small">A unit id is a whole number 0 … 255.</p>}
        {save.isError && (
          <p role="alert" className="error-text">
            {save.error.message}
          </p>
        )}
      </form>
    </dd>
  )
}
