import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useEffect, useRef, useState } from 'react'
import { visionSplits, visionStatuses, type VisionImage, type VisionImageClassMode, type VisionStatus } from '../../../../preload/contract'
import { useClient } from '../../app/client-context'
import type { LabelState } from './label-history'
import { ExchangePanel } from './ExchangePanel'
import { LabelingPanel } from './LabelingPanel'
import { NO_FILTER, type ImageFilter } from './shapes'
import { describeSplit, SplitPanel } from './SplitPanel'
import { ThumbnailGrid } from './ThumbnailGrid'
import { VisionTasks } from './VisionTasks'
import { ProcessContext } from './models/ImagePreview'
import { ModelsPanel } from './models/ModelsPanel'
import './vision.css'
import { queryKey } from '../../bridge/queries'

const IMAGE_CACHE_MS = 60_000

/** Vision: datasets of part images, labeling with boxes, polygons and image classes, export/import and the built-in anomaly model. */
export function VisionView(): React.JSX.Element {
  const client = useClient()
  const queryClient = useQueryClient()
  const [datasetId, setDatasetId] = useState<string | null>(null)
  const [newName, setNewName] = useState('Demo bottles')
  const [count, setCount] = useState(12)
  const [keepLabels, setKeepLabels] = useState(false)
  const [filter, setFilter] = useState<ImageFilter>(NO_FILTER)
  const [current, setCurrent] = useState<string | null>(null)
  const [activeClass, setActiveClass] = useState(0)

  const datasets = useQuery({ queryKey: queryKey('vision', 'datasets'), queryFn: () => client.call('vision.datasets') })
  const dataset = datasets.data?.find((d) => d.id === datasetId) ?? datasets.data?.[0]
  const [goTo, setGoTo] = useState('')
  const [goToProblem, setGoToProblem] = useState<string | null>(null)
  const grid = useRef<HTMLDivElement | null>(null)
  // The selection belongs to one dataset: whenever the dataset shown changes (picked, created, imported, or the list fell
  // back to another while it refreshed), it starts again from that dataset's first image.
  const [selectionOf, setSelectionOf] = useState(dataset?.id)
  if (selectionOf !== dataset?.id) {
    setSelectionOf(dataset?.id)
    setCurrent(null)
  }
  // The images matching the filters as ids and status letters, filtered in the host: a 20,000-image dataset is ~300 KB here,
  // not every label record; the grid fetches the records of the rows on screen.
  const index = useQuery({
    queryKey: queryKey('vision', 'images', dataset?.id, 'index', filter),
    queryFn: () => client.call('vision.imageIndex', { datasetId: dataset!.id, filter }),
    enabled: !!dataset,
    placeholderData: keepPreviousData,
  })
  const ids = index.data?.ids ?? []
  const numbers = index.data?.numbers ?? []
  const total = index.data?.total ?? 0
  const open = useQuery({
    queryKey: queryKey('vision', 'image', dataset?.id, current),
    queryFn: () => client.call('vision.image', { datasetId: dataset!.id, imageId: current! }),
    enabled: !!dataset && !!current,
    staleTime: Infinity,
    // Full images are large: the ones left behind while stepping through thousands are dropped after a minute.
    gcTime: IMAGE_CACHE_MS,
  })
  useEffect(() => {
    if (!current && ids.length > 0 && !index.isPlaceholderData) setCurrent(ids[0])
  }, [current, ids, index.isPlaceholderData])
  const setFilterPart = (part: Partial<ImageFilter>): void => {
    setFilter((f) => {
      const { split, ...rest } = { ...f, ...part }
      // "All splits" is no filter: left out, so "Clear filters" hides again.
      return split && split !== 'all' ? { ...rest, split } : rest
    })
    setCurrent(null)
  }

  const refresh = (): void => {
    void queryClient.invalidateQueries({ queryKey: queryKey('vision', 'datasets') })
    void queryClient.invalidateQueries({ queryKey: queryKey('vision', 'images') })
  }
  const create = useMutation({
    mutationFn: (name: string) => client.call('vision.createDataset', { name }),
    onSuccess: (created) => {
      setDatasetId(created.id)
      setCurrent(null)
      refresh()
    },
  })
  const settings = useMutation({
    mutationFn: (mode: VisionImageClassMode) => client.call('vision.datasetSettings', { datasetId: dataset!.id, imageClassMode: mode }),
    onSuccess: refresh,
  })
  const addDemo = useMutation({
    mutationFn: (id: string) => client.call('vision.addDemoImages', { datasetId: id, count, keepLabels }),
    onSuccess: refresh,
  })

  const save = async (imageId: string, labels: LabelState): Promise<void> => {
    const saved: VisionImage = await client.call('vision.saveLabels', { datasetId: dataset!.id, imageId, ...labels })
    queryClient.setQueryData(['vision', 'image', dataset!.id, imageId], (old: { url: string; image: VisionImage } | undefined) =>
      old ? { ...old, image: saved } : old,
    )
    refresh()
  }
  const at = current ? ids.indexOf(current) : -1
  const step = (direction: -1 | 1): void => {
    const next = ids[Math.max(0, Math.min(ids.length - 1, at + direction))]
    if (next) setCurrent(next)
  }
  // One numbering everywhere: #N is the image's place in the whole dataset, N of total, whatever the filters show.
  const position = at >= 0 ? `#${numbers[at]} of ${total}${ids.length < total ? ` · ${at + 1} of ${ids.length} shown` : ''}` : ''
  const previousId = at > 0 ? ids[at - 1] : undefined
  const nextId = at >= 0 && at + 1 < ids.length ? ids[at + 1] : undefined
  // The neighbours are fetched ahead, so next/previous opens at once instead of waiting for the host.
  useEffect(() => {
    if (!dataset) return
    for (const imageId of [nextId, previousId])
      if (imageId)
        void queryClient.prefetchQuery({
          queryKey: queryKey('vision', 'image', dataset.id, imageId),
          queryFn: () => client.call('vision.image', { datasetId: dataset.id, imageId }),
          staleTime: Infinity,
          gcTime: IMAGE_CACHE_MS,
        })
  }, [client, queryClient, dataset, nextId, previousId])
  // The previous image's labels, for "copy the previous image's labels": one record, not the list.
  const previousRecord = useQuery({
    queryKey: queryKey('vision', 'images', dataset?.id, 'rows', previousId),
    queryFn: () => client.call('vision.imagesById', { datasetId: dataset!.id, imageIds: [previousId!] }),
    enabled: !!dataset && !!previousId,
  })
  const previous = previousRecord.data?.[0]?.id === previousId ? previousRecord.data?.[0] : undefined
  // A number asked for while the index still shows the last filter's images waits for the fresh one.
  const [jumpTo, setJumpTo] = useState<number | null>(null)
  useEffect(() => {
    if (jumpTo === null || index.isPlaceholderData || !index.data) return
    setJumpTo(null)
    if (!(jumpTo >= 1 && jumpTo <= total)) {
      setGoToProblem(`There is no image #${jumpTo} — the dataset has images #1 to #${total}`)
      return
    }
    const where = numbers.indexOf(jumpTo)
    if (where < 0) {
      setGoToProblem(`Image #${jumpTo} is hidden by the filters — clear them to go to it`)
      return
    }
    setGoToProblem(null)
    setCurrent(ids[where])
    // The keys go back to the grid (arrows, Page Up/Down) and the labeling panel, not to the number field.
    grid.current?.focus({ preventScroll: true })
  }, [jumpTo, index.isPlaceholderData, index.data, ids, numbers, total])
  const jump = (): void => setJumpTo(Math.round(Number(goTo)))
  const mutationError = create.error ?? addDemo.error ?? settings.error

  return (
    <div className="vision-view">
      <header className="panel vision-toolbar">
        <h1>Vision</h1>
        <select
          aria-label="Dataset"
          value={dataset?.id ?? ''}
          onChange={(e) => {
            setDatasetId(e.target.value)
            setCurrent(null)
          }}
        >
          {(datasets.data ?? []).length === 0 && <option value="">No dataset yet</option>}
          {datasets.data?.map((d) => (
            <option key={d.id} value={d.id}>
              {d.name} ({d.images} images)
            </option>
          ))}
        </select>
        <input aria-label="New dataset name" value={newName} onChange={(e) => setNewName(e.target.value)} />
        <button type="button" onClick={() => create.mutate(newName)} disabled={!newName.trim() || create.isPending}>
          Create dataset
        </button>
        <span className="vision-sep" />
        <input
          aria-label="Number of demo images"
          type="number"
          min={1}
          max={500}
          value={count}
          onChange={(e) => setCount(Math.max(1, Math.min(500, Number(e.target.value) || 1)))}
        />
        <label>
          <input type="checkbox" checked={keepLabels} onChange={(e) => setKeepLabels(e.target.checked)} /> Keep ground truth as labels
        </label>
        <button type="button" onClick={() => dataset && addDemo.mutate(dataset.id)} disabled={!dataset || addDemo.isPending}>
          {addDemo.isPending ? 'Adding…' : 'Add demo images'}
        </button>
        {dataset && (
          <span className="muted" role="status" aria-label="Dataset summary">
            {dataset.images} images · {visionStatuses.map((s) => `${dataset.byStatus[s] ?? 0} ${s}`).join(' · ')}
            {dataset.bySplit.train + dataset.bySplit.val + dataset.bySplit.test > 0 ? ` · split ${describeSplit(dataset.bySplit)}` : ''}
          </span>
        )}
        {mutationError && (
          <span role="alert" className="error-text">
            {mutationError.message}
          </span>
        )}
      </header>
      {!dataset ? (
        <p className="panel muted">Create a dataset, then add images from the demo camera to label them.</p>
      ) : (
        <>
          <section className="panel vision-browser" aria-label="Image browser">
            <div className="vision-browser-bar">
              <select aria-label="Status filter" value={filter.status} onChange={(e) => setFilterPart({ status: e.target.value as VisionStatus | 'all' })}>
                <option value="all">All statuses</option>
                {visionStatuses.map((s) => (
                  <option key={s} value={s}>
                    {s}
                  </option>
                ))}
              </select>
              <select
                aria-label="Split filter"
                value={filter.split ?? 'all'}
                onChange={(e) => setFilterPart({ split: e.target.value as NonNullable<ImageFilter['split']> })}
              >
                <option value="all">All splits</option>
                {visionSplits.map((s) => (
                  <option key={s} value={s}>
                    {s}
                  </option>
                ))}
                <option value="none">not in a split</option>
              </select>
              <select
                aria-label="Class filter"
                value={String(filter.classId)}
                onChange={(e) => setFilterPart({ classId: e.target.value === 'any' ? 'any' : Number(e.target.value) })}
              >
                <option value="any">All classes</option>
                {dataset.classes.map((name, classId) => (
                  <option key={name} value={classId}>
                    {name}
                  </option>
                ))}
              </select>
              <label>
                Confidence{' '}
                <input
                  aria-label="Minimum confidence"
                  type="number"
                  min={0}
                  max={1}
                  step={0.05}
                  value={filter.minConfidence}
                  onChange={(e) => setFilterPart({ minConfidence: Math.max(0, Math.min(1, Number(e.target.value) || 0)) })}
                />
                {' – '}
                <input
                  aria-label="Maximum confidence"
                  type="number"
                  min={0}
                  max={1}
                  step={0.05}
                  value={filter.maxConfidence}
                  onChange={(e) => setFilterPart({ maxConfidence: Math.max(0, Math.min(1, e.target.value === '' ? 1 : Number(e.target.value))) })}
                />
              </label>
              {JSON.stringify(filter) !== JSON.stringify(NO_FILTER) && (
                <button
                  type="button"
                  onClick={() => {
                    setFilter(NO_FILTER)
                    setCurrent(null)
                  }}
                >
                  Clear filters
                </button>
              )}
              <label className="vision-goto">
                Go to{' '}
                <input
                  aria-label="Go to image number"
                  type="number"
                  min={1}
                  max={Math.max(1, total)}
                  placeholder="#"
                  value={goTo}
                  onChange={(e) => {
                    setGoTo(e.target.value)
                    setGoToProblem(null)
                  }}
                  onKeyDown={(e) => {
                    if (e.key === 'Enter') jump()
                  }}
                />
              </label>
              <span className="muted" role="status" aria-label="Images shown">
                {ids.length} of {total} shown
              </span>
              {at >= 0 && (
                <span className="muted" aria-label="Selected image">
                  #{numbers[at]} of {total} selected
                </span>
              )}
              {goToProblem && (
                <span role="alert" className="error-text">
                  {goToProblem}
                </span>
              )}
              {index.error && (
                <span role="alert" className="error-text">
                  {index.error.message}
                </span>
              )}
            </div>
            <ThumbnailGrid
              ref={grid}
              datasetId={dataset.id}
              ids={ids}
              status={index.data?.status ?? ''}
              split={index.data?.split ?? ''}
              numbers={numbers}
              current={current}
              onOpen={setCurrent}
            />
          </section>
          {open.data && open.data.image.id === current && (
            <LabelingPanel
              key={`${dataset.id}/${current}`}
              image={open.data.image}
              url={open.data.url}
              classes={dataset.classes}
              imageClassMode={dataset.imageClassMode}
              onImageClassMode={(mode) => settings.mutate(mode)}
              previous={previous}
              activeClass={activeClass}
              onActiveClass={setActiveClass}
              save={(labels) => save(open.data.image.id, labels)}
              onStep={step}
              position={position}
              aside={<ProcessContext datasetId={dataset.id} imageId={open.data.image.id} />}
            />
          )}
          {open.error && (
            <p role="alert" className="error-text">
              {open.error.message}
            </p>
          )}
          <SplitPanel dataset={dataset} />
          <VisionTasks dataset={dataset} imageId={current} />
          <ExchangePanel
            dataset={dataset}
            onImported={(id) => {
              setDatasetId(id)
              setCurrent(null)
            }}
          />
        </>
      )}
      <ModelsPanel dataset={dataset ?? null} />
    </div>
  )
}
