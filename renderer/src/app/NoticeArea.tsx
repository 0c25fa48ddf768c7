import { useEffect } from 'react'
import { useUi } from './ui-store'

/** Typed errors and notices from the host, each with its code, until dismissed (info fades by itself). */
export function NoticeArea(): React.JSX.Element {
  const notices = useUi((s) => s.notices)
  const dismiss = useUi((s) => s.dismissNotice)
  useEffect(() => {
    const timers = notices.filter((n) => n.level === 'info').map((n) => setTimeout(() => dismiss(n.id), 8000))
    return () => timers.forEach(clearTimeout)
  }, [notices, dismiss])
  return (
    <section className="notices" aria-label="Notifications" aria-live="polite">
      {notices.map((notice) => (
        <div key={notice.id} className={`notice notice-${notice.level}`} role={notice.level === 'error' ? 'alert' : 'status'}>
          <div>
            {notice.code && <strong className="code">{notice.code}</strong>}
            <span>{notice.message}</span>
          </div>
          <button type="button" className="ghost" aria-label="Dismiss" onClick={() => dismiss(notice.id)}>
            ×
          </button>
        </div>
      ))}
    </section>
  )
}
