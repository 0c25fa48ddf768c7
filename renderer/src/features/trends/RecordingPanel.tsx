import { useEffect, useState } from 'react'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useClient } from '../../app/client-context'

const DAY_MS = 86_400_000
const MB = 1024 * 1024

/** The project's historian: what it holds, and how long and how much raw history it keeps. */
export function RecordingPanel(): React.JSX.Element {
  const client = useClient()
  const queries = useQueryClient()
  const stats = useQuery({ queryKey: ['history.stats'], queryFn: () => client.call('history.stats'), refetchInterval: 5000 })
  const retention = useQuery({ queryKey: ['history.retention'], queryFn: () => client.call('history.retention') })
  const [days, setDays] = useState('')
  const [megabytes, setMegabytes] = useState('')
  useEffect(() => {
    if (!retention.data) return
    setDays(retention.data.maxAgeMs === null ? '' : String(retention.data.maxAgeMs / DAY_MS))
    setMegabytes(retention.data.maxBytes === null ? '' : String(Math.round(retention.data.maxBytes / MB)))
  }, [retention.data])
  const save = useMutation({
    mutationFn: () =>
      client.call('history.setRetention', {
        maxAgeMs: days.trim() === '' ? null : Math.round(Number(days) * DAY_MS),
        maxBytes: megabytes.trim() === '' ? null : Math.round(Number(megabytes) * MB),
      }),
    onSuccess: () => queries.invalidateQueries({ queryKey: ['history.retention'] }),
  })
  const s = stats.data
  return (
    <section className="recording" aria-label="Recording">
      <h2>Recording</h2>
      {s && (
        <p className="muted small" role="status" aria-label="Historian">
          {s.storedSamples.toLocaleString()} samples of {s.tags} tags, {(s.fileBytes / MB).toFixed(1)} MB
          {s.bufferedSamples > 0 ? `, ${s.bufferedSamples} buffered` : ''}
          {s.paused ? ' — writes paused' : ''}
          <br />
          <span className="mono">{s.file}</span>
        </p>
      )}
      {s?.lastError && (
        <p role="alert" className="error-text small">
          {s.lastError}
        </p>
      )}
      <form
        className="retention-form"
        onSubmit={(e) => {
          e.preventDefault()
          save.mutate()
        }}
      >
        <label>
          Keep raw history (days)
          <input
            type="number"
            min={0.05}
            step="any"
            placeholder="forever"
            aria-label="Keep raw history (days)"
            value={days}
            onChange={(e) => setDays(e.target.value)}
          />
        </label>
        <label>
          Max file size (MB)
          <input
            type="number"
            min={1}
            step={1}
            placeholder="no limit"
            aria-label="Max file size (MB)"
            value={megabytes}
            onChange={(e) => setMegabytes(e.target.value)}
          />
        </label>
        <button type="submit">Save retention</button>
        {save.isSuccess && <span role="status">Saved</span>}
        {save.isError && (
          <span role="alert" className="error-text">
            {save.error.message}
          </span>
        )}
      </form>
    </section>
  )
}
