import { useRef, useState } from 'react'
import type { HistoryExportEvent } from '../../../../preload/contract'
import { useClient } from '../../app/client-context'
import { formatDuration } from '../../app/format'

type ExportState =
  | { phase: 'idle' }
  | { phase: 'running'; done: number; total: number; rate: number; etaMs: number | null }
  | { phase: 'done'; file: string; rows: number; bytes: number }
  | { phase: 'failed'; message: string }

/** Exports the pens' recorded history for the shown range, streamed with progress and a cancel button. */
export function HistoryExport({ tagIds, window }: { tagIds: string[]; window: { from: number; to: number } }): React.JSX.Element {
  const client = useClient()
  const [format, setFormat] = useState<'csv-long' | 'csv-wide' | 'jsonl' | 'parquet'>('csv-wide')
  const [state, setState] = useState<ExportState>({ phase: 'idle' })
  const close = useRef<(() => void) | null>(null)

  const start = (): void => {
    setState({ phase: 'running', done: 0, total: 0, rate: 0, etaMs: null })
    close.current = client.subscribe(
      'history.export',
      { tagIds, from: Math.round(window.from), to: Math.round(window.to), format },
      (event: HistoryExportEvent) =>
        setState(event.kind === 'progress' ? { phase: 'running', ...event } : { phase: 'done', file: event.file, rows: event.rows, bytes: event.bytes }),
      (error) => {
        close.current = null
        if (error) setState({ phase: 'failed', message: error.message })
      },
    )
  }
  const cancel = (): void => {
    close.current?.()
    close.current = null
    setState({ phase: 'failed', message: 'Export cancelled; the partial file was removed.' })
  }

  return (
    <div className="history-export" role="group" aria-label="Export history">
      <select aria-label="Export format" value={format} onChange={(e) => setFormat(e.target.value as typeof format)}>
        <option value="csv-wide">CSV, one column per tag</option>
        <option value="csv-long">CSV, time/tag/value rows</option>
        <option value="jsonl">JSON lines</option>
        <option value="parquet">Parquet (time/tag/value/quality)</option>
      </select>
      {state.phase === 'running' ? (
        <>
          <progress aria-label="Export progress" max={state.total || 1} value={state.done} />
          <span className="muted">
            {state.done.toLocaleString()} / {state.total.toLocaleString()} samples{state.etaMs ? `, ${formatDuration(state.etaMs)} left` : ''}
          </span>
          <button type="button" onClick={cancel}>
            Cancel export
          </button>
        </>
      ) : (
        <button type="button" onClick={start} disabled={tagIds.length === 0}>
          Export history
        </button>
      )}
      {state.phase === 'done' && (
        <span role="status">
          Exported {state.rows.toLocaleString()} rows ({(state.bytes / 1024).toFixed(0)} KiB) to <span className="mono">{state.file}</span>
        </span>
      )}
      {state.phase === 'failed' && (
        <span role="alert" className="error-text">
          {state.message}
        </span>
      )}
    </div>
  )
}
