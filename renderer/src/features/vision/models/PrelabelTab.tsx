import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useCallback, useMemo, useRef, useState } from 'react'
import type { VisionDataset, VisionDraft, VisionDraftKind, VisionModelKind } from '../../../../../preload/contract'
import { useClient } from '../../../app/client-context'
import { useImageNumbers } from '../image-numbers'
import { ImageDialog, ImagePreview } from './ImagePreview'
import { TaskProgress } from './TaskProgress'
import { useLongTask } from './use-long-task'
import { modelKey, ModelSelect, useModels } from './use-models'
import { queryKey } from '../../../bridge/queries'

const PAGE = 40

type ReviewItem = { imageId: string; index: number } | { imageId: string; kind: 'class'; classId: number }
const itemOf = (d: VisionDraft): ReviewItem =>
  d.kind === 'box' ? { imageId: d.imageId, index: d.index } : { imageId: d.imageId, kind: 'class', classId: d.classId }
const draftKey = (d: VisionDraft): string => `${d.imageId}/${d.kind}/${d.kind === 'box' ? d.index : d.classId}`
/** "image class scratch on part-00003" or "scratch on part-00003" (a box): the names of a row and its buttons. */
const draftName = (d: VisionDraft): string => `${d.kind === 'class' ? 'image class ' : ''}${d.className} on ${d.imageId}`

/**
 * Run a model over the unlabeled images as drafts (boxes from detectors and anomaly models, image classes from classifiers),
 * then accept or reject them one by one (A / R) or in bulk.
 */
export function PrelabelTab({ dataset }: { dataset: VisionDataset }): React.JSX.Element {
  const client = useClient()
  const queryClient = useQueryClient()
  const models = useModels()
  const { numberOf } = useImageNumbers(dataset.id)
  const usable = models.data?.models ?? []
  const threshold = models.data?.settings.confidenceThreshold ?? 0.25
  const [chosen, setChosen] = useState('')
  const [ranKind, setRanKind] = useState<VisionModelKind | null>(null)
  /** A bulk reject removes drafts for good: it waits here for the user's yes, with the count it will remove. */
  const [confirmReject, setConfirmReject] = useState<number | null>(null)
  const model = usable.find((m) => modelKey(m) === chosen) ?? usable.sort((a, b) => b.importedAt.localeCompare(a.importedAt))[0]
  const [anomalyClass, setAnomalyClass] = useState(0)
  const [classFilter, setClassFilter] = useState<'any' | number>('any')
  const [kindFilter, setKindFilter] = useState<'any' | VisionDraftKind>('any')
  const [minConfidence, setMinConfidence] = useState(0)
  const [shown, setShown] = useState(PAGE)
  const [open, setOpen] = useState<VisionDraft | null>(null)
  const [focused, setFocused] = useState(0)
  const rows = useRef<(HTMLTableRowElement | null)[]>([])

  const drafts = useQuery({
    // Under ['vision', 'images']: labels saved in the labeling view refresh this list too.
    queryKey: queryKey('vision', 'images', dataset.id, 'drafts'),
    queryFn: () => client.call('visionModels.drafts', { datasetId: dataset.id }),
  })
  const refresh = useCallback(() => {
    void queryClient.invalidateQueries({ queryKey: queryKey('vision') })
  }, [queryClient, dataset.id])
  const task = useLongTask('visionModels.prelabel', refresh)
  const review = useMutation({
    mutationFn: (input: { accept: boolean; items?: ReviewItem[]; kind?: VisionDraftKind; classId?: number; minConfidence?: number }) =>
      client.call('visionModels.review', { datasetId: dataset.id, ...input }),
    onSuccess: refresh,
  })

  const all = drafts.data ?? []
  const matching = useMemo(
    () =>
      all.filter(
        (d) => (kindFilter === 'any' || d.kind === kindFilter) && (classFilter === 'any' || d.classId === classFilter) && d.confidence >= minConfidence,
      ),
    [all, kindFilter, classFilter, minConfidence],
  )
  const classDrafts = all.filter((d) => d.kind === 'class').length
  const bulk = (accept: boolean) =>
    review.mutate({
      accept,
      kind: kindFilter === 'any' ? undefined : kindFilter,
      classId: classFilter === 'any' ? undefined : classFilter,
      minConfidence: minConfidence > 0 ? minConfidence : undefined,
    })
  const asking = confirmReject !== null && confirmReject === matching.length
  const decide = (draft: VisionDraft, accept: boolean) => review.mutate({ accept, items: [itemOf(draft)] })
  const move = (to: number) => {
    const next = Math.max(0, Math.min(Math.min(shown, matching.length) - 1, to))
    setFocused(next)
    rows.current[next]?.focus()
  }

  return (
    <div className="vm-tab">
      <section aria-label="Pre-label" className="vm-block">
        <h3>Pre-label unlabeled images</h3>
        <div className="vm-row">
          <ModelSelect models={usable} value={model ? modelKey(model) : ''} onChange={setChosen} />
          {model?.kind === 'anomaly' && (
            <label>
              Draft class{' '}
              <select aria-label="Draft class" value={anomalyClass} onChange={(e) => setAnomalyClass(Number(e.target.value))}>
                {dataset.classes.map((c, i) => (
                  <option key={c} value={i}>
                    {c}
                  </option>
                ))}
              </select>
            </label>
          )}
          <button
            type="button"
            disabled={!model || task.state.phase === 'running'}
            onClick={() => {
              if (!model) return
              setRanKind(model.kind)
              task.start({
                datasetId: dataset.id,
                model: { name: model.name, version: model.version },
                anomalyClassId: model.kind === 'anomaly' ? anomalyClass : undefined,
              })
            }}
          >
            Pre-label {dataset.byStatus.unlabeled ?? 0} unlabeled images
          </button>
          <TaskProgress label="Pre-labeling" state={task.state} onCancel={task.cancel} />
          {task.state.phase === 'done' && (
            <span role="status" aria-label="Pre-label result">
              {task.state.result.drafts} {ranKind === 'classifier' ? 'image-class drafts' : 'drafts'} on {task.state.result.images} images
              {task.state.result.unmatched.length > 0 && ` · classes the dataset lacks, left out: ${task.state.result.unmatched.join(', ')}`}
            </span>
          )}
          {task.state.phase === 'cancelled' && <span role="status">Pre-labeling cancelled; nothing was written</span>}
          {task.state.phase === 'failed' && (
            <span role="alert" className="error-text">
              {task.state.message}
            </span>
          )}
        </div>
        {model?.kind === 'classifier' && (
          <p className="muted small" aria-label="Classifier drafts">
            {dataset.imageClassMode === 'single'
              ? 'Single-label dataset: the top class of each image becomes a draft image class, whatever its confidence; accepting it replaces the image class.'
              : `Multi-label dataset: every class at or above the confidence threshold (${threshold.toFixed(2)}, Registry → Inference settings) becomes a draft image class; accepting one adds it.`}{' '}
            Model classes match dataset classes by name; earlier image-class drafts are replaced, confirmed classes stay.
          </p>
        )}
        {task.state.phase === 'done' && task.state.result.failed.length > 0 && (
          <ul role="alert" className="error-text vm-failed">
            {task.state.result.failed.slice(0, 10).map((f) => (
              <li key={f.imageId}>
                {f.imageId}: {f.error}
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-label="Review drafts" className="vm-block">
        <h3>Review drafts</h3>
        <div className="vm-row">
          <label>
            Kind{' '}
            <select aria-label="Review kind" value={kindFilter} onChange={(e) => setKindFilter(e.target.value as 'any' | VisionDraftKind)}>
              <option value="any">Boxes and image classes</option>
              <option value="box">Boxes</option>
              <option value="class">Image classes</option>
            </select>
          </label>
          <label>
            Class{' '}
            <select
              aria-label="Review class"
              value={String(classFilter)}
              onChange={(e) => setClassFilter(e.target.value === 'any' ? 'any' : Number(e.target.value))}
            >
              <option value="any">All classes</option>
              {dataset.classes.map((c, i) => (
                <option key={c} value={i}>
                  {c}
                </option>
              ))}
            </select>
          </label>
          <label>
            Confidence at least{' '}
            <input
              type="number"
              aria-label="Review minimum confidence"
              min={0}
              max={1}
              step={0.05}
              value={minConfidence}
              onChange={(e) => setMinConfidence(Math.max(0, Math.min(1, Number(e.target.value) || 0)))}
            />
          </label>
          <button type="button" disabled={matching.length === 0 || review.isPending} onClick={() => bulk(true)}>
            Accept {matching.length.toLocaleString('en-US')} matching
          </button>
          <button type="button" disabled={matching.length === 0 || review.isPending || asking} onClick={() => setConfirmReject(matching.length)}>
            Reject {matching.length.toLocaleString('en-US')} matching
          </button>
          {/* Asked for exactly the count shown: a filter change since then closes the question. */}
          {asking && (
            <span role="alertdialog" aria-label="Confirm reject" className="vision-confirm">
              Reject {matching.length.toLocaleString('en-US')} {matching.length === 1 ? 'draft' : 'drafts'}? They are removed from their images.{' '}
              <button
                type="button"
                onClick={() => {
                  setConfirmReject(null)
                  bulk(false)
                }}
              >
                Reject {matching.length.toLocaleString('en-US')}
              </button>{' '}
              {/* The safe answer takes focus, so Enter does not delete. */}
              <button type="button" autoFocus onClick={() => setConfirmReject(null)}>
                Keep them
              </button>
            </span>
          )}
          <span className="muted" role="status" aria-label="Drafts waiting">
            {all.length} {all.length === 1 ? 'draft' : 'drafts'} waiting
          </span>
          {classDrafts > 0 && (
            <span className="muted" aria-label="Drafts by kind">
              ({all.length - classDrafts} boxes, {classDrafts} image classes)
            </span>
          )}
          <span className="muted">Keys in the list: A accept · R reject · ↑/↓ move · Enter open</span>
        </div>
        {review.error && (
          <p role="alert" className="error-text">
            {review.error.message}
          </p>
        )}
        {matching.length === 0 ? (
          <p className="muted">{all.length === 0 ? 'No drafts. Pre-label the unlabeled images with a model.' : 'No draft matches the filter.'}</p>
        ) : (
          <table className="vm-table" aria-label="Drafts">
            <thead>
              <tr>
                <th>Crop</th>
                <th>Image</th>
                <th>Kind</th>
                <th>Class</th>
                <th>Confidence</th>
                <th>Where</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {matching.slice(0, shown).map((d, i) => (
                <tr
                  key={draftKey(d)}
                  ref={(el) => {
                    rows.current[i] = el
                  }}
                  tabIndex={i === focused ? 0 : -1}
                  aria-label={`${d.kind === 'class' ? 'Image class draft' : 'Draft'} ${d.className} ${d.confidence.toFixed(2)} on ${d.imageId}`}
                  onFocus={() => setFocused(i)}
                  onKeyDown={(e) => {
                    if (e.key === 'a' || e.key === 'A') decide(d, true)
                    else if (e.key === 'r' || e.key === 'R' || e.key === 'Delete') decide(d, false)
                    else if (e.key === 'ArrowDown') move(i + 1)
                    else if (e.key === 'ArrowUp') move(i - 1)
                    else if (e.key === 'Enter') setOpen(d)
                    else return
                    // Handled here: the labeling view's own A/X keys must not act on its image too.
                    e.preventDefault()
                    e.stopPropagation()
                  }}
                >
                  <td>
                    <button type="button" className="vm-crop-button" onClick={() => setOpen(d)} aria-label={`Open ${d.imageId}`}>
                      {d.kind === 'box' ? (
                        <ImagePreview
                          datasetId={dataset.id}
                          imageId={d.imageId}
                          focus={d}
                          width={96}
                          boxes={[{ ...d, label: '', role: 'prediction' }]}
                          label={`Crop of ${d.imageId}`}
                        />
                      ) : (
                        <ImagePreview datasetId={dataset.id} imageId={d.imageId} width={96} boxes={[]} label={`Thumbnail of ${d.imageId}`} />
                      )}
                    </button>
                  </td>
                  <td>
                    {numberOf(d.imageId) !== undefined && <span className="vm-mono">#{numberOf(d.imageId)} · </span>}
                    {d.imageId}
                  </td>
                  <td>
                    <span className={`vm-kind vm-kind-${d.kind}`}>{d.kind === 'class' ? 'image class' : 'box'}</span>
                  </td>
                  <td>{d.className}</td>
                  <td>
                    <meter min={0} max={1} value={d.confidence} aria-hidden /> {d.confidence.toFixed(2)}
                  </td>
                  <td className="vm-mono">
                    {d.kind === 'box' ? (
                      <>
                        {Math.round(d.x)}, {Math.round(d.y)} · {Math.round(d.w)}×{Math.round(d.h)}
                      </>
                    ) : (
                      'whole image'
                    )}
                  </td>
                  <td>
                    <button type="button" onClick={() => decide(d, true)} aria-label={`Accept ${draftName(d)}`}>
                      Accept
                    </button>
                    <button type="button" onClick={() => decide(d, false)} aria-label={`Reject ${draftName(d)}`}>
                      Reject
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {matching.length > shown && (
          <button type="button" onClick={() => setShown(shown + PAGE)}>
            Show {Math.min(PAGE, matching.length - shown)} more
          </button>
        )}
      </section>
      {open && (
        <ImageDialog
          datasetId={dataset.id}
          imageId={open.imageId}
          boxes={all
            .filter((d) => d.imageId === open.imageId)
            .flatMap((d) => (d.kind === 'box' ? [{ ...d, label: `${d.className} ${d.confidence.toFixed(2)}`, role: 'prediction' as const }] : []))}
          imageClasses={all.filter((d) => d.imageId === open.imageId && d.kind === 'class').map((d) => `${d.className} ${d.confidence.toFixed(2)}`)}
          onClose={() => setOpen(null)}
        />
      )}
    </div>
  )
}
