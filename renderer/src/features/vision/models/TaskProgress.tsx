import { formatDuration } from '../../../app/format'

/** done / total, rate and ETA of a running task, with its Cancel button. */
export function TaskProgress({
  label,
  state,
  onCancel,
}: {
  label: string
  state: { phase: string; done?: number; total?: number; rate?: number; etaMs?: number | null }
  onCancel: () => void
}): React.JSX.Element | null {
  if (state.phase !== 'running') return null
  const { done = 0, total = 0, rate = 0, etaMs } = state
  return (
    <span className="vm-progress">
      <progress aria-label={`${label} progress`} max={total || 1} value={done} />
      <span className="muted">
        {done} / {total || '…'} images{rate > 0 ? ` · ${rate.toFixed(1)}/s` : ''}
        {etaMs ? ` · ${formatDuration(etaMs)} left` : ''}
      </span>
      <button type="button" onClick={onCancel} aria-label={`Cancel ${label.toLowerCase()}`}>
        Cancel
      </button>
    </span>
  )
}
