import { useEffect, useLayoutEffect, useRef, useState } from 'react'
import {
  visionStatuses,
  type VisionBox,
  type VisionImage,
  type VisionImageClassMode,
  type VisionPolygon,
  type VisionStatus,
} from '../../../../preload/contract'
import { classColour, LabelCanvas } from './label-canvas'
import { actionFor, keyPressOf, type LabelAction, SHORTCUTS } from './label-keys'
import { acceptAllClassDrafts, acceptClassDraft, pendingClassDrafts, rejectAllClassDrafts, rejectClassDraft } from './label-class-drafts'
import './label-class-drafts.css'
import { boxFromDrag, type LabelState } from './label-history'
import { useLabelSession } from './use-label-session'
import {
  acceptAllDrafts,
  acceptDraft,
  copyLabelsFrom,
  draftCount,
  dragShape,
  grabAt,
  polygonFromClicks,
  rejectAllDrafts,
  removeShape,
  replaceShape,
  sameRef,
  shapeOf,
  toggleImageClass,
  type Grab,
  type Point,
  type ShapeRef,
} from './shapes'

export { CLASS_COLOURS } from './label-canvas'

type Tool = 'box' | 'polygon'

/** Canvas layers grow with the zoom; 4× keeps them near 20 MB each for a 320×240 image shown at 2×. */
const MAX_ZOOM = 4

interface Props {
  image: VisionImage
  url: string
  classes: string[]
  imageClassMode: VisionImageClassMode
  onImageClassMode: (mode: VisionImageClassMode) => void
  activeClass: number
  onActiveClass: (classId: number) => void
  save: (labels: LabelState) => Promise<void>
  /** Called after the labels were saved; -1 previous, +1 next. */
  onStep: (direction: -1 | 1) => void
  position: string
  /** The image before this one in the list, for "copy previous labels". */
  previous?: VisionImage
  /** Shown under the shape list, e.g. the image's process context. */
  aside?: React.ReactNode
}

const typing = (target: EventTarget | null): boolean =>
  target instanceof HTMLElement && (['INPUT', 'SELECT', 'TEXTAREA'].includes(target.tagName) || target.isContentEditable)

/** A press on the canvas in progress: drawing a box, or moving/reshaping a shape. Kept in a ref so moves never re-render React. */
type Interaction =
  { kind: 'draw'; a: Point; b: Point } | { kind: 'edit'; grab: Grab; start: Point; original: VisionBox | VisionPolygon; current: VisionBox | VisionPolygon }

const describeShape = (shape: VisionBox | VisionPolygon, classes: string[]): string => {
  const name = classes[shape.classId] ?? `class ${shape.classId}`
  const where = 'points' in shape ? `${name}, ${shape.points.length} points` : `${name} at ${shape.x},${shape.y} ${shape.w}×${shape.h}`
  return `${where}${shape.draft ? ` · draft ${(shape.confidence ?? 0).toFixed(2)}` : shape.confidence !== undefined ? ` · ${shape.confidence.toFixed(2)}` : ''}`
}

/** Boxes, polygons and image-level classes on one image, with the mouse and the keyboard; drafts from models accepted or rejected. */
export function LabelingPanel({
  image,
  url,
  classes,
  imageClassMode,
  onImageClassMode,
  activeClass,
  onActiveClass,
  save,
  onStep,
  position,
  previous,
  aside,
}: Props): React.JSX.Element {
  const { session, labels, dirty, history, saving, error: saveError } = useLabelSession(image, save)
  const [selected, setSelected] = useState<ShapeRef | null>(null)
  /** An image-class draft picked by click; with nothing picked and no shape selected, A/X act on the first one. */
  const [pickedClassDraft, setPickedClassDraft] = useState<number | null>(null)
  const [tool, setTool] = useState<Tool>('box')
  const [drawing, setDrawing] = useState<Point[]>([])
  const [help, setHelp] = useState(false)
  const surface = useRef<HTMLDivElement>(null)
  const baseLayer = useRef<HTMLCanvasElement>(null)
  const overlayLayer = useRef<HTMLCanvasElement>(null)
  const canvas = useRef<LabelCanvas | null>(null)
  const interaction = useRef<Interaction | null>(null)
  const cursor = useRef<Point | null>(null)
  const [zoom, setZoom] = useState(1)
  const viewport = useRef<HTMLDivElement>(null)
  const pan = useRef<{ x: number; y: number; left: number; top: number } | null>(null)
  const spaceHeld = useRef(false)
  const fitScale = Math.min(2, 720 / image.width)
  const scale = fitScale * zoom
  const selectedShape = selected ? shapeOf(labels, selected) : undefined
  const classDrafts = pendingClassDrafts(labels)
  const currentClassDraft = selected ? undefined : (classDrafts.find((d) => d.classId === pickedClassDraft) ?? classDrafts[0])
  const drafts = draftCount(labels) + classDrafts.length

  const apply = (next: LabelState): void => session.apply(next)
  const step = async (direction: -1 | 1): Promise<void> => {
    if (dirty && !(await session.save())) return
    onStep(direction)
  }
  const setStatus = (status: VisionStatus): void => {
    void session.setStatus(status)
  }
  const setClass = (classId: number): void => {
    if (classId >= classes.length) return
    onActiveClass(classId)
    if (selected && selectedShape && selectedShape.classId !== classId) apply(replaceShape(labels, selected, { ...selectedShape, classId }))
  }
  const remove = (ref: ShapeRef): void => {
    apply(removeShape(labels, ref))
    setSelected(null)
  }
  const closePolygon = (points: Point[] = drawing): void => {
    const polygon = polygonFromClicks(points, image, activeClass)
    setDrawing([])
    if (!polygon) return
    apply({ ...labels, polygons: [...labels.polygons, polygon] })
    setSelected({ kind: 'polygon', index: labels.polygons.length })
  }
  const acceptSelected = (): void => {
    if (selected && selectedShape?.draft) apply(acceptDraft(labels, selected))
    else if (!selected && currentClassDraft) {
      apply(acceptClassDraft(labels, currentClassDraft.classId, imageClassMode))
      setPickedClassDraft(null)
    }
  }
  const rejectSelected = (): void => {
    if (selected && selectedShape?.draft) remove(selected)
    else if (!selected && currentClassDraft) {
      apply(rejectClassDraft(labels, currentClassDraft.classId))
      setPickedClassDraft(null)
    }
  }
  const acceptAll = (): void => {
    apply(acceptAllClassDrafts(acceptAllDrafts(labels), imageClassMode))
    setPickedClassDraft(null)
  }
  const rejectAll = (): void => {
    apply(rejectAllClassDrafts(rejectAllDrafts(labels)))
    setSelected(null)
    setPickedClassDraft(null)
  }
  const pickClassDraft = (classId: number): void => {
    setSelected(null)
    setPickedClassDraft(classId)
  }
  const copyPrevious = (): void => {
    if (previous) apply(copyLabelsFrom(labels, previous, imageClassMode))
  }
  /** Zooms about a point of the viewport (default: its centre), keeping the image point under it in place. */
  const zoomBy = (factor: number, around?: { x: number; y: number }): void => {
    const view = viewport.current
    const next = Math.max(1, Math.min(MAX_ZOOM, Math.round(zoom * factor * 100) / 100))
    if (!view || next === zoom) return
    const at = around ?? { x: view.clientWidth / 2, y: view.clientHeight / 2 }
    const imageX = (view.scrollLeft + at.x) / scale
    const imageY = (view.scrollTop + at.y) / scale
    setZoom(next)
    requestAnimationFrame(() => {
      view.scrollLeft = imageX * fitScale * next - at.x
      view.scrollTop = imageY * fitScale * next - at.y
    })
  }
  const wheel = useRef<(event: WheelEvent) => void>(() => undefined)
  wheel.current = (event) => {
    if (!event.ctrlKey && !event.altKey) return
    event.preventDefault()
    const rect = viewport.current!.getBoundingClientRect()
    zoomBy(event.deltaY < 0 ? 1.25 : 0.8, { x: event.clientX - rect.left, y: event.clientY - rect.top })
  }
  useEffect(() => {
    const view = viewport.current
    if (!view) return
    const listener = (event: WheelEvent): void => wheel.current(event)
    const space = (down: boolean) => (event: KeyboardEvent) => {
      if (event.key !== ' ') return
      spaceHeld.current = down && !typing(event.target)
      // Space keeps activating focused buttons; it only stops scrolling the page when the canvas or nothing has focus.
      if (down && (event.target === document.body || event.target === surface.current)) event.preventDefault()
    }
    const spaceDown = space(true)
    const spaceUp = space(false)
    view.addEventListener('wheel', listener, { passive: false })
    window.addEventListener('keydown', spaceDown)
    window.addEventListener('keyup', spaceUp)
    return () => {
      view.removeEventListener('wheel', listener)
      window.removeEventListener('keydown', spaceDown)
      window.removeEventListener('keyup', spaceUp)
    }
  }, [])
  const chooseTool = (next: Tool): void => {
    setTool(next)
    setDrawing([])
  }

  // Every key is in label-keys.ts: this handler dispatches from that table and the help below lists it.
  const keys = useRef<(event: KeyboardEvent) => void>(() => undefined)
  keys.current = (event) => {
    // Keys another widget already handled (the review list's A/R) are not labeling keys.
    if (typing(event.target) || event.defaultPrevented) return
    const press = keyPressOf(event, { drawing: drawing.length > 0, selected: selected !== null })
    const action = actionFor(press)
    if (!action) return
    const run: Record<LabelAction, () => void> = {
      toggleHelp: () => setHelp((h) => !h),
      copyPrevious,
      undo: () => session.undo(),
      redo: () => session.redo(),
      save: () => void session.save(),
      toggleImageClass: () => apply(toggleImageClass(labels, press.digit! - 1, imageClassMode)),
      setClass: () => setClass(press.digit! - 1),
      zoomIn: () => zoomBy(1.25),
      zoomOut: () => zoomBy(0.8),
      zoomFit: () => setZoom(1),
      boxTool: () => chooseTool('box'),
      polygonTool: () => chooseTool('polygon'),
      closePolygon,
      removeVertex: () => setDrawing((d) => d.slice(0, -1)),
      deleteSelected: () => selected && remove(selected),
      escape: () => {
        if (drawing.length > 0) setDrawing([])
        else if (help) setHelp(false)
        else setSelected(null)
      },
      acceptSelected,
      acceptAll,
      rejectSelected,
      rejectAll,
      statusGood: () => {
        const empty = labels.boxes.length === 0 && labels.polygons.length === 0 && labels.classes.length === 0
        if (empty) setStatus('labeled')
        else session.complain('G marks a good part: this image has labels — delete them first, or press L for labeled')
      },
      statusLabeled: () => setStatus('labeled'),
      statusReviewed: () => setStatus('reviewed'),
      next: () => void step(1),
      previous: () => void step(-1),
    }
    run[action]()
    event.preventDefault()
  }
  useEffect(() => {
    const listener = (event: KeyboardEvent): void => keys.current(event)
    window.addEventListener('keydown', listener)
    return () => window.removeEventListener('keydown', listener)
  }, [])

  // The canvas layers: created once per image, the base redrawn when labels or the selection change.
  const { width, height } = image
  const latest = useRef({ labels, hidden: selectedShape ? selected : null })
  latest.current = { labels, hidden: selectedShape ? selected : null }
  useLayoutEffect(() => {
    const layers = new LabelCanvas(baseLayer.current!, overlayLayer.current!, { width, height })
    layers.resize(scale)
    layers.drawBase(latest.current.labels, latest.current.hidden)
    canvas.current = layers
    return () => layers.dispose()
  }, [width, height, scale])
  const overlayState = () => ({
    ...(selected && selectedShape ? { active: { shape: selectedShape, ref: selected } } : {}),
    ...(drawing.length > 0 ? { drawing: { points: drawing, cursor: cursor.current, classId: activeClass, closable: drawing.length >= 3 } } : {}),
  })
  useLayoutEffect(() => {
    canvas.current?.drawBase(labels, selectedShape ? selected : null)
  }, [labels, selected, selectedShape])
  useLayoutEffect(() => {
    canvas.current?.drawOverlay(overlayState())
  })

  const toImage = (event: React.PointerEvent): Point => {
    const rect = surface.current!.getBoundingClientRect()
    return { x: ((event.clientX - rect.left) / rect.width) * image.width, y: ((event.clientY - rect.top) / rect.height) * image.height }
  }
  /** Six screen pixels, in image pixels. */
  const tolerance = 6 / scale
  const onPointerDown = (event: React.PointerEvent): void => {
    if (event.button === 1 || (event.button === 0 && spaceHeld.current)) {
      const view = viewport.current!
      pan.current = { x: event.clientX, y: event.clientY, left: view.scrollLeft, top: view.scrollTop }
      surface.current?.setPointerCapture(event.pointerId)
      event.preventDefault()
      return
    }
    if (event.button !== 0) return
    surface.current?.focus({ preventScroll: true })
    const p = toImage(event)
    if (tool === 'polygon' && drawing.length > 0) {
      const first = drawing[0]
      if (drawing.length >= 3 && Math.abs(first.x - p.x) <= tolerance * 1.5 && Math.abs(first.y - p.y) <= tolerance * 1.5) closePolygon()
      else setDrawing((d) => [...d, p])
      return
    }
    const grab = event.shiftKey ? undefined : grabAt(labels, selected, p, tolerance)
    if (grab) {
      const shape = shapeOf(labels, grab.ref)!
      setSelected(grab.ref)
      interaction.current = { kind: 'edit', grab, start: p, original: shape, current: shape }
      surface.current?.setPointerCapture(event.pointerId)
      return
    }
    setSelected(null)
    if (tool === 'polygon') {
      setDrawing([p])
      return
    }
    surface.current?.setPointerCapture(event.pointerId)
    interaction.current = { kind: 'draw', a: p, b: p }
  }
  const onPointerMove = (event: React.PointerEvent): void => {
    if (pan.current) {
      viewport.current!.scrollLeft = pan.current.left - (event.clientX - pan.current.x)
      viewport.current!.scrollTop = pan.current.top - (event.clientY - pan.current.y)
      return
    }
    const now = interaction.current
    const p = toImage(event)
    if (now?.kind === 'edit') {
      now.current = dragShape(now.original, now.grab, p.x - now.start.x, p.y - now.start.y, image)
      canvas.current?.scheduleOverlay({ active: { shape: now.current, ref: now.grab.ref } })
    } else if (now?.kind === 'draw') {
      now.b = p
      const preview = boxFromDrag(now.a, p, image, activeClass, 1)
      canvas.current?.scheduleOverlay({ ...(preview ? { preview } : {}) })
    } else if (drawing.length > 0) {
      cursor.current = p
      canvas.current?.scheduleOverlay({ drawing: { points: drawing, cursor: p, classId: activeClass, closable: drawing.length >= 3 } })
    }
  }
  const onPointerUp = (event: React.PointerEvent): void => {
    if (pan.current) {
      pan.current = null
      return
    }
    const now = interaction.current
    interaction.current = null
    if (!now) return
    if (now.kind === 'edit') {
      if (now.current !== now.original) apply(replaceShape(labels, now.grab.ref, now.current))
      else canvas.current?.drawOverlay(overlayState())
      return
    }
    const box = boxFromDrag(now.a, toImage(event), image, activeClass)
    canvas.current?.drawOverlay({})
    if (!box) return
    apply({ ...labels, boxes: [...labels.boxes, box] })
    setSelected({ kind: 'box', index: labels.boxes.length })
  }

  const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`
  const hint =
    tool === 'box'
      ? `drag to draw a ${classes[activeClass]} box`
      : drawing.length > 0
        ? `drawing a ${classes[activeClass]} polygon, ${count(drawing.length, 'vertex', 'vertices')} — Enter closes`
        : `click to start a ${classes[activeClass]} polygon`
  const imageClassNames = labels.classes.map((c) => classes[c]).join(', ')
  const classDraftText = (d: { classId: number; confidence: number }) => `${classes[d.classId] ?? `class ${d.classId}`} draft ${d.confidence.toFixed(2)}`

  return (
    <section className="panel vision-labeling" aria-label="Labeling">
      <div className="vision-labeling-bar">
        <button type="button" aria-label="Previous image" onClick={() => void step(-1)}>
          ← Prev
        </button>
        <span className="mono" aria-label="Open image">
          {position} · {image.id}
          {image.split ? ` · ${image.split}` : ''}
        </span>
        <button type="button" aria-label="Next image" onClick={() => void step(1)}>
          Next →
        </button>
        <div role="group" aria-label="Review status" className="vision-status-buttons">
          {visionStatuses.map((status) => (
            <button key={status} type="button" aria-pressed={labels.status === status} onClick={() => setStatus(status)}>
              {status}
            </button>
          ))}
        </div>
        <div role="group" aria-label="Tool" className="vision-status-buttons">
          <button type="button" aria-pressed={tool === 'box'} onClick={() => chooseTool('box')}>
            ▭ Box <kbd>B</kbd>
          </button>
          <button type="button" aria-pressed={tool === 'polygon'} onClick={() => chooseTool('polygon')}>
            ⬠ Polygon <kbd>P</kbd>
          </button>
        </div>
        <button type="button" aria-label="Undo" disabled={history.past.length === 0} onClick={() => session.undo()}>
          Undo
        </button>
        <button type="button" aria-label="Redo" disabled={history.future.length === 0} onClick={() => session.redo()}>
          Redo
        </button>
        <button type="button" disabled={!previous} onClick={copyPrevious} title="Ctrl+Shift+V">
          Copy previous labels
        </button>
        <button type="button" aria-label="Keyboard shortcuts" aria-expanded={help} onClick={() => setHelp((h) => !h)}>
          ? Keys
        </button>
        <span role="status" className="muted" aria-label="Save state">
          {saving ? 'Saving…' : saveError ? '' : dirty ? 'Unsaved changes (saved on next/previous)' : 'Saved'}
        </span>
        {saveError && (
          <span role="alert" className="error-text">
            {saveError}
          </span>
        )}
      </div>
      {help && (
        <div role="dialog" aria-label="Keyboard shortcuts" className="vision-help">
          <table>
            <tbody>
              {SHORTCUTS.map(([keysText, what]) => (
                <tr key={keysText}>
                  <th scope="row">
                    <kbd>{keysText}</kbd>
                  </th>
                  <td>{what}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <button type="button" onClick={() => setHelp(false)}>
            Close
          </button>
        </div>
      )}
      <div className="vision-labeling-body">
        <div className="vision-side">
          <div className="vision-classes" role="radiogroup" aria-label="Classes">
            {classes.map((name, classId) => (
              <button
                key={name}
                type="button"
                role="radio"
                aria-checked={classId === activeClass}
                aria-label={`${name} (hotkey ${classId + 1})`}
                onClick={() => setClass(classId)}
              >
                <span className="vision-swatch" style={{ background: classColour(classId) }} />
                <kbd>{classId + 1}</kbd> {name}
              </button>
            ))}
          </div>
          <div role="group" aria-label="Image classes" className="vision-image-classes">
            <label>
              Image classes{' '}
              <select aria-label="Image class mode" value={imageClassMode} onChange={(e) => onImageClassMode(e.target.value as VisionImageClassMode)}>
                <option value="single">single-label</option>
                <option value="multi">multi-label</option>
              </select>
            </label>
            {classes.map((name, classId) => (
              <button
                key={name}
                type="button"
                aria-pressed={labels.classes.includes(classId)}
                aria-label={`Image class ${name} (Shift+${classId + 1})`}
                onClick={() => apply(toggleImageClass(labels, classId, imageClassMode))}
              >
                <span className="vision-swatch" style={{ background: classColour(classId) }} />
                <kbd>⇧{classId + 1}</kbd> {name}
              </button>
            ))}
            {classDrafts.length > 0 && (
              <ul className="vision-class-drafts" aria-label="Image class drafts">
                {classDrafts.map((d) => {
                  const current = d.classId === currentClassDraft?.classId
                  const name = classes[d.classId] ?? `class ${d.classId}`
                  return (
                    <li key={d.classId} className={current ? 'vision-class-draft current' : 'vision-class-draft'}>
                      <button
                        type="button"
                        aria-pressed={current}
                        aria-label={`Image class draft ${name} ${d.confidence.toFixed(2)}`}
                        title="A accepts, X rejects the highlighted draft"
                        onClick={() => pickClassDraft(d.classId)}
                      >
                        <span className="vision-swatch" style={{ background: classColour(d.classId) }} />
                        {name} <span className="vision-class-draft-score">draft {d.confidence.toFixed(2)}</span>
                      </button>
                      <button
                        type="button"
                        aria-label={`Accept image class ${name}`}
                        onClick={() => {
                          apply(acceptClassDraft(labels, d.classId, imageClassMode))
                          setPickedClassDraft(null)
                        }}
                      >
                        ✓
                      </button>
                      <button
                        type="button"
                        aria-label={`Reject image class ${name}`}
                        onClick={() => {
                          apply(rejectClassDraft(labels, d.classId))
                          setPickedClassDraft(null)
                        }}
                      >
                        ✕
                      </button>
                    </li>
                  )
                })}
              </ul>
            )}
          </div>
        </div>
        <div className="vision-canvas-column">
          <div ref={viewport} className="vision-canvas-viewport" style={{ width: width * fitScale + 2, height: height * fitScale + 2 }}>
            <div
              ref={surface}
              tabIndex={-1}
              className={`vision-canvas tool-${tool}`}
              role="img"
              aria-label={`Labeling canvas for ${image.id}: ${count(labels.boxes.length, 'box', 'boxes')}, ${count(labels.polygons.length, 'polygon', 'polygons')}${imageClassNames ? `, image: ${imageClassNames}` : ''}${classDrafts.length > 0 ? `, image drafts: ${classDrafts.map(classDraftText).join(', ')}` : ''}; ${hint}`}
              style={{ width: image.width * scale, height: image.height * scale }}
              onPointerDown={onPointerDown}
              onPointerMove={onPointerMove}
              onPointerUp={onPointerUp}
              onPointerCancel={() => {
                interaction.current = null
                canvas.current?.drawOverlay(overlayState())
              }}
            >
              <img src={url} alt="" draggable={false} width={image.width * scale} height={image.height * scale} />
              <canvas ref={baseLayer} style={{ width: image.width * scale, height: image.height * scale }} />
              <canvas ref={overlayLayer} style={{ width: image.width * scale, height: image.height * scale }} />
            </div>
          </div>
          <div className="vision-zoom" role="group" aria-label="Zoom">
            <button type="button" aria-label="Zoom out" disabled={zoom <= 1} onClick={() => zoomBy(0.8)}>
              −
            </button>
            <span role="status" aria-label="Zoom level">
              {Math.round(zoom * 100)} %
            </span>
            <button type="button" aria-label="Zoom in" disabled={zoom >= MAX_ZOOM} onClick={() => zoomBy(1.25)}>
              +
            </button>
            <button type="button" disabled={zoom === 1} onClick={() => setZoom(1)}>
              Fit <kbd>0</kbd>
            </button>
            <span className="muted small">Ctrl+wheel zooms · Space+drag or middle-drag pans</span>
          </div>
          {drafts > 0 && (
            <div role="group" aria-label="Drafts" className="vision-drafts">
              <span>
                {count(drafts, 'draft', 'drafts')} from a model (dashed)
                {!selectedShape?.draft && currentClassDraft ? ` · A/X: image class ${classDraftText(currentClassDraft)}` : ''}
              </span>
              <button type="button" disabled={!selectedShape?.draft && !currentClassDraft} onClick={acceptSelected}>
                Accept <kbd>A</kbd>
              </button>
              <button type="button" disabled={!selectedShape?.draft && !currentClassDraft} onClick={rejectSelected}>
                Reject <kbd>X</kbd>
              </button>
              <button type="button" onClick={acceptAll}>
                Accept all <kbd>⇧A</kbd>
              </button>
              <button type="button" onClick={rejectAll}>
                Reject all <kbd>⇧X</kbd>
              </button>
            </div>
          )}
        </div>
        <div className="vision-side">
          <ol className="vision-box-list" aria-label="Shapes">
            {labels.boxes.map((b, i) => (
              <ShapeRow
                key={`b${i}`}
                name={`box ${i + 1}`}
                text={`Box ${i + 1} · ${describeShape(b, classes)}`}
                colour={classColour(b.classId)}
                selected={sameRef(selected, { kind: 'box', index: i })}
                onSelect={() => setSelected({ kind: 'box', index: i })}
                onDelete={() => remove({ kind: 'box', index: i })}
              />
            ))}
            {labels.polygons.map((p, i) => (
              <ShapeRow
                key={`p${i}`}
                name={`polygon ${i + 1}`}
                text={`Polygon ${i + 1} · ${describeShape(p, classes)}`}
                colour={classColour(p.classId)}
                selected={sameRef(selected, { kind: 'polygon', index: i })}
                onSelect={() => setSelected({ kind: 'polygon', index: i })}
                onDelete={() => remove({ kind: 'polygon', index: i })}
              />
            ))}
            {labels.boxes.length + labels.polygons.length === 0 && <li className="muted">No shapes — a good part if marked labeled</li>}
          </ol>
          {aside}
        </div>
      </div>
      <p className="muted small">
        B box · P polygon · 1–9 class · Shift+1–9 image class · A/X accept/reject draft (shape or image class) · Ctrl+Shift+V copy previous · N/→ next,
        Shift+N/← previous (saves) · ? all keys
      </p>
    </section>
  )
}

function ShapeRow({
  name,
  text,
  colour,
  selected,
  onSelect,
  onDelete,
}: {
  name: string
  text: string
  colour: string
  selected: boolean
  onSelect: () => void
  onDelete: () => void
}): React.JSX.Element {
  return (
    <li className={selected ? 'selected' : undefined}>
      <span className="vision-swatch" style={{ background: colour }} />
      <button type="button" aria-pressed={selected} aria-label={`Select ${name}`} onClick={onSelect}>
        {text}
      </button>
      <button type="button" aria-label={`Delete ${name}`} onClick={onDelete}>
        ✕
      </button>
    </li>
  )
}
