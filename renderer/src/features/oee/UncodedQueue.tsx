import { useMutation, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import type { OeeEvent, OeeReasonTree } from '../../../../preload/contract'
import { useClient } from '../../app/client-context'
import { formatDuration } from '../../app/format'
import { queryKey } from '../../bridge/queries'

/**
 * Uncoded stops, coded from the keyboard: ↑/↓ move, Space selects for bulk, 1–9 picks a category then a reason,
 * Enter applies it to the selection (or the current row), Esc starts the pick again.
 */
export function UncodedQueue({ events, tree }: { events: OeeEvent[]; tree: OeeReasonTree }): React.JSX.Element {
  const client = useClient()
  const queryClient = useQueryClient()
  const [active, setActive] = useState(0)
  const [selected, setSelected] = useState<Set<string>>(new Set())
  const [categoryId, setCategoryId] = useState<string | null>(null)
  const [reasonId, setReasonId] = useState<string | null>(null)
  const [comment, setComment] = useState('')
  // Retired categories and reasons stay on coded stops but are not offered; keys 1–9 count only the active ones.
  const categories = tree.categories.filter((c) => !c.retired)
  const category = categories.find((c) => c.id === categoryId)
  const reasons = category?.reasons.filter((r) => !r.retired) ?? []
  const current = events[Math.min(active, events.length - 1)]
  const targets = selected.size ? events.filter((e) => selected.has(e.id)) : current ? [current] : []

  const apply = useMutation({
    mutationFn: async () => {
      if (!categoryId || !reasonId || targets.length === 0) return
      await client.call('oee.code', { eventIds: targets.map((e) => e.id), reason: { categoryId, reasonId } })
      if (comment.trim()) for (const e of targets) await client.call('oee.comment', { eventId: e.id, text: comment })
    },
    onSuccess: () => {
      setSelected(new Set())
      setCategoryId(null)
      setReasonId(null)
      setComment('')
      void queryClient.invalidateQueries({ queryKey: queryKey('oee') })
    },
  })

  const onKeyDown = (e: React.KeyboardEvent): void => {
    if ((e.target as HTMLElement).tagName === 'INPUT') return
    if (e.key === 'ArrowDown') setActive((a) => Math.min(events.length - 1, a + 1))
    else if (e.key === 'ArrowUp') setActive((a) => Math.max(0, a - 1))
    else if (e.key === ' ' && current) {
      setSelected((s) => {
        const next = new Set(s)
        if (next.has(current.id)) next.delete(current.id)
        else next.add(current.id)
        return next
      })
    } else if (/^[1-9]$/.test(e.key)) {
      const i = Number(e.key) - 1
      if (!category) {
        const c = categories[i]
        if (c) setCategoryId(c.id)
      } else if (reasons[i]) setReasonId(reasons[i].id)
    } else if (e.key === 'Enter') apply.mutate()
    else if (e.key === 'Escape') {
      setCategoryId(null)
      setReasonId(null)
    } else return
    e.preventDefault()
  }

  return (
    <section className="panel oee-queue" aria-label="Uncoded stops">
      <h2>Uncoded stops ({events.length})</h2>
      <p className="muted small">↑/↓ move · Space select · 1–9 category, then reason · Enter apply · Esc back</p>
      <div className="oee-queue-body">
        <table aria-label="Uncoded stops" tabIndex={0} onKeyDown={onKeyDown} className="oee-table">
          <thead>
            <tr>
              <th>Sel.</th>
              <th>Machine</th>
              <th>Start</th>
              <th>Duration</th>
              <th>State</th>
              <th>Fault</th>
            </tr>
          </thead>
          <tbody>
            {events.map((e, i) => (
              <tr key={e.id} aria-selected={selected.has(e.id)} className={i === active ? 'active' : undefined} onClick={() => setActive(i)}>
                <td>
                  <input
                    type="checkbox"
                    aria-label={`Select stop ${e.machine} ${new Date(e.start).toLocaleTimeString()}`}
                    checked={selected.has(e.id)}
                    onChange={() =>
                      setSelected((s) => {
                        const next = new Set(s)
                        if (next.has(e.id)) next.delete(e.id)
                        else next.add(e.id)
                        return next
                      })
                    }
                  />
                </td>
                <td>{e.machine.replace(/^.*\./, '')}</td>
                <td>{new Date(e.start).toLocaleString()}</td>
                <td>{formatDuration(e.durationS * 1000)}</td>
                <td>{e.state}</td>
                <td>{e.faultCode ?? ''}</td>
              </tr>
            ))}
            {events.length === 0 && (
              <tr>
                <td colSpan={6} className="muted">
                  Every stop in this range is coded.
                </td>
              </tr>
            )}
          </tbody>
        </table>
        <div className="oee-reason-pick" aria-label="Reason">
          <h3>{category ? `${category.name}: pick a reason` : 'Pick a category'}</h3>
          <ol>
            {(category ? reasons : categories).map((item, i) => (
              <li key={item.id}>
                <button
                  type="button"
                  className={(category ? reasonId : categoryId) === item.id ? 'active' : undefined}
                  onClick={() => (category ? setReasonId(item.id) : setCategoryId(item.id))}
                >
                  {i + 1} {item.name}
                </button>
              </li>
            ))}
          </ol>
          {category && (
            <button
              type="button"
              className="ghost"
              onClick={() => {
                setCategoryId(null)
                setReasonId(null)
              }}
            >
              ← Categories
            </button>
          )}
          <input type="text" aria-label="Comment for the stops" placeholder="Comment (optional)" value={comment} onChange={(e) => setComment(e.target.value)} />
          <button type="button" disabled={!reasonId || targets.length === 0 || apply.isPending} onClick={() => apply.mutate()}>
            Apply to {targets.length} stop{targets.length === 1 ? '' : 's'}
          </button>
          {apply.error && <p role="alert">{apply.error.message}</p>}
        </div>
      </div>
    </section>
  )
}
