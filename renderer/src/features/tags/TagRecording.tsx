import { useEffect, useState } from 'react'
import { useMutation, useQuery } from '@tanstack/react-query'
import { useClient } from '../../app/client-context'

/** How the historian records one tag: every sample, only beyond a deadband, or only on change. */
export function TagRecording({ tagId, unit }: { tagId: string; unit?: string }): React.JSX.Element {
  const client = useClient()
  const config = useQuery({ queryKey: ['history.tagConfig', tagId], queryFn: () => client.call('history.tagConfig', { tagId }) })
  const [deadband, setDeadband] = useState('')
  const [onChange, setOnChange] = useState(false)
  useEffect(() => {
    if (!config.data) return
    setDeadband(config.data.deadband === null ? '' : String(config.data.deadband))
    setOnChange(config.data.onChange)
  }, [config.data])
  const save = useMutation({
    mutationFn: () =>
      client.call('history.setTagConfig', {
        tagId,
        deadband: deadband.trim() === '' ? null : Number(deadband),
        onChange,
        retentionMs: config.data?.retentionMs ?? null,
      }),
  })
  return (
    <form
      className="tag-recording"
      aria-label="Recording of this tag"
      onSubmit={(e) => {
        e.preventDefault()
        save.mutate()
      }}
    >
      <h3>Recording</h3>
      <label>
        Deadband{unit ? ` (${unit})` : ''}{' '}
        <input
          type="number"
          min={0}
          step="any"
          placeholder="none"
          aria-label="Recording deadband"
          value={deadband}
          onChange={(e) => setDeadband(e.target.value)}
        />
      </label>
      <label>
        <input type="checkbox" checked={onChange} onChange={(e) => setOnChange(e.target.checked)} /> Only on change
      </label>
      <button type="submit">Save recording</button>
      {save.isSuccess && <span role="status">Saved</span>}
      {save.isError && (
        <span role="alert" className="error-text">
          {save.error.message}
        </span>
      )}
    </form>
  )
}
