import { useEffect, useRef, useState } from 'react'
import type { VisionDataset, VisionEvaluation, VisionMistake } from '../../../../../preload/contract'
import { ImageDialog, ImagePreview, type PreviewBox } from './ImagePreview'
import { TaskProgress } from './TaskProgress'
import { useLongTask } from './use-long-task'
import { KIND_LABELS, modelKey, ModelSelect, useModels } from './use-models'

const pct = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(1)} %`)
const CURVE_COLOURS = ['#4cc9f0', '#f77f00', '#52c41a', '#e63946', '#9b5de5', '#f15bb5', '#fee440', '#00bbf9']

/** Evaluate a model on the dataset's test split: metrics per class, confusion matrix, PR curves and the worst mistakes. */
export function EvaluationTab({ dataset }: { dataset: VisionDataset }): React.JSX.Element {
  const models = useModels()
  const list = models.data?.models ?? []
  const [chosen, setChosen] = useState('')
  const model = list.find((m) => modelKey(m) === chosen) ?? [...list].sort((a, b) => b.importedAt.localeCompare(a.importedAt))[0]
  const [includeLabeled, setIncludeLabeled] = useState(false)
  const task = useLongTask('visionModels.evaluate')
  const evaluation = task.state.phase === 'done' ? task.state.result.evaluation : null

  return (
    <div className="vm-tab">
      <section aria-label="Evaluate" className="vm-block">
        <h3>Evaluate on the test split</h3>
        <div className="vm-row">
          <ModelSelect models={list} value={model ? modelKey(model) : ''} onChange={setChosen} />
          <label>
            <input type="checkbox" checked={includeLabeled} onChange={(e) => setIncludeLabeled(e.target.checked)} /> Count labelled (not yet reviewed) images as
            truth
          </label>
          <button
            type="button"
            disabled={!model || task.state.phase === 'running'}
            onClick={() => model && task.start({ datasetId: dataset.id, model: { name: model.name, version: model.version }, includeLabeled })}
          >
            Evaluate
          </button>
          <TaskProgress label="Evaluation" state={task.state} onCancel={task.cancel} />
          {task.state.phase === 'cancelled' && <span role="status">Evaluation cancelled</span>}
          {task.state.phase === 'failed' && (
            <span role="alert" className="error-text">
              {task.state.message}
            </span>
          )}
        </div>
        <p className="muted">
          Images without a split get one (70/20/10, stratified by class, seed 0) the first time; the truth is the reviewed labels of the test images.
        </p>
      </section>
      {evaluation && <EvaluationReport evaluation={evaluation} dataset={dataset} />}
    </div>
  )
}

function EvaluationReport({ evaluation: e, dataset }: { evaluation: VisionEvaluation; dataset: VisionDataset }): React.JSX.Element {
  const [open, setOpen] = useState<VisionMistake | null>(null)
  const detector = e.kind === 'yolo-detector'
  return (
    <>
      <section aria-label="Evaluation summary" className="vm-block">
        <h3>
          {e.model.name} v{e.model.version} · {KIND_LABELS[e.kind]}
        </h3>
        <div className="vm-cards">
          <div className="vm-card">
            <span className="muted">Test images</span>
            <strong aria-label="Test images">{e.images}</strong>
            {e.skipped > 0 && <span className="muted">{e.skipped} not reviewed or unreadable</span>}
          </div>
          {detector ? (
            <>
              <div className="vm-card">
                <span className="muted">mAP@0.5</span>
                <strong aria-label="mAP@0.5">{pct(e.map50)}</strong>
              </div>
              <div className="vm-card">
                <span className="muted">mAP@0.5:0.95</span>
                <strong aria-label="mAP@0.5:0.95">{pct(e.map50to95)}</strong>
              </div>
            </>
          ) : (
            <div className="vm-card">
              <span className="muted">Accuracy</span>
              <strong aria-label="Accuracy">{pct(e.accuracy)}</strong>
            </div>
          )}
          <div className="vm-card">
            <span className="muted">{e.kind === 'anomaly' ? 'Score threshold' : 'At confidence'}</span>
            <strong>{e.confidenceThreshold.toFixed(e.kind === 'anomaly' ? 3 : 2)}</strong>
          </div>
        </div>
        <table className="vm-table" aria-label="Metrics per class">
          <thead>
            <tr>
              <th>Class</th>
              <th>Labels</th>
              <th>TP</th>
              <th>FP</th>
              <th>FN</th>
              <th>Precision</th>
              <th>Recall</th>
              <th>F1</th>
              <th>{detector ? 'AP@0.5' : 'AP'}</th>
              {detector && <th>AP@0.5:0.95</th>}
            </tr>
          </thead>
          <tbody>
            {e.classes.map((c) => (
              <tr key={c.name}>
                <td>{c.name}</td>
                <td>{c.support}</td>
                <td>{c.truePositives}</td>
                <td>{c.falsePositives}</td>
                <td>{c.falseNegatives}</td>
                <td>{pct(c.precision)}</td>
                <td>{pct(c.recall)}</td>
                <td>{pct(c.f1)}</td>
                <td>{pct(c.ap50)}</td>
                {detector && <td>{pct(c.ap50to95)}</td>}
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <div className="vm-split">
        <ConfusionMatrix labels={e.confusion.labels} matrix={e.confusion.matrix} />
        <PrCurve curves={e.prCurves} />
      </div>
      <section aria-label="Worst mistakes" className="vm-block">
        <h3>Worst mistakes</h3>
        {e.mistakes.length === 0 ? (
          <p className="muted">No mistakes on the test images at this threshold.</p>
        ) : (
          <ul className="vm-gallery">
            {e.mistakes.map((m, i) => (
              <li key={`${m.imageId}-${i}`}>
                <button type="button" onClick={() => setOpen(m)} aria-label={`${mistakeTitle(m)} on ${m.imageId}`}>
                  <ImagePreview
                    datasetId={dataset.id}
                    imageId={m.imageId}
                    focus={m.box ?? m.truthBox}
                    width={150}
                    boxes={mistakeBoxes(m)}
                    label={`Mistake on ${m.imageId}`}
                  />
                  <span className={`vm-mistake vm-mistake-${m.type}`}>{mistakeTitle(m)}</span>
                  <span className="muted">
                    {m.imageId}
                    {m.confidence !== null ? ` · ${m.confidence.toFixed(2)}` : ''}
                  </span>
                </button>
              </li>
            ))}
          </ul>
        )}
      </section>
      {open && <ImageDialog datasetId={dataset.id} imageId={open.imageId} boxes={mistakeBoxes(open)} onClose={() => setOpen(null)} />}
    </>
  )
}

function mistakeTitle(m: VisionMistake): string {
  if (m.type === 'false-positive') return `False ${m.className}`
  if (m.type === 'missed') return `Missed ${m.className}`
  return `${m.truthClassName} seen as ${m.className}`
}

function mistakeBoxes(m: VisionMistake): PreviewBox[] {
  const out: PreviewBox[] = []
  if (m.box) out.push({ ...m.box, role: 'prediction', label: `${m.className}${m.confidence !== null ? ` ${m.confidence.toFixed(2)}` : ''}` })
  if (m.truthBox) out.push({ ...m.truthBox, role: 'truth', label: m.truthClassName ?? m.className })
  return out
}

function ConfusionMatrix({ labels, matrix }: { labels: string[]; matrix: number[][] }): React.JSX.Element {
  const rowTotals = matrix.map((row) => row.reduce((a, b) => a + b, 0))
  return (
    <section aria-label="Confusion matrix section" className="vm-block">
      <h3>Confusion matrix</h3>
      <table className="vm-confusion" aria-label="Confusion matrix">
        <thead>
          <tr>
            <th className="muted">label ↓ · predicted →</th>
            {labels.map((l) => (
              <th key={l} scope="col">
                {l}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {matrix.map((row, t) => (
            <tr key={labels[t]}>
              <th scope="row">{labels[t]}</th>
              {row.map((count, p) => {
                // Colour by the share of the row (what happened to this true class): green on the diagonal, red off it.
                const share = rowTotals[t] > 0 ? count / rowTotals[t] : 0
                const colour = t === p ? 'var(--good)' : 'var(--bad)'
                return (
                  <td
                    key={p}
                    aria-label={`${labels[t]} predicted as ${labels[p]}: ${count}`}
                    style={{ background: count > 0 ? `color-mix(in srgb, ${colour} ${Math.round(15 + share * 70)}%, transparent)` : undefined }}
                  >
                    {count}
                  </td>
                )
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  )
}

/** Bumps when the theme attribute on <html> changes, so canvases repaint in the new colours. */
function useThemeVersion(): number {
  const [version, setVersion] = useState(0)
  useEffect(() => {
    const observer = new MutationObserver(() => setVersion((v) => v + 1))
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme', 'class'] })
    return () => observer.disconnect()
  }, [])
  return version
}

function PrCurve({ curves }: { curves: VisionEvaluation['prCurves'] }): React.JSX.Element {
  const canvas = useRef<HTMLCanvasElement>(null)
  const theme = useThemeVersion()
  useEffect(() => {
    const element = canvas.current
    const ctx = element?.getContext('2d')
    if (!element || !ctx) return
    const ratio = window.devicePixelRatio || 1
    const width = 360
    const height = 260
    element.width = width * ratio
    element.height = height * ratio
    ctx.scale(ratio, ratio)
    const styles = getComputedStyle(element)
    const text = styles.getPropertyValue('--muted').trim() || '#8b95a5'
    const grid = styles.getPropertyValue('--border').trim() || '#2e3644'
    const left = 40
    const bottom = height - 30
    const plotW = width - left - 10
    const plotH = bottom - 10
    const x = (r: number) => left + r * plotW
    const y = (p: number) => bottom - p * plotH
    ctx.clearRect(0, 0, width, height)
    ctx.font = '11px sans-serif'
    ctx.strokeStyle = grid
    ctx.fillStyle = text
    for (let i = 0; i <= 4; i++) {
      const v = i / 4
      ctx.beginPath()
      ctx.moveTo(x(0), y(v))
      ctx.lineTo(x(1), y(v))
      ctx.moveTo(x(v), y(0))
      ctx.lineTo(x(v), y(1))
      ctx.stroke()
      ctx.fillText(v.toFixed(2), 6, y(v) + 4)
      ctx.fillText(v.toFixed(2), x(v) - 10, bottom + 14)
    }
    ctx.fillText('recall →', x(1) - 44, bottom + 26)
    ctx.fillText('↑ precision', x(0) + 4, y(1) + 14)
    curves.forEach((curve, i) => {
      ctx.strokeStyle = CURVE_COLOURS[i % CURVE_COLOURS.length]
      ctx.lineWidth = 2
      ctx.beginPath()
      curve.recall.forEach((r, k) => (k === 0 ? ctx.moveTo(x(r), y(curve.precision[k])) : ctx.lineTo(x(r), y(curve.precision[k]))))
      ctx.stroke()
    })
    ctx.lineWidth = 1
    if (curves.length === 0) {
      ctx.fillStyle = text
      ctx.fillText('No labelled objects in the test images', x(0.1), y(0.5))
    }
  }, [curves, theme])
  return (
    <section aria-label="Precision-recall section" className="vm-block">
      <h3>Precision–recall</h3>
      <canvas ref={canvas} role="img" aria-label="Precision-recall curve" style={{ width: 360, height: 260 }} />
      <ul className="vm-legend">
        {curves.map((c, i) => (
          <li key={c.name}>
            <span className="vm-swatch" style={{ background: CURVE_COLOURS[i % CURVE_COLOURS.length] }} /> {c.name}
          </li>
        ))}
      </ul>
    </section>
  )
}
