import { useQueryClient } from '@tanstack/react-query'
import { useEffect, useRef, useState } from 'react'
import {
  visionExchangeFormats,
  type LongTaskProgress,
  type VisionDataset,
  type VisionExchangeFormat,
  type VisionImportFailure,
} from '../../../../preload/contract'
import type { HostError } from '../../bridge/client'
import { useClient } from '../../app/client-context'
import { formatDuration } from '../../app/format'
import { queryKey } from '../../bridge/queries'

export const FORMAT_LABELS: Record<VisionExchangeFormat, string> = {
  yolo: 'YOLO (images/, labels/, data.yaml)',
  coco: 'COCO JSON (annotations.json)',
  voc: 'Pascal VOC XML (Annotations/, JPEGImages/)',
  'class-folders': 'Class folders (<split>/<class>/)',
}
const SHORT: Record<VisionExchangeFormat, string> = { yolo: 'YOLO', coco: 'COCO', voc: 'VOC', 'class-folders': 'class folders' }

type Progress = Omit<LongTaskProgress, 'kind'>
export type Run =
  | { phase: 'idle' }
  | ({ phase: 'running' } & Progress)
  /** Cancel asked for; the host has not said yet how the job ended. */
  | ({ phase: 'cancelling' } & Progress)
  | { phase: 'done'; text: string }
  | { phase: 'cancelled'; text: string }
  | { phase: 'failed'; message: string }

type ImportRefusal = { items: VisionImportFailure[]; count: number; importable: number }
type Failures =
  | ({ kind: 'refused'; request: { format: VisionExchangeFormat; dir: string; name: string } } & ImportRefusal)
  | { kind: 'skipped'; items: VisionImportFailure[]; count: number }

/** The entries an import refused, from its error's details (`failures`, `failureCount`, `importable`); null for other errors. */
export function importRefusal(details: unknown): ImportRefusal | null {
  const d = details as { failures?: unknown; failureCount?: unknown; importable?: unknown } | undefined
  if (!d || !Array.isArray(d.failures) || d.failures.length === 0) return null
  const items = d.failures.filter(
    (f): f is VisionImportFailure => !!f && typeof (f as VisionImportFailure).entry === 'string' && typeof (f as VisionImportFailure).reason === 'string',
  )
  return { items, count: typeof d.failureCount === 'number' ? d.failureCount : items.length, importable: typeof d.importable === 'number' ? d.importable : 0 }
}

/** Where a path typed by hand is obviously wrong; the service checks the rest (exists, empty, readable). */
export function pathProblem(value: string, required: boolean): string | null {
  const text = value.trim()
  if (!text) return required ? 'Enter a folder path' : null
  if (!/^(\/|[A-Za-z]:[\\/]|\\\\)/.test(text)) return 'Enter an absolute path, e.g. /home/me/datasets/bottles'
  if (/[\0]/.test(text)) return 'The path contains a NUL character'
  return null
}

const KEY_CAP: React.CSSProperties = {
  border: '1px solid var(--border)',
  borderBottomWidth: 2,
  borderRadius: 3,
  padding: '0 4px',
  marginLeft: 4,
  fontSize: '0.8em',
  color: 'var(--muted)',
  background: 'var(--panel-2)',
}

const newJobId = (): string => `job-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`
export const busy = (run: Run): boolean => run.phase === 'running' || run.phase === 'cancelling'

/**
 * One cancellable long job (export, import): its progress, and a cancel that waits for the host to say how the job really
 * ended — "cancelled" only once its staged files are gone, or the result if it finished before the cancel arrived.
 */
export function useCancellableJob(): {
  run: Run
  start(open: (jobId: string) => () => void): void
  progress(event: Progress): void
  /** The stream ended: the result text, or the error (CANCELLED included). */
  finish(outcome: { text: string } | { error: HostError; cancelledText: string }): void
  cancel(): void
} {
  const client = useClient()
  const [run, setRun] = useState<Run>({ phase: 'idle' })
  const job = useRef<{ id: string; close: () => void; cancelAsked: boolean } | null>(null)
  // Leaving the view closes the stream, which cancels the job on the host.
  useEffect(() => () => job.current?.close(), [])
  return {
    run,
    start(open) {
      const id = newJobId()
      setRun({ phase: 'running', done: 0, total: 0, rate: 0, etaMs: null })
      job.current = { id, close: () => undefined, cancelAsked: false }
      job.current.close = open(id)
    },
    progress(event) {
      setRun((r) => ({
        phase: r.phase === 'cancelling' ? 'cancelling' : 'running',
        done: event.done,
        total: event.total,
        rate: event.rate,
        etaMs: event.etaMs,
      }))
    },
    finish(outcome) {
      const cancelAsked = job.current?.cancelAsked ?? false
      job.current = null
      if ('text' in outcome) setRun({ phase: 'done', text: cancelAsked ? `${outcome.text} (it had finished before the cancel reached it)` : outcome.text })
      else if (outcome.error.code === 'CANCELLED') setRun({ phase: 'cancelled', text: outcome.cancelledText })
      else setRun({ phase: 'failed', message: outcome.error.message })
    },
    cancel() {
      const current = job.current
      if (!current || current.cancelAsked) return
      current.cancelAsked = true
      setRun((r) => (r.phase === 'running' ? { ...r, phase: 'cancelling' } : r))
      client.call('vision.cancelJob', { jobId: current.id }).catch((error: unknown) => {
        // The host did not take the request; closing the stream cancels too, but then no word comes back on how it ended.
        current.close()
        if (job.current === current) job.current = null
        setRun({
          phase: 'failed',
          message: `Cancel was not confirmed (${error instanceof Error ? error.message : String(error)}) — the job was told to stop; check the target folder before using it`,
        })
      })
    },
  }
}

/** Progress with done/total, rate and time left, and a Cancel button (Esc while focus is in the row) that waits for the host. */
export function RunStatus({
  label,
  run,
  onCancel,
  describe,
}: {
  label: string
  run: Run
  onCancel: () => void
  /** What done/total counts, e.g. "12 / 500 images". */
  describe?: (done: number, total: number) => string
}): React.JSX.Element | null {
  const cancelButton = useRef<HTMLButtonElement>(null)
  const running = busy(run)
  // The start button is disabled while the job runs: focus moves to Cancel, so Esc, Enter or Space stop it at once.
  useEffect(() => {
    if (running) cancelButton.current?.focus()
  }, [running])
  if (run.phase === 'running' || run.phase === 'cancelling') {
    // Rate and time left from the first few items say little; they show once a few percent are done.
    const settled = run.phase === 'running' && run.total > 0 && run.done >= Math.max(2, run.total * 0.03)
    return (
      // A line of its own, with Cancel before the changing text: the button does not move under the pointer as numbers grow.
      <span className="vision-task-row" style={{ flexBasis: '100%' }}>
        <progress aria-label={`${label} progress`} max={run.total || 1} value={run.done} />
        <button
          ref={cancelButton}
          type="button"
          onClick={onCancel}
          disabled={run.phase === 'cancelling'}
          aria-label={`Cancel ${label.toLowerCase()}`}
          aria-keyshortcuts="Escape"
          title={`Cancel ${label.toLowerCase()} (Esc)`}
        >
          {run.phase === 'cancelling' ? 'Cancelling…' : `Cancel ${label.toLowerCase()}`} <kbd style={KEY_CAP}>Esc</kbd>
        </button>
        <span className="muted" role="status" aria-label={`${label} progress text`}>
          {run.total === 0 ? 'Starting…' : (describe?.(run.done, run.total) ?? `${run.done} / ${run.total}`)}
          {settled && run.rate > 0 ? ` · ${run.rate.toFixed(1)}/s` : ''}
          {settled && run.etaMs ? ` · ${formatDuration(run.etaMs)} left` : ''}
          {run.phase === 'cancelling' ? ' · cancelling, removing what was staged…' : ''}
        </span>
      </span>
    )
  }
  if (run.phase === 'done' || run.phase === 'cancelled')
    return (
      <span role="status" aria-label={`${label} result`} className="vision-wrap">
        {run.text}
      </span>
    )
  if (run.phase === 'failed')
    return (
      <span role="alert" className="error-text vision-wrap">
        {run.message}
      </span>
    )
  return null
}

/** Esc anywhere in the row cancels its running job (and goes no further: the labeling shortcuts do not see it). */
export function escapeCancels(run: Run, cancel: () => void) {
  return (event: React.KeyboardEvent): void => {
    if (event.key !== 'Escape' || run.phase !== 'running') return
    event.preventDefault()
    event.stopPropagation()
    cancel()
  }
}

/** Import progress counts each image twice: read and checked first, then copied (see VisionService.importDataset). */
function importSteps(done: number, total: number): string {
  const images = Math.round(total / 2)
  return done <= images ? `Checking ${done} / ${images} images` : `Copying ${done - images} / ${images} images`
}

/** Export the dataset to YOLO, COCO, VOC or class folders, and import a folder in one of them as a new dataset. */
export function ExchangePanel({ dataset, onImported }: { dataset: VisionDataset; onImported: (datasetId: string) => void }): React.JSX.Element {
  const client = useClient()
  const queryClient = useQueryClient()
  const [exportFormat, setExportFormat] = useState<VisionExchangeFormat>('coco')
  const [exportDir, setExportDir] = useState('')
  const [background, setBackground] = useState('good')
  const [segments, setSegments] = useState(false)
  const [importFormat, setImportFormat] = useState<VisionExchangeFormat>('coco')
  const [importDir, setImportDir] = useState('')
  const [importName, setImportName] = useState('Imported dataset')
  const exporting = useCancellableJob()
  const importing = useCancellableJob()
  const [failures, setFailures] = useState<Failures | null>(null)
  const exportButton = useRef<HTMLButtonElement>(null)
  const importButton = useRef<HTMLButtonElement>(null)
  // When a job ends, focus goes back from the vanished Cancel button to the button that starts the next one.
  const exportBusy = busy(exporting.run)
  const importBusy = busy(importing.run)
  useEffect(() => {
    if (!exportBusy && document.activeElement === document.body) exportButton.current?.focus()
  }, [exportBusy])
  useEffect(() => {
    if (!importBusy && document.activeElement === document.body) importButton.current?.focus()
  }, [importBusy])

  const exportProblem = pathProblem(exportDir, false)
  const importProblem = pathProblem(importDir, true)
  const startExport = (): void => {
    const format = exportFormat
    const dir = exportDir.trim()
    let last = { done: 0, total: 0 }
    exporting.start((jobId) =>
      client.subscribe(
        'vision.exportAs',
        {
          datasetId: dataset.id,
          format,
          jobId,
          ...(dir ? { dir } : {}),
          ...(format === 'class-folders' && background.trim() ? { backgroundClass: background.trim() } : {}),
          ...(format === 'yolo' && segments ? { segments: true } : {}),
        },
        (event) => {
          if (event.kind === 'progress') {
            last = event
            exporting.progress(event)
          } else exporting.finish({ text: `Exported ${event.images} images (${event.files} files) as ${SHORT[format]} to ${event.dir}` })
        },
        (error) => {
          if (error)
            exporting.finish({
              error,
              cancelledText: `Export cancelled${last.total ? ` at ${last.done} of ${last.total} images` : ''} — nothing was written${dir ? ` to ${dir}` : ''}, the staged files were removed`,
            })
        },
      ),
    )
  }
  const startImport = (importRest = false): void => {
    const dir = importDir.trim()
    const request = { format: importFormat, dir, name: importName.trim() }
    setFailures(null)
    importing.start((jobId) =>
      client.subscribe(
        'vision.import',
        { ...request, ...(importRest ? { importRest: true } : {}), jobId },
        (event) => {
          if (event.kind === 'progress') importing.progress(event)
          else {
            const left = event.skippedCount
            importing.finish({
              text: `Imported "${event.dataset.name}": ${event.dataset.images} images, ${event.dataset.classes.length} classes${
                left > 0 ? ` — ${left} ${left === 1 ? 'entry' : 'entries'} left out (listed below)` : ''
              }`,
            })
            if (left > 0) setFailures({ kind: 'skipped', items: event.skipped, count: left })
            void queryClient.invalidateQueries({ queryKey: queryKey('vision') })
            onImported(event.dataset.id)
          }
        },
        (error) => {
          if (!error) return
          importing.finish({ error, cancelledText: `Import cancelled — no dataset was created, no image of ${dir} was imported` })
          const refused = importRefusal(error.details)
          if (refused) setFailures({ kind: 'refused', ...refused, request })
        },
      ),
    )
  }
  const sameRequest = failures?.kind === 'refused' && failures.request.dir === importDir.trim() && failures.request.format === importFormat

  return (
    <section className="panel vision-exchange" aria-label="Export and import">
      <fieldset className="vision-task-row" aria-label="Export dataset" onKeyDown={escapeCancels(exporting.run, exporting.cancel)}>
        <legend>Export “{dataset.name}”</legend>
        <select aria-label="Export format" value={exportFormat} onChange={(e) => setExportFormat(e.target.value as VisionExchangeFormat)}>
          {visionExchangeFormats.map((f) => (
            <option key={f} value={f}>
              {FORMAT_LABELS[f]}
            </option>
          ))}
        </select>
        <input
          aria-label="Export folder"
          className="vision-path"
          placeholder="Empty or new folder (blank: the data folder's vision/exports/)"
          value={exportDir}
          aria-invalid={!!exportProblem}
          onChange={(e) => setExportDir(e.target.value)}
        />
        {exportFormat === 'class-folders' && (
          <label>
            Images without a class go to <input aria-label="Background class" value={background} onChange={(e) => setBackground(e.target.value)} size={8} />
          </label>
        )}
        {exportFormat === 'yolo' && (
          <label>
            <input type="checkbox" checked={segments} onChange={(e) => setSegments(e.target.checked)} /> Segmentation labels (polygons)
          </label>
        )}
        <button ref={exportButton} type="button" disabled={!!exportProblem || exportBusy} onClick={startExport}>
          Export
        </button>
        {exportProblem && <span className="error-text">{exportProblem}</span>}
        <RunStatus label="Export" run={exporting.run} onCancel={exporting.cancel} describe={(done, total) => `${done} / ${total} images`} />
      </fieldset>
      <fieldset className="vision-task-row" aria-label="Import dataset" onKeyDown={escapeCancels(importing.run, importing.cancel)}>
        <legend>Import a dataset folder</legend>
        <select aria-label="Import format" value={importFormat} onChange={(e) => setImportFormat(e.target.value as VisionExchangeFormat)}>
          {visionExchangeFormats.map((f) => (
            <option key={f} value={f}>
              {FORMAT_LABELS[f]}
            </option>
          ))}
        </select>
        <input
          aria-label="Import folder"
          className="vision-path"
          placeholder="/path/to/dataset root"
          value={importDir}
          aria-invalid={!!importDir && !!importProblem}
          onChange={(e) => setImportDir(e.target.value)}
        />
        <input aria-label="Imported dataset name" value={importName} onChange={(e) => setImportName(e.target.value)} size={16} />
        <button ref={importButton} type="button" disabled={!!importProblem || !importName.trim() || importBusy} onClick={() => startImport()}>
          Import
        </button>
        {importDir && importProblem && <span className="error-text">{importProblem}</span>}
        <RunStatus label="Import" run={importing.run} onCancel={importing.cancel} describe={importSteps} />
        {failures && (
          <div className="vision-import-failures" style={{ flexBasis: '100%' }}>
            <ul aria-label={failures.kind === 'refused' ? 'Entries that cannot be imported' : 'Entries left out'}>
              {failures.items.map((f) => (
                <li key={f.entry}>
                  <span className="mono">{f.entry}</span>: {f.reason}
                </li>
              ))}
            </ul>
            {failures.count > failures.items.length && (
              <p className="muted">
                … and {(failures.count - failures.items.length).toLocaleString('en-US')} more ({failures.count.toLocaleString('en-US')} in all)
              </p>
            )}
            {failures.kind === 'refused' && sameRequest && failures.importable > 0 && (
              <button type="button" disabled={importBusy || !importName.trim()} onClick={() => startImport(true)}>
                Import the rest ({failures.importable.toLocaleString('en-US')} {failures.importable === 1 ? 'image' : 'images'}, leave these{' '}
                {failures.count.toLocaleString('en-US')} out)
              </button>
            )}
          </div>
        )}
      </fieldset>
    </section>
  )
}
