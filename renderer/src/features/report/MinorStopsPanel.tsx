import type { ReportMinorStops } from '../../../../preload/contract'

const HOURS = Array.from({ length: 24 }, (_, i) => i)
const duration = (s: number): string => (s < 90 ? `${s.toFixed(0)} s` : `${(s / 60).toFixed(1)} min`)
const minutes = (s: number): string => `${(s / 60).toLocaleString('en', { maximumFractionDigits: 0 })} min`

// Opaque, the same in both themes: from a pale to a deep brick red, with the number dark or white to stay readable.
const PALE = [251, 227, 218]
const DEEP = [176, 58, 30]
function shade(share: number): React.CSSProperties {
  const k = 0.15 + 0.85 * share
  const [r, g, b] = PALE.map((p, i) => Math.round(p + (DEEP[i] - p) * k))
  return { background: `rgb(${r}, ${g}, ${b})`, color: k > 0.55 ? '#fff' : '#1b2430' }
}

/** The report's minor stops (same figures as its HTML): a table to read, and when in the day they start, to look at. */
export function MinorStopsPanel({ stops, period }: { stops: ReportMinorStops; period: string }): React.JSX.Element {
  const max = Math.max(1, ...stops.machines.flatMap((m) => m.byHour))
  return (
    <section className="panel report-minor-stops" aria-labelledby="report-minor-stops-title">
      <h3 id="report-minor-stops-title">Minor stops</h3>
      {stops.machines.length === 0 ? (
        <p>No minor stops in this period.</p>
      ) : (
        <>
          <table aria-label="Minor stops per machine">
            <thead>
              <tr>
                <th scope="col">Machine</th>
                <th scope="col" className="num">
                  Minor stops
                </th>
                <th scope="col" className="num">
                  Time lost
                </th>
                <th scope="col" className="num">
                  Average
                </th>
                <th scope="col" className="num">
                  Longest
                </th>
                <th scope="col">Most frequent</th>
              </tr>
            </thead>
            <tbody>
              {stops.machines.map((m) => (
                <tr key={m.machine}>
                  <th scope="row">{m.name}</th>
                  <td className="num">{m.count.toLocaleString('en')}</td>
                  <td className="num">{minutes(m.totalS)}</td>
                  <td className="num">{duration(m.averageS)}</td>
                  <td className="num">{duration(m.longestS)}</td>
                  <td>
                    {m.causes.slice(0, 3).map((c) => (
                      <div key={c.cause}>
                        {c.cause}: {c.count}
                      </div>
                    ))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <figure className="report-heatmap">
            <figcaption>
              Minor stops by hour of day ({stops.timeZone}) — {period}
            </figcaption>
            <div className="report-heatmap-grid" role="img" aria-label={`Minor stops by hour of day, ${period}`}>
              <span />
              {HOURS.map((h) => (
                <span key={h} className="report-heatmap-hour">
                  {String(h).padStart(2, '0')}
                </span>
              ))}
              {stops.machines.map((m) => [
                <span key={m.machine} className="report-heatmap-label">
                  {m.name}
                </span>,
                ...m.byHour.map((n, h) => (
                  <span
                    key={`${m.machine}-${h}`}
                    className="report-heatmap-cell"
                    title={`${m.name}, ${String(h).padStart(2, '0')}:00–${String(h).padStart(2, '0')}:59: ${n} minor stop(s)`}
                    style={n === 0 ? undefined : shade(n / max)}
                  >
                    {n > 0 ? n : ''}
                  </span>
                )),
              ])}
            </div>
          </figure>
        </>
      )}
    </section>
  )
}
