// The labeling keys: one table the key handler dispatches from and the "?" help is drawn from, so neither can drift.

/** What a key does; the LabelingPanel gives each action its function. */
export type LabelAction =
  | 'toggleHelp'
  | 'copyPrevious'
  | 'undo'
  | 'redo'
  | 'save'
  | 'toggleImageClass'
  | 'setClass'
  | 'zoomIn'
  | 'zoomOut'
  | 'zoomFit'
  | 'boxTool'
  | 'polygonTool'
  | 'closePolygon'
  | 'removeVertex'
  | 'deleteSelected'
  | 'escape'
  | 'acceptSelected'
  | 'acceptAll'
  | 'rejectSelected'
  | 'rejectAll'
  | 'statusGood'
  | 'statusLabeled'
  | 'statusReviewed'
  | 'next'
  | 'previous'

/** The parts of a key press and of the panel's state the table looks at. */
export interface KeyPress {
  /** event.key lower-cased */
  key: string
  /** 1–9 from the digit row or the number pad, else undefined */
  digit: number | undefined
  ctrl: boolean
  shift: boolean
  alt: boolean
  /** A polygon is being drawn. */
  drawing: boolean
  /** A shape is selected. */
  selected: boolean
}

export interface KeyBinding {
  /** As shown in the help. */
  keys: string
  what: string
  /** Key bindings that only the mouse does (shown in the help, never dispatched) have no action. */
  action?: LabelAction
  matches?: (press: KeyPress) => boolean
}

const plain = (press: KeyPress) => !press.ctrl && !press.alt
const letter = (k: string, shift: boolean) => (press: KeyPress) => plain(press) && press.key === k && press.shift === shift

/** In dispatch order: the first binding that matches wins. */
export const LABEL_KEYS: readonly KeyBinding[] = [
  { keys: '?', what: 'Show or hide this help', action: 'toggleHelp', matches: (p) => p.key === '?' },
  { keys: 'Ctrl + Shift + V', what: "Copy the previous image's labels", action: 'copyPrevious', matches: (p) => p.ctrl && p.shift && p.key === 'v' },
  { keys: 'Ctrl + Z', what: 'Undo', action: 'undo', matches: (p) => p.ctrl && !p.shift && p.key === 'z' },
  { keys: 'Ctrl + Y (Ctrl + Shift + Z)', what: 'Redo', action: 'redo', matches: (p) => p.ctrl && (p.key === 'y' || (p.shift && p.key === 'z')) },
  { keys: 'Ctrl + S', what: 'Save', action: 'save', matches: (p) => p.ctrl && p.key === 's' },
  {
    keys: 'Shift + 1 – 9',
    what: 'Toggle an image-level class (single-label: set or clear it)',
    action: 'toggleImageClass',
    matches: (p) => plain(p) && p.digit !== undefined && p.shift,
  },
  { keys: '1 – 9', what: 'Class for new shapes, and for the selected shape', action: 'setClass', matches: (p) => plain(p) && p.digit !== undefined },
  { keys: '+', what: 'Zoom in (also Ctrl + wheel)', action: 'zoomIn', matches: (p) => plain(p) && (p.key === '+' || p.key === '=') },
  { keys: '−', what: 'Zoom out', action: 'zoomOut', matches: (p) => plain(p) && p.key === '-' },
  { keys: '0', what: 'Zoom to fit', action: 'zoomFit', matches: (p) => plain(p) && p.key === '0' },
  { keys: 'B', what: 'Box tool: drag on the image to draw a box', action: 'boxTool', matches: (p) => plain(p) && p.key === 'b' },
  { keys: 'P', what: 'Polygon tool: click to add vertices', action: 'polygonTool', matches: (p) => plain(p) && p.key === 'p' },
  {
    keys: 'Enter / click the first vertex',
    what: 'Close the polygon being drawn',
    action: 'closePolygon',
    matches: (p) => plain(p) && p.key === 'enter' && p.drawing,
  },
  {
    keys: 'Backspace',
    what: 'Remove the last vertex of the polygon being drawn (else delete the selected shape)',
    action: 'removeVertex',
    matches: (p) => plain(p) && p.key === 'backspace' && p.drawing,
  },
  {
    keys: 'Delete',
    what: 'Delete the selected shape',
    action: 'deleteSelected',
    matches: (p) => plain(p) && (p.key === 'delete' || p.key === 'backspace') && p.selected,
  },
  {
    keys: 'Esc',
    what: 'Cancel the polygon being drawn, else close this help, else clear the selection',
    action: 'escape',
    matches: (p) => plain(p) && p.key === 'escape',
  },
  {
    keys: 'A',
    what: 'Accept the selected draft: a shape, or an image-class draft (with no shape selected, the first one)',
    action: 'acceptSelected',
    matches: letter('a', false),
  },
  { keys: 'Shift + A', what: 'Accept all drafts on this image, image classes included', action: 'acceptAll', matches: letter('a', true) },
  { keys: 'X', what: 'Reject the selected draft (with no shape selected, the first image-class draft)', action: 'rejectSelected', matches: letter('x', false) },
  { keys: 'Shift + X', what: 'Reject all drafts on this image, image classes included', action: 'rejectAll', matches: letter('x', true) },
  {
    keys: 'G',
    what: 'Good part: nothing on this image, status labeled (only when it has no shapes or image classes)',
    action: 'statusGood',
    matches: letter('g', false),
  },
  { keys: 'L', what: 'Status: labeled', action: 'statusLabeled', matches: letter('l', false) },
  { keys: 'R', what: 'Status: reviewed', action: 'statusReviewed', matches: letter('r', false) },
  { keys: 'N or →', what: 'Save and open the next image', action: 'next', matches: (p) => plain(p) && (p.key === 'arrowright' || (p.key === 'n' && !p.shift)) },
  {
    keys: 'Shift + N or ←',
    what: 'Save and open the previous image',
    action: 'previous',
    matches: (p) => plain(p) && (p.key === 'arrowleft' || (p.key === 'n' && p.shift)),
  },
  { keys: 'Click a shape', what: 'Select it; drag to move it, drag a corner or vertex to reshape it' },
  { keys: 'Shift + drag / click', what: 'Draw even where a shape already is' },
  { keys: 'Space + drag, middle-drag', what: 'Pan when zoomed in' },
]

/** The key press of a keyboard event, with the panel's state. */
export function keyPressOf(event: KeyboardEvent, state: { drawing: boolean; selected: boolean }): KeyPress {
  const digit = /^Digit([1-9])$/.exec(event.code)?.[1] ?? /^Numpad([1-9])$/.exec(event.code)?.[1] ?? (/^[1-9]$/.test(event.key) ? event.key : undefined)
  return {
    key: event.key.toLowerCase(),
    digit: digit === undefined ? undefined : Number(digit),
    ctrl: event.ctrlKey || event.metaKey,
    shift: event.shiftKey,
    alt: event.altKey,
    ...state,
  }
}

/** The action a key press asks for, if any. */
export function actionFor(press: KeyPress): LabelAction | undefined {
  return LABEL_KEYS.find((binding) => binding.matches?.(press))?.action
}

/** The help, in the order people look things up: tools and shapes first, then classes, drafts, status and moving on. */
export const SHORTCUTS: [string, string][] = LABEL_KEYS.map((binding) => [binding.keys, binding.what])
