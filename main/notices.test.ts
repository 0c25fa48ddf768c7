import { describe, expect, it } from 'vitest'
import { channels, type NoticeEvent } from '../preload/contract'
import { NoticeCenter } from './notices'
import { noticeHandlers } from './notices-handlers'

/** What a window opened now would get from the notices stream before anything new happens. */
function opened(center: NoticeCenter): NoticeEvent[] {
  const events: NoticeEvent[] = []
  const close = noticeHandlers(center).notices(undefined, { emit: (e) => events.push(e), end: () => undefined, congested: () => false })
  close()
  return events
}

describe('NoticeCenter dismissal, shared by every window', () => {
  it('a notice dismissed in one window is gone in the others and in a window opened later; one posted again shows again', async () => {
    const center = new NoticeCenter()
    const handlers = noticeHandlers(center)
    const port = center.post('warning', 'Modbus port 5020 in use', 'PORT_IN_USE')
    const flush = center.post('error', 'Historian flush failed', 'HISTORIAN')
    const other: NoticeEvent[] = []
    handlers.notices(undefined, { emit: (e) => other.push(e), end: () => undefined, congested: () => false })

    expect(await handlers['notices.dismiss']({ id: port.id })).toEqual({ dismissed: [port.id] })
    expect(other.at(-1)).toEqual({ dismissed: [port.id] })
    expect(opened(center)).toEqual([flush])
    // Closed in two windows at once: the second dismissal finds nothing and says so.
    expect(await handlers['notices.dismiss']({ id: port.id })).toEqual({ dismissed: [] })

    // The condition comes back: a new notice of the same code, shown again.
    const again = center.post('warning', 'Modbus port 5020 in use', 'PORT_IN_USE')
    expect(again.id).not.toBe(port.id)
    expect(opened(center)).toEqual([flush, again])

    expect(await handlers['notices.dismiss']({ all: true })).toEqual({ dismissed: [flush.id, again.id] })
    expect(other.at(-1)).toEqual({ dismissed: [flush.id, again.id] })
    expect(opened(center)).toEqual([])
  })

  it('withdrawing a code tells open windows too', () => {
    const center = new NoticeCenter()
    const held = center.post('warning', 'Retention held', 'SYNC_RETENTION_HELD')
    const events: NoticeEvent[] = []
    center.subscribe((e) => events.push(e))
    center.withdraw(['SYNC_RETENTION_HELD'])
    expect(events).toEqual([{ dismissed: [held.id] }])
    center.withdraw(['SYNC_RETENTION_HELD'])
    expect(events).toHaveLength(1)
  })

  it('takes a notice id or all: true, nothing else', () => {
    const input = channels['notices.dismiss'].input
    expect(input.safeParse({ id: '3' }).success).toBe(true)
    expect(input.safeParse({ all: true }).success).toBe(true)
    for (const bad of [{}, { id: '' }, { all: false }, { id: '3', all: true }, { id: 'x'.repeat(65) }])
      expect(input.safeParse(bad).success, JSON.stringify(bad)).toBe(false)
  })
})
