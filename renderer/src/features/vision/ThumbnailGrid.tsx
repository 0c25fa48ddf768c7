import { useQuery } from '@tanstack/react-query'
import { useEffect, useRef, useState } from 'react'
import type { VisionImage } from '../../../../preload/contract'
import { useClient } from '../../app/client-context'
import { visibleRows } from './label-history'

const CELL_WIDTH = 132
const ROW_HEIGHT = 132
/** The grid grows with its rows up to this height, then scrolls. */
const MAX_HEIGHT = 270

const drafts = (image: VisionImage): number => image.boxes.filter((b) => b.draft).length + image.polygons.filter((p) => p.draft).length

function ThumbnailRow({
  datasetId,
  images,
  top,
  current,
  onOpen,
}: {
  datasetId: string
  images: VisionImage[]
  top: number
  current: string | null
  onOpen: (id: string) => void
}) {
  const client = useClient()
  const ids = images.map((i) => i.id)
  const thumbs = useQuery({
    queryKey: ['vision', 'thumbs', datasetId, ids.join(',')],
    queryFn: () => client.call('vision.thumbnails', { datasetId, imageIds: ids }),
    staleTime: Infinity,
  })
  const url = new Map(thumbs.data?.map((t) => [t.id, t.url]))
  return (
    <div className="vision-grid-row" style={{ top, height: ROW_HEIGHT }}>
      {images.map((image) => (
        <div role="listitem" key={image.id}>
          <button
            type="button"
            className={`vision-thumb status-${image.status}`}
            aria-pressed={image.id === current}
            aria-label={`Image ${image.id}, ${image.status}, ${image.boxes.length} box${image.boxes.length === 1 ? '' : 'es'}${
              image.polygons.length > 0 ? `, ${image.polygons.length} polygon${image.polygons.length === 1 ? '' : 's'}` : ''
            }${image.classes.length > 0 ? `, ${image.classes.length} image class${image.classes.length === 1 ? '' : 'es'}` : ''}${drafts(image) > 0 ? `, ${drafts(image)} drafts` : ''}`}
            onClick={() => onOpen(image.id)}
          >
            {url.get(image.id) ? <img src={url.get(image.id)} alt="" width={120} height={90} /> : <span className="vision-thumb-empty" />}
            <span className="vision-thumb-caption">
              {image.id.replace(/^part-0*(?=\d)/, '#')} · {image.status}
            </span>
            <span className="vision-thumb-counts" aria-hidden>
              {image.boxes.length > 0 ? `${image.boxes.length}▢ ` : ''}
              {image.polygons.length > 0 ? `${image.polygons.length}⬠ ` : ''}
              {image.classes.length > 0 ? `${image.classes.length}◉ ` : ''}
              {drafts(image) > 0 ? `${drafts(image)} draft` : ''}
            </span>
          </button>
        </div>
      ))}
    </div>
  )
}

/** Thumbnails in rows; only the rows in view are in the DOM, so thousands of images scroll smoothly. */
export function ThumbnailGrid({
  datasetId,
  images,
  current,
  onOpen,
}: {
  datasetId: string
  images: VisionImage[]
  current: string | null
  onOpen: (id: string) => void
}): React.JSX.Element {
  const viewport = useRef<HTMLDivElement>(null)
  const [size, setSize] = useState({ width: 600, height: 240 })
  const [scrollTop, setScrollTop] = useState(0)
  useEffect(() => {
    const element = viewport.current
    if (!element) return
    const observer = new ResizeObserver(() => setSize({ width: element.clientWidth, height: element.clientHeight }))
    observer.observe(element)
    return () => observer.disconnect()
  }, [])
  const columns = Math.max(1, Math.floor(size.width / CELL_WIDTH))
  const rowCount = Math.ceil(images.length / columns)
  const { first, last } = visibleRows(scrollTop, size.height, ROW_HEIGHT, rowCount)
  const rows: React.JSX.Element[] = []
  for (let r = first; r <= last; r++) {
    const slice = images.slice(r * columns, (r + 1) * columns)
    rows.push(<ThumbnailRow key={`${r}:${slice[0]?.id}`} datasetId={datasetId} images={slice} top={r * ROW_HEIGHT} current={current} onOpen={onOpen} />)
  }
  return (
    <div
      className="vision-grid"
      ref={viewport}
      style={{ height: Math.min(MAX_HEIGHT, Math.max(1, rowCount) * ROW_HEIGHT + 4) }}
      onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
    >
      <div role="list" aria-label="Images" style={{ height: rowCount * ROW_HEIGHT, position: 'relative' }}>
        {rows}
      </div>
      {images.length === 0 && <p className="muted">No images match the filters.</p>}
    </div>
  )
}
