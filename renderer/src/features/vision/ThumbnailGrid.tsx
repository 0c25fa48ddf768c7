import { useQuery } from '@tanstack/react-query'
import { memo, useEffect, useImperativeHandle, useMemo, useRef, useState } from 'react'
import type { VisionImage, VisionSplit, VisionStatus } from '../../../../preload/contract'
import { useClient } from '../../app/client-context'
import { visibleRows } from './label-history'
import { queryKey } from '../../bridge/queries'

const CELL_WIDTH = 132
const ROW_HEIGHT = 132
/** The grid grows with its rows up to this height, then scrolls. */
const MAX_HEIGHT = 270
/** Row elements are reused in this many slots as rows scroll by (more than ever fit in view), instead of made anew. */
const ROW_SLOTS = 32
/** Rows ask for their records and thumbnails once scrolling has rested this long, so a fling asks nothing for the rows it flew past. */
const SETTLE_MS = 90
/** Thumbnails of rows scrolled away are dropped after this, so browsing 20,000 images never holds them all. */
const THUMB_CACHE_MS = 30_000

const STATUS_OF_LETTER: Record<string, VisionStatus> = { u: 'unlabeled', l: 'labeled', r: 'reviewed', x: 'rejected' }
const SPLIT_OF_LETTER: Record<string, VisionSplit> = { t: 'train', v: 'val', s: 'test' }

const drafts = (image: VisionImage): number => image.boxes.filter((b) => b.draft).length + image.polygons.filter((p) => p.draft).length
const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`

/** "Image part-00012, labeled, 1 box, #13, train split": the id first (what a person searches by), then the one #N. */
function describe(number: number, id: string, status: VisionStatus, split: VisionSplit | undefined, image: VisionImage | undefined): string {
  const tail = `, #${number}${split ? `, ${split} split` : ''}`
  if (!image) return `Image ${id}, ${status}${tail}`
  return `Image ${id}, ${status}, ${plural(image.boxes.length, 'box', 'boxes')}${
    image.polygons.length > 0 ? `, ${plural(image.polygons.length, 'polygon')}` : ''
  }${image.classes.length > 0 ? `, ${plural(image.classes.length, 'image class', 'image classes')}` : ''}${drafts(image) > 0 ? `, ${drafts(image)} drafts` : ''}${tail}`
}

const ThumbnailRow = memo(
  ThumbnailRowView,
  // Rows are re-created from slices on each scroll event; equal contents mean nothing to redraw.
  (a, b) =>
    a.datasetId === b.datasetId &&
    a.ids.join(',') === b.ids.join(',') &&
    a.status === b.status &&
    a.split === b.split &&
    a.numbers.join(',') === b.numbers.join(',') &&
    a.top === b.top &&
    a.settled === b.settled &&
    a.onOpen === b.onOpen &&
    (a.current === b.current || (!a.ids.includes(a.current ?? '') && !b.ids.includes(b.current ?? ''))),
)

function ThumbnailRowView({
  datasetId,
  ids,
  status,
  split,
  numbers,
  top,
  current,
  settled,
  onOpen,
}: {
  datasetId: string
  ids: string[]
  status: string
  split: string
  numbers: number[]
  top: number
  current: string | null
  settled: boolean
  onOpen: (id: string) => void
}) {
  const client = useClient()
  const key = ids.join(',')
  // Under ['vision', 'images']: saved labels refresh the rows on screen (and only those).
  // While a fling is under way the row shows what the index knows (id, status) and asks for nothing.
  const records = useQuery({
    queryKey: queryKey('vision', 'images', datasetId, 'rows', key),
    queryFn: () => client.call('vision.imagesById', { datasetId, imageIds: ids }),
    enabled: settled,
  })
  const thumbs = useQuery({
    queryKey: queryKey('vision', 'thumbs', datasetId, key),
    queryFn: () => client.call('vision.thumbnails', { datasetId, imageIds: ids }),
    staleTime: Infinity,
    gcTime: THUMB_CACHE_MS,
    enabled: settled,
  })
  const url = new Map(thumbs.data?.map((t) => [t.id, t.url]))
  const record = new Map(records.data?.map((r) => [r.id, r]))
  return (
    <div className="vision-grid-row" style={{ top, height: ROW_HEIGHT }}>
      {ids.map((id, i) => {
        const image = record.get(id)
        const imageStatus = image?.status ?? STATUS_OF_LETTER[status[i]] ?? 'unlabeled'
        const imageSplit = image ? image.split : SPLIT_OF_LETTER[split[i]]
        return (
          // Keyed by place, not id: a row scrolled to new images keeps its elements and only changes their text and pictures.
          <div role="listitem" key={i}>
            <button
              type="button"
              tabIndex={-1}
              className={`vision-thumb status-${imageStatus}`}
              aria-pressed={id === current}
              aria-label={describe(numbers[i], id, imageStatus, imageSplit, image)}
              onClick={() => onOpen(id)}
            >
              {url.get(id) ? <img src={url.get(id)} alt="" width={120} height={90} /> : <span className="vision-thumb-empty" />}
              {imageSplit && (
                <span className={`vision-split-badge split-${imageSplit}`} aria-hidden>
                  {imageSplit}
                </span>
              )}
              <span className="vision-thumb-caption">
                #{numbers[i]} · {imageStatus}
              </span>
              <span className="vision-thumb-counts" aria-hidden>
                {image && image.boxes.length > 0 ? `${image.boxes.length}▢ ` : ''}
                {image && image.polygons.length > 0 ? `${image.polygons.length}⬠ ` : ''}
                {image && image.classes.length > 0 ? `${image.classes.length}◉ ` : ''}
                {image && drafts(image) > 0 ? `${drafts(image)} draft` : ''}
              </span>
            </button>
          </div>
        )
      })}
    </div>
  )
}

/** Where the keyboard moves the selection from `index` in a grid of `count` images, `columns` wide, `page` rows high. */
export function gridKeyTarget(key: string, index: number, count: number, columns: number, page: number): number | undefined {
  if (count === 0) return undefined
  const from = index < 0 ? 0 : index
  const last = count - 1
  const to =
    key === 'ArrowRight'
      ? from + 1
      : key === 'ArrowLeft'
        ? from - 1
        : key === 'ArrowDown'
          ? from + columns
          : key === 'ArrowUp'
            ? from - columns
            : key === 'PageDown'
              ? from + columns * page
              : key === 'PageUp'
                ? from - columns * page
                : key === 'Home'
                  ? 0
                  : key === 'End'
                    ? last
                    : undefined
  if (to === undefined) return undefined
  return Math.max(0, Math.min(last, to))
}

/**
 * Thumbnails in rows of the images matching the filters (ids and a status letter each). Only the rows in view are in the
 * DOM, each fetching its own label records and thumbnails, so 20,000 images scroll like 20. Arrow keys, Page Up/Down and
 * Home/End move the selection (which opens the image) and keep it in view.
 */
export function ThumbnailGrid({
  datasetId,
  ids,
  status,
  split,
  numbers,
  current,
  onOpen,
  ref,
}: {
  datasetId: string
  ids: string[]
  status: string
  /** One split letter per id (t train, v val, s test, - none), as the index sends it. */
  split: string
  /** Each id's #N in the whole dataset. */
  numbers: number[]
  current: string | null
  onOpen: (id: string) => void
  /** The grid's focusable element, for "Go to" to hand the keys back after its jump. */
  ref?: React.Ref<HTMLDivElement | null>
}): React.JSX.Element {
  const viewport = useRef<HTMLDivElement>(null)
  useImperativeHandle(ref, () => viewport.current!, [])
  const [size, setSize] = useState({ width: 600, height: 240 })
  const [scrollTop, setScrollTop] = useState(0)
  const [settled, setSettled] = useState(true)
  // A fling (more than a screenful since the last scroll event): rows are drawn as empty cells until it rests, since nobody
  // reads captions flying by and making them is most of a frame's work.
  const [flinging, setFlinging] = useState(false)
  // bench:vision-grid turns the empty cells off (localStorage otw.vision.gridFullRows = 1) for its peer figure.
  const [fullRows] = useState(() => window.localStorage.getItem('otw.vision.gridFullRows') === '1')
  const lastTop = useRef(0)
  const settleTimer = useRef<ReturnType<typeof setTimeout>>(undefined)
  useEffect(() => {
    const element = viewport.current
    if (!element) return
    const observer = new ResizeObserver(() => setSize({ width: element.clientWidth, height: element.clientHeight }))
    observer.observe(element)
    return () => {
      observer.disconnect()
      clearTimeout(settleTimer.current)
    }
  }, [])
  const columns = Math.max(1, Math.floor(size.width / CELL_WIDTH))
  const rowCount = Math.ceil(ids.length / columns)
  // Not on every scroll event: a scan of 20,000 ids.
  const currentIndex = useMemo(() => (current ? ids.indexOf(current) : -1), [ids, current])

  // The selection stays in view: keys, "go to" and next/previous in the labeling panel all scroll the grid to it.
  useEffect(() => {
    const element = viewport.current
    if (!element || currentIndex < 0) return
    const rowTop = Math.floor(currentIndex / columns) * ROW_HEIGHT
    if (rowTop < element.scrollTop) element.scrollTop = rowTop
    else if (rowTop + ROW_HEIGHT > element.scrollTop + element.clientHeight) element.scrollTop = rowTop + ROW_HEIGHT - element.clientHeight
  }, [currentIndex, columns])

  const onScroll = (event: React.UIEvent<HTMLDivElement>): void => {
    const top = event.currentTarget.scrollTop
    if (!fullRows && Math.abs(top - lastTop.current) > event.currentTarget.clientHeight) setFlinging(true)
    lastTop.current = top
    setScrollTop(top)
    setSettled(false)
    clearTimeout(settleTimer.current)
    settleTimer.current = setTimeout(() => {
      setSettled(true)
      setFlinging(false)
    }, SETTLE_MS)
  }
  const onKeyDown = (event: React.KeyboardEvent<HTMLDivElement>): void => {
    if (event.altKey || event.ctrlKey || event.metaKey) return
    const page = Math.max(1, Math.floor(size.height / ROW_HEIGHT))
    const to = gridKeyTarget(event.key, currentIndex, ids.length, columns, page)
    if (to === undefined) return
    // Handled here, so the labeling panel's own arrow keys (previous/next) do not act on it too.
    event.preventDefault()
    if (ids[to] !== current) onOpen(ids[to])
  }

  const { first, last } = visibleRows(scrollTop, size.height, ROW_HEIGHT, rowCount)
  const rows: React.JSX.Element[] = []
  for (let r = first; r <= last; r++) {
    const from = r * columns
    const slice = ids.slice(from, from + columns)
    if (flinging) {
      rows.push(
        <div
          key={r % ROW_SLOTS}
          className="vision-grid-row vision-grid-skeleton"
          style={{ top: r * ROW_HEIGHT, height: ROW_HEIGHT, width: slice.length * CELL_WIDTH }}
        />,
      )
      continue
    }
    rows.push(
      <ThumbnailRow
        key={r % ROW_SLOTS}
        datasetId={datasetId}
        ids={slice}
        status={status.slice(from, from + columns)}
        split={split.slice(from, from + columns)}
        numbers={numbers.slice(from, from + columns)}
        top={r * ROW_HEIGHT}
        current={current}
        settled={settled}
        onOpen={onOpen}
      />,
    )
  }
  return (
    <div
      className="vision-grid"
      ref={viewport}
      tabIndex={0}
      aria-label={`Image grid, ${ids.length} images${currentIndex >= 0 ? `, image #${numbers[currentIndex]} selected` : ''} — arrow keys, Page Up/Down, Home/End`}
      style={{ height: Math.min(MAX_HEIGHT, Math.max(1, rowCount) * ROW_HEIGHT + 4) }}
      onScroll={onScroll}
      onKeyDown={onKeyDown}
      // The grid keeps the focus, not the clicked thumbnail: that one may scroll out of the DOM, and the keys would go with it.
      onClick={() => viewport.current?.focus({ preventScroll: true })}
    >
      <div role="list" aria-label="Images" style={{ height: rowCount * ROW_HEIGHT, position: 'relative' }}>
        {rows}
      </div>
      {ids.length === 0 && <p className="muted">No images match the filters.</p>}
    </div>
  )
}
