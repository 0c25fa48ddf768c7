import { useEffect } from 'react'
import { VIEWS, useUi, type View } from './ui-store'

const LABELS: Record<View, { label: string; icon: string }> = {
  connections: { label: 'Connections', icon: '⇄' },
  tags: { label: 'Tags', icon: '▤' },
  trends: { label: 'Trends', icon: '∿' },
  oee: { label: 'OEE', icon: '◔' },
  vision: { label: 'Vision', icon: '◉' },
  deploy: { label: 'Deploy', icon: '⇪' },
  alarms: { label: 'Alarms', icon: '⚠' },
  report: { label: 'Report', icon: '▦' },
}

/** The left navigation; Alt+1…8 switch views while the hands stay on the keyboard. */
export function Nav(): React.JSX.Element {
  const view = useUi((s) => s.view)
  const setView = useUi((s) => s.setView)
  useEffect(() => {
    const onKey = (event: KeyboardEvent): void => {
      if (!event.altKey) return
      const index = Number(event.key) - 1
      if (index >= 0 && index < VIEWS.length) {
        event.preventDefault()
        setView(VIEWS[index])
      }
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [setView])
  return (
    <nav className="nav" aria-label="Main">
      <div className="brand" title="OT Workbench">
        OTW
      </div>
      <ul>
        {VIEWS.map((name, index) => (
          <li key={name}>
            <button
              type="button"
              className={name === view ? 'active' : undefined}
              aria-current={name === view ? 'page' : undefined}
              title={`${LABELS[name].label} (Alt+${index + 1})`}
              onClick={() => setView(name)}
            >
              <span className="icon" aria-hidden="true">
                {LABELS[name].icon}
              </span>
              <span>{LABELS[name].label}</span>
            </button>
          </li>
        ))}
      </ul>
    </nav>
  )
}
