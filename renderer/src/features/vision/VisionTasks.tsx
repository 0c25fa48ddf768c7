import { useQueryClient } from '@tanstack/react-query'
import { useRef, useState } from 'react'
import type { VisionDataset } from '../../../../preload/contract'
import { useClient } from '../../app/client-context'
import { formatDuration } from '../../app/format'
import { RunStatus, useCancellableJob } from './ExchangePanel'

type Progress = { done: number; total: number; etaMs: number }
type TaskState = { phase: 'idle' } | ({ phase: 'running' } & Progress) | { phase: 'done'; text: string } | { phase: 'failed'; message: string }

function TaskProgress({ label, state, onCancel }: { label: string; state: TaskState; onCancel: () => void }): React.JSX.Element | null {
  if (state.phase === 'running')
    return (
      <>
        <progress aria-label={`${label} progress`} max={state.total || 1} value={state.done} />
        <span className="muted">
          {state.done} / {state.total}
          {state.etaMs > 0 ? `, ${formatDuration(state.etaMs)} left` : ''}
        </span>
        <button type="button" onClick={onCancel} aria-label={`Cancel ${label.toLowerCase()}`}>
          Cancel
        </button>
      </>
    )
  if (state.phase === 'done') return <span role="status">{state.text}</span>
  if (state.phase === 'failed')
    return (
      <span role="alert" className="error-text">
        {state.message}
      </span>
    )
  return null
}

/** Export YOLO, train the anomaly model, run it on the open image: long tasks stream progress and can be cancelled. */
export function VisionTasks({ dataset, imageId }: { dataset: VisionDataset; imageId: string | null }): React.JSX.Element {
  const client = useClient()
  const queryClient = useQueryClient()
  const exporting = useCancellableJob()
  const [trainState, setTrainState] = useState<TaskState>({ phase: 'idle' })
  const [result, setResult] = useState<{ imageId: string; score: number; threshold: number; anomalous: boolean; overlay: string } | { error: string } | null>(
    null,
  )
  const closeTrain = useRef<(() => void) | null>(null)

  const exportYolo = (): void => {
    let last = { done: 0, total: 0 }
    exporting.start((jobId) =>
      client.subscribe(
        'vision.exportYolo',
        { datasetId: dataset.id, jobId },
        (event) => {
          if (event.kind === 'progress') {
            last = event
            exporting.progress(event)
          } else exporting.finish({ text: `Exported ${event.images} images as YOLO to ${event.dir}` })
        },
        (error) => {
          if (error)
            exporting.finish({
              error,
              cancelledText: `Export cancelled${last.total ? ` at ${last.done} of ${last.total} images` : ''} — no export folder was written, the staged files were removed`,
            })
        },
      ),
    )
  }
  const train = (): void => {
    setTrainState({ phase: 'running', done: 0, total: 0, etaMs: 0 })
    closeTrain.current = client.subscribe(
      'vision.trainAnomaly',
      { datasetId: dataset.id },
      (event) => {
        if (event.kind === 'progress') setTrainState({ phase: 'running', ...event })
        else {
          setTrainState({ phase: 'done', text: `Anomaly model trained on ${event.trainedOn} good images, threshold ${event.threshold.toFixed(2)}` })
          void queryClient.invalidateQueries({ queryKey: ['vision', 'datasets'] })
        }
      },
      (error) => {
        closeTrain.current = null
        if (error) setTrainState({ phase: 'failed', message: error.message })
      },
    )
  }
  const run = async (): Promise<void> => {
    if (!imageId) return
    try {
      setResult({ imageId, ...(await client.call('vision.runAnomaly', { datasetId: dataset.id, imageId })) })
    } catch (error) {
      setResult({ error: error instanceof Error ? error.message : String(error) })
    }
  }

  return (
    <section className="panel vision-tasks" aria-label="Export and models">
      <div
        className="vision-task-row"
        role="group"
        aria-label="YOLO export"
        onKeyDown={(event) => {
          if (event.key !== 'Escape' || exporting.run.phase !== 'running') return
          event.preventDefault()
          event.stopPropagation()
          exporting.cancel()
        }}
      >
        <button type="button" onClick={exportYolo} disabled={exporting.run.phase === 'running' || exporting.run.phase === 'cancelling'}>
          Export YOLO
        </button>
        <RunStatus label="Export" run={exporting.run} onCancel={exporting.cancel} describe={(done, total) => `${done} / ${total} images`} />
      </div>
      <div className="vision-task-row" role="group" aria-label="Anomaly model">
        <button type="button" onClick={train} disabled={trainState.phase === 'running'}>
          Train anomaly model
        </button>
        <TaskProgress
          label="Training"
          state={trainState}
          onCancel={() => (closeTrain.current?.(), setTrainState({ phase: 'failed', message: 'Training cancelled' }))}
        />
        {dataset.anomalyModel && trainState.phase !== 'done' && (
          <span className="muted">
            Model: {dataset.anomalyModel.trainedOn} good images, threshold {dataset.anomalyModel.threshold.toFixed(2)}
          </span>
        )}
        <button type="button" onClick={() => void run()} disabled={!dataset.anomalyModel || !imageId}>
          Run on this image
        </button>
      </div>
      {result && 'error' in result && (
        <p role="alert" className="error-text">
          {result.error}
        </p>
      )}
      {result && 'score' in result && (
        <figure className="vision-anomaly" aria-label="Anomaly result">
          <img src={result.overlay} alt={`Anomaly heat map of ${result.imageId}`} />
          <figcaption role="status">
            <strong className={result.anomalous ? 'error-text' : 'good-text'}>{result.anomalous ? 'FAIL' : 'PASS'}</strong> {result.imageId}: score{' '}
            {result.score.toFixed(2)} (threshold {result.threshold.toFixed(2)})
          </figcaption>
        </figure>
      )}
    </section>
  )
}
