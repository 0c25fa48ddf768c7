import type { NoticeCenter } from './notices'
import type { Handlers, RequestHandler, StreamHandler } from './ipc/handlers'

/** The notices stream (kept notices first, then news and dismissals) and the dismissal that every window shares. */
export function noticeHandlers(notices: NoticeCenter): { notices: StreamHandler<'notices'>; 'notices.dismiss': RequestHandler<'notices.dismiss'> } {
  return {
    notices: (_input, sink) => {
      for (const notice of notices.list()) sink.emit(notice)
      return notices.subscribe((event) => sink.emit(event))
    },
    'notices.dismiss': (input) => ({ dismissed: notices.dismiss('id' in input ? input.id : undefined) }),
  } satisfies Partial<Handlers>
}
