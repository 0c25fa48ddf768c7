import { useEffect } from 'react'
import { useClient } from './client-context'
import { useUi, type UiNotice } from './ui-store'

/**
 * Typed errors and notices from the host, each with its code, until dismissed. Dismissing tells the host, so every
 * window (and one opened later) drops it too; info fades by itself in this window only.
 */
export function NoticeArea(): React.JSX.Element {
  const client = useClient()
  const notices = useUi((s) => s.notices)
  const drop = useUi((s) => s.dropNotices)
  useEffect(() => {
    const timers = notices.filter((n) => n.level === 'info').map((n) => setTimeout(() => drop([n.id]), 8000))
    return () => timers.forEach(clearTimeout)
  }, [notices, drop])
  // Gone here at once; if the host cannot be told (link down), it shows again when the link is back, which is honest.
  const dismiss = (notice: UiNotice): void => {
    drop([notice.id])
    if (!notice.local) client.call('notices.dismiss', { id: notice.id }).catch(() => undefined)
  }
  const dismissAll = (): void => {
    drop('all')
    client.call('notices.dismiss', { all: true }).catch(() => undefined)
  }
  return (
    <section className="notices" aria-label="Notifications" aria-live="polite">
      {notices.length > 1 && (
        <button type="button" className="ghost notices-dismiss-all" onClick={dismissAll}>
          Dismiss all
        </button>
      )}
      {notices.map((notice) => (
        <div key={notice.id} className={`notice notice-${notice.level}`} role={notice.level === 'error' ? 'alert' : 'status'}>
          <div>
            {notice.code && <strong className="code">{notice.code}</strong>}
            <span>{notice.message}</span>
          </div>
          <button type="button" className="ghost" aria-label="Dismiss" onClick={() => dismiss(notice)}>
            ×
          </button>
        </div>
      ))}
    </section>
  )
}
