import { describe, expect, it } from 'vitest'
import { actionFor, type KeyPress, LABEL_KEYS, SHORTCUTS } from './label-keys'

const press = (key: string, more: Partial<KeyPress> = {}): KeyPress => ({
  key,
  digit: /^[1-9]$/.test(key) ? Number(key) : undefined,
  ctrl: false,
  shift: false,
  alt: false,
  drawing: false,
  selected: false,
  ...more,
})

describe('labeling keys: one table for the handler and the help', () => {
  it('the help lists every binding the handler dispatches, each action once', () => {
    expect(SHORTCUTS.map(([keys]) => keys)).toEqual(LABEL_KEYS.map((b) => b.keys))
    const actions = LABEL_KEYS.flatMap((b) => (b.action ? [b.action] : []))
    expect(new Set(actions).size).toBe(actions.length)
    expect(LABEL_KEYS.every((b) => (b.action === undefined) === (b.matches === undefined))).toBe(true)
  })

  it.each([
    [press('b'), 'boxTool'],
    [press('3'), 'setClass'],
    [press('!', { digit: 1, shift: true }), 'toggleImageClass'],
    [press('z', { ctrl: true }), 'undo'],
    [press('z', { ctrl: true, shift: true }), 'redo'],
    [press('v', { ctrl: true, shift: true }), 'copyPrevious'],
    [press('backspace', { drawing: true }), 'removeVertex'],
    [press('backspace', { selected: true }), 'deleteSelected'],
    [press('enter', { drawing: true }), 'closePolygon'],
    [press('a', { shift: true }), 'acceptAll'],
    [press('g'), 'statusGood'],
    [press('l'), 'statusLabeled'],
    [press('r'), 'statusReviewed'],
    [press('n', { shift: true }), 'previous'],
    [press('arrowright'), 'next'],
  ] as const)('%o → %s', (p, action) => {
    expect(actionFor(p)).toBe(action)
  })

  it('leaves other keys alone: Ctrl/Alt with a letter, Enter with no polygon, Backspace with nothing to remove', () => {
    expect(actionFor(press('b', { ctrl: true }))).toBeUndefined()
    expect(actionFor(press('r', { alt: true }))).toBeUndefined()
    expect(actionFor(press('enter'))).toBeUndefined()
    expect(actionFor(press('backspace'))).toBeUndefined()
    expect(actionFor(press('q'))).toBeUndefined()
  })
})
