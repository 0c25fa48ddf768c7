import { useEffect, useRef, useState } from 'react'
import { visionStatuses, type VisionImage, type VisionStatus } from '../../../../preload/contract'
import { boxFromDrag, edit, redo, startHistory, undo, type LabelHistory, type LabelState } from './label-history'

export const CLASS_COLOURS = ['#ff4d4f', '#faad14', '#40a9ff', '#b37feb', '#52c41a', '#13c2c2', '#eb2f96', '#a0d911', '#fa8c16']

interface Props {
  image: VisionImage
  url: string
  classes: string[]
  activeClass: number
  onActiveClass: (classId: number) => void
  save: (labels: LabelState) => Promise<void>
  /** Called after the labels were saved; -1 previous, +1 next. */
  onStep: (direction: -1 | 1) => void
  position: string
}

const typing = (target: EventTarget | null): boolean =>
  target instanceof HTMLElement && (['INPUT', 'SELECT', 'TEXTAREA'].includes(target.tagName) || target.isContentEditable)

/** Draw boxes with the mouse on one image; hotkeys 1–9 pick the class, Delete removes, Ctrl+Z/Y undo/redo, N/P or →/← save and move on. */
export function LabelingPanel({ image, url, classes, activeClass, onActiveClass, save, onStep, position }: Props): React.JSX.Element {
  const [history, setHistory] = useState<LabelHistory>(() => startHistory({ boxes: image.boxes, classes: image.classes, status: image.status }))
  const [selected, setSelected] = useState<number | null>(null)
  const [drag, setDrag] = useState<{ a: { x: number; y: number }; b: { x: number; y: number } } | null>(null)
  const [saveState, setSaveState] = useState<{ saving: boolean; error?: string }>({ saving: false })
  const surface = useRef<HTMLDivElement>(null)
  const labels = history.present
  const dirty = history.past.length > 0

  const apply = (next: LabelState): void => setHistory((h) => edit(h, next))
  const persist = async (state: LabelState): Promise<boolean> => {
    setSaveState({ saving: true })
    try {
      await save(state)
      setSaveState({ saving: false })
      return true
    } catch (error) {
      setSaveState({ saving: false, error: error instanceof Error ? error.message : String(error) })
      return false
    }
  }
  /** Auto-save on leaving: an unlabeled image that got boxes becomes labeled. */
  const step = async (direction: -1 | 1): Promise<void> => {
    if (dirty) {
      const state = labels.status === 'unlabeled' && labels.boxes.length > 0 ? { ...labels, status: 'labeled' as const } : labels
      if (!(await persist(state))) return
    }
    onStep(direction)
  }
  const setStatus = (status: VisionStatus): void => {
    const next = { ...labels, status }
    apply(next)
    void persist(next)
  }
  const setClass = (classId: number): void => {
    if (classId >= classes.length) return
    onActiveClass(classId)
    if (selected !== null && labels.boxes[selected]) apply({ ...labels, boxes: labels.boxes.map((b, i) => (i === selected ? { ...b, classId } : b)) })
  }
  const remove = (index: number): void => {
    apply({ ...labels, boxes: labels.boxes.filter((_, i) => i !== index) })
    setSelected(null)
  }

  const keys = useRef<(event: KeyboardEvent) => void>(() => undefined)
  keys.current = (event) => {
    if (typing(event.target)) return
    const key = event.key.toLowerCase()
    if ((event.ctrlKey || event.metaKey) && key === 'z') setHistory((h) => (event.shiftKey ? redo(h) : undo(h)))
    else if ((event.ctrlKey || event.metaKey) && key === 'y') setHistory(redo)
    else if (event.ctrlKey || event.metaKey || event.altKey) return
    else if (/^[1-9]$/.test(key)) setClass(Number(key) - 1)
    else if ((key === 'delete' || key === 'backspace') && selected !== null) remove(selected)
    else if (key === 'escape') setSelected(null)
    else if (key === 'arrowright' || key === 'n') void step(1)
    else if (key === 'arrowleft' || key === 'p') void step(-1)
    else return
    event.preventDefault()
  }
  useEffect(() => {
    const listener = (event: KeyboardEvent): void => keys.current(event)
    window.addEventListener('keydown', listener)
    return () => window.removeEventListener('keydown', listener)
  }, [])

  const toImage = (event: React.PointerEvent): { x: number; y: number } => {
    const rect = surface.current!.getBoundingClientRect()
    return { x: ((event.clientX - rect.left) / rect.width) * image.width, y: ((event.clientY - rect.top) / rect.height) * image.height }
  }
  const onPointerDown = (event: React.PointerEvent): void => {
    if (event.button !== 0) return
    const hit = (event.target as Element).getAttribute('data-box')
    if (hit !== null) {
      setSelected(Number(hit))
      return
    }
    const p = toImage(event)
    surface.current?.setPointerCapture(event.pointerId)
    setSelected(null)
    setDrag({ a: p, b: p })
  }
  const onPointerMove = (event: React.PointerEvent): void => {
    if (drag) setDrag({ a: drag.a, b: toImage(event) })
  }
  const onPointerUp = (event: React.PointerEvent): void => {
    if (!drag) return
    const box = boxFromDrag(drag.a, toImage(event), image, activeClass)
    setDrag(null)
    if (!box) return
    apply({ ...labels, boxes: [...labels.boxes, box] })
    setSelected(labels.boxes.length)
  }
  const preview = drag ? boxFromDrag(drag.a, drag.b, image, activeClass, 1) : undefined
  const scale = Math.min(2, 720 / image.width)

  return (
    <section className="panel vision-labeling" aria-label="Labeling">
      <div className="vision-labeling-bar">
        <button type="button" aria-label="Previous image" onClick={() => void step(-1)}>
          ← Prev
        </button>
        <span className="mono">
          {image.id} ({position})
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
        <button type="button" aria-label="Undo" disabled={history.past.length === 0} onClick={() => setHistory(undo)}>
          Undo
        </button>
        <button type="button" aria-label="Redo" disabled={history.future.length === 0} onClick={() => setHistory(redo)}>
          Redo
        </button>
        <span role="status" className="muted" aria-label="Save state">
          {saveState.saving ? 'Saving…' : saveState.error ? '' : dirty ? 'Unsaved changes (saved on next/previous)' : 'Saved'}
        </span>
        {saveState.error && (
          <span role="alert" className="error-text">
            {saveState.error}
          </span>
        )}
      </div>
      <div className="vision-labeling-body">
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
              <span className="vision-swatch" style={{ background: CLASS_COLOURS[classId % CLASS_COLOURS.length] }} />
              <kbd>{classId + 1}</kbd> {name}
            </button>
          ))}
        </div>
        <div
          ref={surface}
          className="vision-canvas"
          role="img"
          aria-label={`Labeling canvas for ${image.id}: ${labels.boxes.length} box${labels.boxes.length === 1 ? '' : 'es'}; drag to draw a ${classes[activeClass]} box`}
          style={{ width: image.width * scale, height: image.height * scale }}
          onPointerDown={onPointerDown}
          onPointerMove={onPointerMove}
          onPointerUp={onPointerUp}
        >
          <img src={url} alt="" draggable={false} width={image.width * scale} height={image.height * scale} />
          <svg viewBox={`0 0 ${image.width} ${image.height}`} width={image.width * scale} height={image.height * scale}>
            {labels.boxes.map((b, i) => (
              <rect
                key={i}
                data-box={i}
                x={b.x}
                y={b.y}
                width={b.w}
                height={b.h}
                stroke={CLASS_COLOURS[b.classId % CLASS_COLOURS.length]}
                strokeWidth={i === selected ? 2.5 : 1.2}
                strokeDasharray={i === selected ? '4 2' : undefined}
                fill={i === selected ? 'rgba(255,255,255,0.15)' : 'transparent'}
              />
            ))}
            {preview && (
              <rect
                x={preview.x}
                y={preview.y}
                width={preview.w}
                height={preview.h}
                stroke={CLASS_COLOURS[activeClass % CLASS_COLOURS.length]}
                strokeWidth={1}
                fill="none"
              />
            )}
          </svg>
        </div>
        <ol className="vision-box-list" aria-label="Boxes">
          {labels.boxes.map((b, i) => (
            <li key={i} className={i === selected ? 'selected' : undefined}>
              <button type="button" aria-pressed={i === selected} aria-label={`Select box ${i + 1}`} onClick={() => setSelected(i)}>
                {classes[b.classId]} at {b.x},{b.y} {b.w}×{b.h}
              </button>
              <button type="button" aria-label={`Delete box ${i + 1}`} onClick={() => remove(i)}>
                ✕
              </button>
            </li>
          ))}
          {labels.boxes.length === 0 && <li className="muted">No boxes — a good part if marked labeled</li>}
        </ol>
      </div>
      <p className="muted small">Drag to draw · 1–9 class · Delete removes the selected box · Ctrl+Z / Ctrl+Y · N/→ next, P/← previous (saves)</p>
    </section>
  )
}
