import { useQuery } from '@tanstack/react-query'
import { useEffect, useRef } from 'react'
import { useClient } from '../../../app/client-context'
import { queryKey } from '../../../bridge/queries'

export interface PreviewBox {
  x: number
  y: number
  w: number
  h: number
  label: string
  /** 'prediction' is drawn dashed in the accent colour, 'truth' solid in the good colour. */
  role: 'prediction' | 'truth'
}

function useImageUrl(datasetId: string, imageId: string) {
  const client = useClient()
  return useQuery({
    queryKey: queryKey('vision', 'image', datasetId, imageId),
    queryFn: () => client.call('vision.image', { datasetId, imageId }),
    staleTime: Infinity,
  })
}

/** Draws an image (or a crop around `focus`) with prediction and label boxes on a canvas. */
export function ImagePreview({
  datasetId,
  imageId,
  boxes,
  focus,
  width,
  label,
}: {
  datasetId: string
  imageId: string
  boxes: PreviewBox[]
  /** Crop to this region (with a margin) instead of the whole image. */
  focus?: { x: number; y: number; w: number; h: number } | null
  width: number
  label: string
}): React.JSX.Element {
  const image = useImageUrl(datasetId, imageId)
  const canvas = useRef<HTMLCanvasElement>(null)
  const url = image.data?.url
  useEffect(() => {
    if (!url || !canvas.current) return
    const element = canvas.current
    const img = new Image()
    img.onload = () => {
      const margin = focus ? Math.max(24, Math.max(focus.w, focus.h) * 0.6) : 0
      const sx = focus ? Math.max(0, focus.x - margin) : 0
      const sy = focus ? Math.max(0, focus.y - margin) : 0
      const sw = focus ? Math.min(img.width - sx, focus.w + 2 * margin) : img.width
      const sh = focus ? Math.min(img.height - sy, focus.h + 2 * margin) : img.height
      const scale = width / sw
      element.width = Math.round(sw * scale)
      element.height = Math.round(sh * scale)
      const ctx = element.getContext('2d')
      if (!ctx) return
      ctx.drawImage(img, sx, sy, sw, sh, 0, 0, element.width, element.height)
      const styles = getComputedStyle(element)
      for (const b of boxes) {
        const colour = (b.role === 'truth' ? styles.getPropertyValue('--good') : styles.getPropertyValue('--bad')).trim()
        ctx.strokeStyle = colour || '#ff4d4f'
        ctx.lineWidth = 2
        ctx.setLineDash(b.role === 'prediction' ? [5, 3] : [])
        ctx.strokeRect((b.x - sx) * scale, (b.y - sy) * scale, b.w * scale, b.h * scale)
        ctx.setLineDash([])
        ctx.font = '11px sans-serif'
        const text = b.label
        const tx = Math.max(0, (b.x - sx) * scale)
        const ty = Math.max(12, (b.y - sy) * scale - 2)
        ctx.fillStyle = 'rgba(0,0,0,0.6)'
        ctx.fillRect(tx, ty - 11, ctx.measureText(text).width + 4, 13)
        ctx.fillStyle = '#fff'
        ctx.fillText(text, tx + 2, ty)
      }
    }
    img.src = url
  }, [url, boxes, focus, width])
  if (image.error)
    return (
      <span role="alert" className="error-text">
        {image.error.message}
      </span>
    )
  return <canvas ref={canvas} role="img" aria-label={label} className="vm-preview" width={width} height={Math.round((width * 3) / 4)} />
}

/** The whole image with its boxes, its process context beside it, in a dialog that Escape closes. */
export function ImageDialog({
  datasetId,
  imageId,
  boxes,
  imageClasses = [],
  onClose,
}: {
  datasetId: string
  imageId: string
  boxes: PreviewBox[]
  /** Image-level draft classes ("scratch 0.87"), listed under the title. */
  imageClasses?: string[]
  onClose: () => void
}): React.JSX.Element {
  const closeButton = useRef<HTMLButtonElement>(null)
  useEffect(() => closeButton.current?.focus(), [])
  return (
    <div className="vm-dialog-backdrop" onClick={onClose}>
      <div
        role="dialog"
        aria-label={`Image ${imageId}`}
        className="vm-dialog panel"
        onClick={(e) => e.stopPropagation()}
        onKeyDown={(e) => {
          if (e.key === 'Escape') onClose()
        }}
      >
        <header className="vm-row">
          <h3>{imageId}</h3>
          <span className="muted">dashed: model · solid: label</span>
          <span className="vm-spacer" />
          <button ref={closeButton} type="button" onClick={onClose}>
            Close
          </button>
        </header>
        {imageClasses.length > 0 && (
          <p aria-label="Image-class drafts" className="vm-row">
            <span className="muted">Image-class drafts:</span>
            {imageClasses.map((c) => (
              <span key={c} className="vm-kind vm-kind-class">
                {c}
              </span>
            ))}
          </p>
        )}
        <div className="vm-dialog-body">
          <ImagePreview datasetId={datasetId} imageId={imageId} boxes={boxes} width={640} label={`Image ${imageId} with boxes`} />
          <ProcessContext datasetId={datasetId} imageId={imageId} />
        </div>
      </div>
    </div>
  )
}

/** Capture time and the snapshot of the dataset's chosen live tags taken when the image was captured. */
export function ProcessContext({ datasetId, imageId }: { datasetId: string; imageId: string }): React.JSX.Element {
  const client = useClient()
  const context = useQuery({
    queryKey: queryKey('visionModels', 'imageContext', datasetId, imageId),
    queryFn: () => client.call('visionModels.imageContext', { datasetId, imageId }),
  })
  const entries = context.data ? Object.entries(context.data.context) : []
  return (
    <aside aria-label="Process context" className="vm-context">
      <h4>Process context</h4>
      {context.data ? (
        <dl>
          <dt>Captured</dt>
          <dd>{context.data.captureTime ? new Date(context.data.captureTime).toLocaleString() : '—'}</dd>
          {entries.map(([key, value]) => (
            <div key={key}>
              <dt>{key}</dt>
              <dd>{String(value)}</dd>
            </div>
          ))}
          {entries.length === 0 && (
            <div>
              <dt>Tags</dt>
              <dd className="muted">none recorded — choose them under Models → Live &amp; context</dd>
            </div>
          )}
        </dl>
      ) : (
        <p className="muted">{context.error ? context.error.message : 'Loading…'}</p>
      )}
    </aside>
  )
}
