import { useMutation, useQueryClient } from '@tanstack/react-query'
import { useEffect, useMemo, useState } from 'react'
import type { OeeCalendar, OeeSettings } from '../../../../../preload/contract'
import { useClient } from '../../../app/client-context'
import { LastChange, NumberField, SaveBar } from './settings-common'
import { queryKey } from '../../../bridge/queries'

const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun']

function normalized(c: OeeCalendar): Required<Omit<OeeCalendar, 'productionDayStart'>> & { productionDayStart: string } {
  return { breaks: [], holidays: [], plannedStops: [], productionDayStart: '00:00', ...c }
}

const minutesOf = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5))
const shiftHours = (s: { start: string; end: string }): number => {
  const d = minutesOf(s.end) - minutesOf(s.start)
  return (d > 0 ? d : d + 1440) / 60
}

/** Shift patterns, breaks, holidays, planned stops and the plant time zone; checked in main when saved. */
export function CalendarSettings({ settings }: { settings: OeeSettings }): React.JSX.Element {
  const client = useClient()
  const queryClient = useQueryClient()
  const [cal, setCal] = useState(() => normalized(settings.calendar))
  useEffect(() => setCal(normalized(settings.calendar)), [settings.calendar])
  const zones = useMemo(() => (typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : []), [])
  const save = useMutation({
    mutationFn: () => client.call('oee.saveCalendar', { calendar: cal }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: queryKey('oee') }),
  })
  const dirty = JSON.stringify(cal) !== JSON.stringify(normalized(settings.calendar))
  const patch = (p: Partial<typeof cal>): void => setCal((c) => ({ ...c, ...p }))
  const setShift = (i: number, p: Partial<OeeCalendar['shifts'][number]>): void => patch({ shifts: cal.shifts.map((s, k) => (k === i ? { ...s, ...p } : s)) })
  const setBreak = (i: number, p: Partial<(typeof cal.breaks)[number]>): void => patch({ breaks: cal.breaks.map((b, k) => (k === i ? { ...b, ...p } : b)) })
  const setStop = (i: number, p: Partial<(typeof cal.plannedStops)[number]>): void =>
    patch({ plannedStops: cal.plannedStops.map((b, k) => (k === i ? { ...b, ...p } : b)) })
  const weeklyHours = cal.shifts.reduce((sum, s) => sum + shiftHours(s) * (s.days?.length ?? 7), 0)

  // Ctrl+S (⌘S) saves, as in any editor; hands stay on the keyboard while filling the form.
  const onKeyDown = (e: React.KeyboardEvent): void => {
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 's') {
      e.preventDefault()
      if (dirty && !save.isPending) save.mutate()
    }
  }
  return (
    <div className="oee-settings-stack" onKeyDown={onKeyDown}>
      <section className="panel" aria-label="Plant time">
        <div className="oee-chart-head">
          <h2>Shift calendar</h2>
          <LastChange changes={settings.changes.calendar} />
        </div>
        <div className="oee-form-row">
          <label className="oee-field">
            <span>Plant time zone</span>
            <input type="text" list="oee-time-zones" aria-label="Plant time zone" value={cal.timeZone} onChange={(e) => patch({ timeZone: e.target.value })} />
            <datalist id="oee-time-zones">
              {zones.map((z) => (
                <option key={z} value={z} />
              ))}
            </datalist>
          </label>
          <label className="oee-field">
            <span>Production day starts</span>
            <input
              type="time"
              aria-label="Production day starts"
              value={cal.productionDayStart}
              onChange={(e) => patch({ productionDayStart: e.target.value })}
            />
          </label>
          <span className="muted small">{weeklyHours.toFixed(1)} h of shifts per week</span>
        </div>
      </section>

      <section className="panel" aria-label="Shifts">
        <h3>Shifts</h3>
        <table className="oee-table oee-form-table" aria-label="Shift patterns">
          <thead>
            <tr>
              <th>Name</th>
              <th>Start</th>
              <th>End</th>
              <th>Hours</th>
              <th>Days</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {cal.shifts.map((s, i) => (
              <tr key={i}>
                <td>
                  <input type="text" aria-label={`Shift ${i + 1} name`} value={s.name} onChange={(e) => setShift(i, { name: e.target.value })} />
                </td>
                <td>
                  <input
                    type="time"
                    aria-label={`${s.name || `Shift ${i + 1}`} start`}
                    value={s.start}
                    onChange={(e) => setShift(i, { start: e.target.value })}
                  />
                </td>
                <td>
                  <input type="time" aria-label={`${s.name || `Shift ${i + 1}`} end`} value={s.end} onChange={(e) => setShift(i, { end: e.target.value })} />
                </td>
                <td className="muted">{shiftHours(s).toFixed(1)}</td>
                <td>
                  <span className="oee-days" role="group" aria-label={`${s.name} days`}>
                    {DAYS.map((d, k) => {
                      const on = !s.days || s.days.includes(k + 1)
                      return (
                        <label key={d}>
                          <input
                            type="checkbox"
                            checked={on}
                            aria-label={`${s.name} on ${d}`}
                            onChange={() => {
                              const cur = s.days ?? [1, 2, 3, 4, 5, 6, 7]
                              const next = on ? cur.filter((x) => x !== k + 1) : [...cur, k + 1].sort()
                              setShift(i, { days: next.length === 7 ? undefined : next })
                            }}
                          />
                          {d}
                        </label>
                      )
                    })}
                  </span>
                </td>
                <td>
                  <button
                    type="button"
                    className="ghost"
                    aria-label={`Remove shift ${s.name}`}
                    onClick={() => patch({ shifts: cal.shifts.filter((_, k) => k !== i) })}
                  >
                    ×
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <button
          type="button"
          className="ghost"
          onClick={() => patch({ shifts: [...cal.shifts, { name: `Shift ${cal.shifts.length + 1}`, start: '06:00', end: '14:00' }] })}
        >
          Add shift
        </button>
      </section>

      <section className="panel" aria-label="Breaks">
        <h3>Breaks</h3>
        <table className="oee-table oee-form-table" aria-label="Breaks">
          <thead>
            <tr>
              <th>Start</th>
              <th>Duration</th>
              <th>In shifts</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {cal.breaks.map((b, i) => (
              <tr key={i}>
                <td>
                  <input type="time" aria-label={`Break ${i + 1} start`} value={b.start} onChange={(e) => setBreak(i, { start: e.target.value })} />
                </td>
                <td>
                  <NumberField
                    label={`Break ${i + 1} minutes`}
                    value={b.durationMin}
                    min={1}
                    unit="min"
                    onChange={(v) => setBreak(i, { durationMin: v ?? 0 })}
                  />
                </td>
                <td>
                  <span className="oee-days">
                    {cal.shifts.map((s) => (
                      <label key={s.name}>
                        <input
                          type="checkbox"
                          aria-label={`Break ${i + 1} in ${s.name}`}
                          checked={!b.shifts || b.shifts.includes(s.name)}
                          onChange={(e) => {
                            const cur = b.shifts ?? cal.shifts.map((x) => x.name)
                            const next = e.target.checked ? [...cur, s.name] : cur.filter((x) => x !== s.name)
                            setBreak(i, { shifts: next.length === cal.shifts.length ? undefined : next })
                          }}
                        />
                        {s.name}
                      </label>
                    ))}
                  </span>
                </td>
                <td>
                  <button
                    type="button"
                    className="ghost"
                    aria-label={`Remove break ${i + 1}`}
                    onClick={() => patch({ breaks: cal.breaks.filter((_, k) => k !== i) })}
                  >
                    ×
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <button type="button" className="ghost" onClick={() => patch({ breaks: [...cal.breaks, { start: '10:00', durationMin: 30 }] })}>
          Add break
        </button>
      </section>

      <div className="oee-settings-grid">
        <section className="panel" aria-label="Holidays">
          <h3>Holidays</h3>
          <p className="muted small">Whole local days without production.</p>
          <ul className="oee-plain-list">
            {cal.holidays.map((h, i) => (
              <li key={i}>
                <input
                  type="date"
                  aria-label={`Holiday ${i + 1}`}
                  value={h}
                  onChange={(e) => patch({ holidays: cal.holidays.map((x, k) => (k === i ? e.target.value : x)) })}
                />
                <button
                  type="button"
                  className="ghost"
                  aria-label={`Remove holiday ${h}`}
                  onClick={() => patch({ holidays: cal.holidays.filter((_, k) => k !== i) })}
                >
                  ×
                </button>
              </li>
            ))}
          </ul>
          <button type="button" className="ghost" onClick={() => patch({ holidays: [...cal.holidays, new Date().toISOString().slice(0, 10)] })}>
            Add holiday
          </button>
        </section>
        <section className="panel" aria-label="Planned stops">
          <h3>Planned stops</h3>
          <p className="muted small">Maintenance, trials, meetings: planned time not counted against availability. Local plant time.</p>
          <table className="oee-table oee-form-table" aria-label="Planned stops">
            <tbody>
              {cal.plannedStops.map((p, i) => (
                <tr key={i}>
                  <td>
                    <input
                      type="datetime-local"
                      aria-label={`Planned stop ${i + 1} from`}
                      value={p.from.slice(0, 16)}
                      onChange={(e) => setStop(i, { from: e.target.value })}
                    />
                  </td>
                  <td>
                    <input
                      type="datetime-local"
                      aria-label={`Planned stop ${i + 1} to`}
                      value={p.to.slice(0, 16)}
                      onChange={(e) => setStop(i, { to: e.target.value })}
                    />
                  </td>
                  <td>
                    <input
                      type="text"
                      aria-label={`Planned stop ${i + 1} reason`}
                      placeholder="reason"
                      value={p.reason ?? ''}
                      onChange={(e) => setStop(i, { reason: e.target.value || undefined })}
                    />
                  </td>
                  <td>
                    <button
                      type="button"
                      className="ghost"
                      aria-label={`Remove planned stop ${i + 1}`}
                      onClick={() => patch({ plannedStops: cal.plannedStops.filter((_, k) => k !== i) })}
                    >
                      ×
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <button
            type="button"
            className="ghost"
            onClick={() => {
              const day = new Date().toISOString().slice(0, 10)
              patch({ plannedStops: [...cal.plannedStops, { from: `${day}T08:00`, to: `${day}T10:00`, reason: 'Maintenance' }] })
            }}
          >
            Add planned stop
          </button>
        </section>
      </div>
      <SaveBar
        what="Shift calendar"
        save={save}
        dirty={dirty}
        onDiscard={() => setCal(normalized(settings.calendar))}
        saveLabel="Save calendar"
        savedText="Calendar saved; OEE recomputed with it."
      />
    </div>
  )
}
