import { useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import type { VisionDataset } from '../../../../preload/contract'
import { useClient } from '../../app/client-context'
import { busy, escapeCancels, RunStatus, useCancellableJob } from './ExchangePanel'

/** Export YOLO, train the anomaly model, run it on the open image: long tasks stream progress and can be cancelled. */
export function VisionTasks({ dataset, imageId }: { dataset: VisionDataset; imageId: string | null }): React.JSX.Element {
  const client = useClient()
  const queryClient = useQueryClient()
  const exporting = useCancellableJob()
  const training = useCancellableJob()
  const [result, setResult] = useState<{ imageId: string; score: number; threshold: number; anomalous: boolean; overlay: string } | { error: string } | null>(
    null,
  )

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
    training.start((jobId) =>
      client.subscribe(
        'vision.trainAnomaly',
        { datasetId: dataset.id, jobId },
        (event) => {
          if (event.kind === 'progress') training.progress(event)
          else {
            training.finish({ text: `Anomaly model trained on ${event.trainedOn} good images, threshold ${event.threshold.toFixed(2)}` })
            void queryClient.invalidateQueries({ queryKey: ['vision', 'datasets'] })
          }
        },
        (error) => {
          if (error)
            training.finish({
              error,
              cancelledText: dataset.anomalyModel
                ? 'Training cancelled — the previous anomaly model is kept'
                : 'Training cancelled — no anomaly model was saved',
            })
        },
      ),
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
      <div className="vision-task-row" role="group" aria-label="YOLO export" onKeyDown={escapeCancels(exporting.run, exporting.cancel)}>
        <button type="button" onClick={exportYolo} disabled={busy(exporting.run)}>
          Export YOLO
        </button>
        <RunStatus label="Export" run={exporting.run} onCancel={exporting.cancel} describe={(done, total) => `${done} / ${total} images`} />
      </div>
      <div className="vision-task-row" role="group" aria-label="Anomaly model" onKeyDown={escapeCancels(training.run, training.cancel)}>
        <button type="button" onClick={train} disabled={busy(training.run)}>
          Train anomaly model
        </button>
        <RunStatus label="Training" run={training.run} onCancel={training.cancel} />
        {dataset.anomalyModel && training.run.phase !== 'done' && (
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
