import { useQueryClient } from '@tanstack/react-query'
import { useEffect, useRef, useState } from 'react'
import { visionExchangeFormats, type VisionDataset, type VisionExchangeFormat } from '../../../../preload/contract'
import { useClient } from '../../app/client-context'
import { formatDuration } from '../../app/format'

export const FORMAT_LABELS: Record<VisionExchangeFormat, string> = {
  yolo: 'YOLO (images/, labels/, data.yaml)',
  coco: 'COCO JSON (annotations.json)',
  voc: 'Pascal VOC XML (Annotations/, JPEGImages/)',
  'class-folders': 'Class folders (<split>/<class>/)',
}
const SHORT: Record<VisionExchangeFormat, string> = { yolo: 'YOLO', coco: 'COCO', voc: 'VOC', 'class-folders': 'class folders' }

type Run = { phase: 'idle' } | { phase: 'running'; done: number; total: number; rate: number; etaMs: number } | { phase: 'done'; text: string } | { phase: 'failed'; message: string }

/** Where a path typed by hand is obviously wrong; the service checks the rest (exists, empty, readable). */
export function pathProblem(value: string, required: boolean): string | null {
  const text = value.trim()
  if (!text) return required ? 'Enter a folder path' : null
  if (!/^(\/|[A-Za-z]:[\\/]|\\\\)/.test(text)) return 'Enter an absolute path, e.g. /home/me/datasets/bottles'
  if (/[\0]/.test(text)) return 'The path contains a NUL character'
  return null
}

function RunStatus({ label, run, onCancel }: { label: string; run: Run; onCancel: () => void }): React.JSX.Element | null {
  if (run.phase === 'running')
    return (
      <>
        <progress aria-label={`${label} progress`} max={run.total || 1} value={run.done} />
        <span className="muted">
          {run.done} / {run.total}
          {run.rate > 0 ? ` · ${run.rate.toFixed(1)}/s` : ''}
          {run.etaMs > 0 ? ` · ${formatDuration(run.etaMs)} left` : ''}
        </span>
        <button type="button" onClick={onCancel}>
          Cancel {label.toLowerCase()}
        </button>
      </>
    )
  if (run.phase === 'done') return <span role="status">{run.text}</span>
  if (run.phase === 'failed')
    return (
      <span role="alert" className="error-text vision-wrap">
        {run.message}
      </span>
    )
  return null
}

/** Export the dataset to YOLO, COCO, VOC or class folders, and import a folder in one of them as a new dataset. */
export function ExchangePanel({ dataset, onImported }: { dataset: VisionDataset; onImported: (datasetId: string) => void }): React.JSX.Element {
  const client = useClient()
  const queryClient = useQueryClient()
  const [exportFormat, setExportFormat] = useState<VisionExchangeFormat>('coco')
  const [exportDir, setExportDir] = useState('')
  const [background, setBackground] = useState('good')
  const [exportRun, setExportRun] = useState<Run>({ phase: 'idle' })
  const [importFormat, setImportFormat] = useState<VisionExchangeFormat>('coco')
  const [importDir, setImportDir] = useState('')
  const [importName, setImportName] = useState('Imported dataset')
  const [importRun, setImportRun] = useState<Run>({ phase: 'idle' })
  const closeExport = useRef<(() => void) | null>(null)
  const closeImport = useRef<(() => void) | null>(null)
  useEffect(
    () => () => {
      closeExport.current?.()
      closeImport.current?.()
    },
    [],
  )

  const exportProblem = pathProblem(exportDir, false)
  const importProblem = pathProblem(importDir, true)
  const startExport = (): void => {
    setExportRun({ phase: 'running', done: 0, total: 0, rate: 0, etaMs: 0 })
    closeExport.current = client.subscribe(
      'vision.exportAs',
      {
        datasetId: dataset.id,
        format: exportFormat,
        ...(exportDir.trim() ? { dir: exportDir.trim() } : {}),
        ...(exportFormat === 'class-folders' && background.trim() ? { backgroundClass: background.trim() } : {}),
      },
      (event) =>
        setExportRun(
          event.kind === 'progress'
            ? { phase: 'running', ...event }
            : { phase: 'done', text: `Exported ${event.images} images (${event.files} files) as ${SHORT[exportFormat]} to ${event.dir}` },
        ),
      (error) => {
        closeExport.current = null
        if (error) setExportRun({ phase: 'failed', message: error.code === 'CANCELLED' ? 'Export cancelled — nothing was written' : error.message })
      },
    )
  }
  const startImport = (): void => {
    setImportRun({ phase: 'running', done: 0, total: 0, rate: 0, etaMs: 0 })
    closeImport.current = client.subscribe(
      'vision.import',
      { format: importFormat, dir: importDir.trim(), name: importName.trim() },
      (event) => {
        if (event.kind === 'progress') setImportRun({ phase: 'running', ...event })
        else {
          setImportRun({
            phase: 'done',
            text: `Imported "${event.dataset.name}": ${event.dataset.images} images, ${event.dataset.classes.length} classes`,
          })
          void queryClient.invalidateQueries({ queryKey: ['vision'] })
          onImported(event.dataset.id)
        }
      },
      (error) => {
        closeImport.current = null
        if (error) setImportRun({ phase: 'failed', message: error.code === 'CANCELLED' ? 'Import cancelled — nothing was imported' : error.message })
      },
    )
  }

  return (
    <section className="panel vision-exchange" aria-label="Export and import">
      <fieldset className="vision-task-row" aria-label="Export dataset">
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
            Images without a class go to{' '}
            <input aria-label="Background class" value={background} onChange={(e) => setBackground(e.target.value)} size={8} />
          </label>
        )}
        <button type="button" disabled={!!exportProblem || exportRun.phase === 'running'} onClick={startExport}>
          Export
        </button>
        {exportProblem && <span className="error-text">{exportProblem}</span>}
        <RunStatus
          label="Export"
          run={exportRun}
          onCancel={() => {
            closeExport.current?.()
            closeExport.current = null
            setExportRun({ phase: 'done', text: 'Export cancelled — the partial folder is removed, nothing was written' })
          }}
        />
      </fieldset>
      <fieldset className="vision-task-row" aria-label="Import dataset">
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
        <button type="button" disabled={!!importProblem || !importName.trim() || importRun.phase === 'running'} onClick={startImport}>
          Import
        </button>
        {importDir && importProblem && <span className="error-text">{importProblem}</span>}
        <RunStatus
          label="Import"
          run={importRun}
          onCancel={() => {
            closeImport.current?.()
            closeImport.current = null
            setImportRun({ phase: 'done', text: 'Import cancelled — nothing was imported' })
          }}
        />
      </fieldset>
    </section>
  )
}
