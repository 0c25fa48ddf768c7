import { useQuery } from '@tanstack/react-query'
import { useEffect, useRef, useState } from 'react'
import type { ReportExportEvent, ReportPreview, ReportRequestInput } from '../../../../preload/contract'
import { useClient } from '../../app/client-context'
import { queryKey } from '../../bridge/queries'
import { MinorStopsPanel } from './MinorStopsPanel'
import { ReportScopePicker, type ScopeLine } from './ReportScopePicker'
import './report.css'

const DAY = 86_400_000
const toLocalInput = (t: number): string => new Date(t - new Date(t).getTimezoneOffset() * 60_000).toISOString().slice(0, 16)
const fromLocalInput = (s: string): number => new Date(s).getTime()

type ExportState =
  | { phase: 'idle' }
  | { phase: 'running'; format: 'html' | 'pdf'; done: number; total: number }
  | { phase: 'done'; fileName: string; file: string }
  | { phase: 'failed'; message: string }

/** Saves the exported document through the browser (works in the desktop window and in browser mode alike). */
function download(fileName: string, base64: string, format: 'html' | 'pdf'): void {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))
  const url = URL.createObjectURL(new Blob([bytes], { type: format === 'pdf' ? 'application/pdf' : 'text/html' }))
  const link = document.createElement('a')
  link.href = url
  link.download = fileName
  link.click()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}

/** The consultant's deliverable: pick the scope, preview, edit the recommendations, export HTML or PDF. */
export function ReportView(): React.JSX.Element {
  const client = useClient()
  const now = Date.now()
  const [site, setSite] = useState('')
  const [customer, setCustomer] = useState('')
  const [consultant, setConsultant] = useState('')
  const [from, setFrom] = useState(toLocalInput(now - 7 * DAY))
  const [to, setTo] = useState(toLocalInput(now))
  const [compare, setCompare] = useState(false)
  const [compareFrom, setCompareFrom] = useState(toLocalInput(now - 14 * DAY))
  const [compareTo, setCompareTo] = useState(toLocalInput(now - 7 * DAY))
  const [paper, setPaper] = useState<'A4' | 'Letter'>('A4')
  const [preview, setPreview] = useState<ReportPreview | null>(null)
  const [recommendations, setRecommendations] = useState<string[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const [exporting, setExporting] = useState<ExportState>({ phase: 'idle' })
  const close = useRef<(() => void) | null>(null)
  const [nodeRedUrls, setNodeRedUrls] = useState('')
  const settings = useQuery({ queryKey: queryKey('oee', 'settings'), queryFn: () => client.call('oee.settings') })
  const lines: ScopeLine[] = settings.data?.lines.map((l) => ({ name: l.name, machines: l.machines.map((m) => ({ id: m.id, name: m.name || m.id })) })) ?? []
  const [picked, setPicked] = useState<Set<string> | null>(null)
  // Every machine is in the report until the consultant leaves one out.
  useEffect(() => {
    if (picked === null && settings.data) setPicked(new Set(settings.data.lines.flatMap((l) => l.machines.map((m) => m.id))))
  }, [picked, settings.data])
  const chosen = picked ?? new Set<string>()
  const chosenLines = lines.filter((l) => l.machines.some((m) => chosen.has(m.id)))
  const wholeLines = chosenLines.every((l) => l.machines.every((m) => chosen.has(m.id)))
  const nothingPicked = settings.data !== undefined && chosenLines.length === 0

  const request = (): ReportRequestInput => ({
    site,
    customer,
    consultant,
    from: fromLocalInput(from),
    to: fromLocalInput(to),
    paper,
    ...(compare ? { compare: { from: fromLocalInput(compareFrom), to: fromLocalInput(compareTo) } } : {}),
    ...(recommendations ? { recommendations } : {}),
    ...(chosenLines.length > 0 ? { lines: chosenLines.map((l) => l.name) } : {}),
    ...(!wholeLines ? { machines: chosenLines.flatMap((l) => l.machines.filter((m) => chosen.has(m.id)).map((m) => m.id)) } : {}),
    ...(nodeRedUrls.trim()
      ? {
          nodeRedUrls: nodeRedUrls
            .split(/[\s,]+/)
            .map((u) => u.trim())
            .filter(Boolean),
        }
      : {}),
  })

  const makePreview = async (): Promise<void> => {
    setBusy(true)
    setError(null)
    try {
      const result = await client.call('report.preview', request())
      setPreview(result)
      setRecommendations(result.recommendations)
    } catch (e) {
      setError((e as Error).message)
    } finally {
      setBusy(false)
    }
  }

  const startExport = (format: 'html' | 'pdf'): void => {
    setExporting({ phase: 'running', format, done: 0, total: 1 })
    close.current = client.subscribe(
      'report.export',
      { request: request(), format },
      (event: ReportExportEvent) => {
        if (event.kind === 'progress') setExporting({ phase: 'running', format, done: event.done, total: event.total })
        else {
          download(event.fileName, event.base64, event.format)
          setExporting({ phase: 'done', fileName: event.fileName, file: event.file })
        }
      },
      (e) => {
        close.current = null
        if (e) setExporting({ phase: 'failed', message: e.message })
      },
    )
  }
  const cancel = (): void => {
    close.current?.()
    close.current = null
    setExporting({ phase: 'failed', message: 'Export cancelled.' })
  }

  const field = (label: string, value: string, set: (v: string) => void, type = 'text') => (
    <label>
      {label}
      <input type={type} value={value} onChange={(e) => set(e.target.value)} />
    </label>
  )

  return (
    <section className="report-view" aria-label="Report">
      <h1>Report</h1>
      <div className="panel">
        <h2>Assessment report</h2>
        <div className="report-form">
          {field('Site', site, setSite)}
          {field('Customer', customer, setCustomer)}
          {field('Consultant', consultant, setConsultant)}
          {field('From', from, setFrom, 'datetime-local')}
          {field('To', to, setTo, 'datetime-local')}
          <label>
            Paper
            <select value={paper} onChange={(e) => setPaper(e.target.value as 'A4' | 'Letter')}>
              <option value="A4">A4</option>
              <option value="Letter">Letter</option>
            </select>
          </label>
          <label className="report-check">
            <input type="checkbox" checked={compare} onChange={(e) => setCompare(e.target.checked)} /> Compare with another period
          </label>
          {compare && field('Compare from', compareFrom, setCompareFrom, 'datetime-local')}
          {compare && field('Compare to', compareTo, setCompareTo, 'datetime-local')}
        </div>
        <div className="report-scope-row">
          <ReportScopePicker lines={lines} picked={chosen} onChange={setPicked} />
          <label className="report-node-red">
            Node-RED editors to check (one URL a line; the deploy targets are checked too)
            <textarea value={nodeRedUrls} placeholder="http://10.0.0.5:1880" onChange={(e) => setNodeRedUrls(e.target.value)} />
          </label>
        </div>
        <div className="report-actions">
          <button type="button" onClick={() => void makePreview()} disabled={busy || nothingPicked}>
            {preview ? 'Update preview' : 'Make report'}
          </button>
          {nothingPicked && <span className="muted">Pick at least one line or machine.</span>}
          {preview && (
            <span role="status" aria-label="Report covers">
              Covers {preview.scope.lines.join(', ')}: {preview.scope.machines.map((m) => m.name).join(', ')}
            </span>
          )}
          {exporting.phase === 'running' ? (
            <>
              <progress aria-label="Export progress" max={exporting.total || 1} value={exporting.done} />
              <button type="button" onClick={cancel}>
                Cancel export
              </button>
            </>
          ) : (
            <>
              <button type="button" onClick={() => startExport('pdf')} disabled={!preview}>
                Export PDF
              </button>
              <button type="button" onClick={() => startExport('html')} disabled={!preview}>
                Export HTML
              </button>
            </>
          )}
          {exporting.phase === 'done' && (
            <span role="status">
              Saved {exporting.fileName} (also in <span className="mono">{exporting.file}</span>)
            </span>
          )}
          {exporting.phase === 'failed' && (
            <span role="alert" className="error-text">
              {exporting.message}
            </span>
          )}
          {error && (
            <span role="alert" className="error-text">
              {error}
            </span>
          )}
        </div>
      </div>
      {recommendations && (
        <div className="panel report-recommendations" role="group" aria-label="Recommendations">
          <h3>Recommendations (edit before export; Update preview to see them in the report)</h3>
          {recommendations.map((r, i) => (
            <textarea
              key={i}
              aria-label={`Recommendation ${i + 1}`}
              value={r}
              onChange={(e) => setRecommendations(recommendations.map((x, j) => (j === i ? e.target.value : x)))}
            />
          ))}
          <button type="button" onClick={() => setRecommendations([...recommendations, ''])}>
            Add recommendation
          </button>
        </div>
      )}
      {preview && <MinorStopsPanel stops={preview.minorStops} period={`${from.replace('T', ' ')} – ${to.replace('T', ' ')}`} />}
      {preview && <iframe className="report-preview" title="Report preview" sandbox="" srcDoc={preview.html} />}
    </section>
  )
}
