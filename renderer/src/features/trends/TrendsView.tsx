import { useMemo, useState } from 'react'
import { useQuery } from '@tanstack/react-query'
import { useClient } from '../../app/client-context'
import { LiveChart } from './LiveChart'

const WINDOWS = [
  { label: '1 min', s: 60 },
  { label: '5 min', s: 300 },
]

/** Live trends of any numeric tag; history from the historian joins these pens when it is recorded. */
export function TrendsView(): React.JSX.Element {
  const client = useClient()
  const tags = useQuery({ queryKey: ['tags.list'], queryFn: () => client.call('tags.list') })
  const numeric = useMemo(() => (tags.data ?? []).filter((t) => t.dataType !== 'string'), [tags.data])
  const [penIds, setPenIds] = useState<string[]>([])
  const [windowS, setWindowS] = useState(60)
  const defaultPens = useMemo(() => numeric.filter((t) => /speed/i.test(t.name)).slice(0, 3).map((t) => t.id), [numeric])
  const activeIds = penIds.length > 0 ? penIds : defaultPens
  const pens = useMemo(() => numeric.filter((t) => activeIds.includes(t.id)), [numeric, activeIds])
  const toggle = (id: string): void => setPenIds((ids) => {
    const base = ids.length > 0 ? ids : defaultPens
    return base.includes(id) ? base.filter((x) => x !== id) : base.length >= 20 ? base : [...base, id]
  })
  return (
    <div className="trends-view">
      <section className="panel pen-panel" aria-label="Pens">
        <h1>Trends</h1>
        <p className="muted">Pick up to 20 pens. Live values draw as they arrive; zooming into recorded history comes with the historian.</p>
        <ul className="pen-list">
          {numeric.map((t) => (
            <li key={t.id}>
              <label>
                <input type="checkbox" checked={activeIds.includes(t.id)} onChange={() => toggle(t.id)} /> {t.id}
              </label>
            </li>
          ))}
        </ul>
      </section>
      <section className="panel chart-panel" aria-label="Trend chart">
        <div className="toolbar" role="group" aria-label="Time range">
          {WINDOWS.map((w) => (
            <button key={w.s} type="button" className={w.s === windowS ? 'active' : undefined} aria-pressed={w.s === windowS} onClick={() => setWindowS(w.s)}>
              Last {w.label}
            </button>
          ))}
        </div>
        {pens.length > 0 ? <LiveChart tags={pens} windowS={windowS} /> : <p className="empty">Choose a pen on the left.</p>}
      </section>
    </div>
  )
}
