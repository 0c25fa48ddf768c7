import { useState } from 'react'
import type { ConnectionDetail } from '../../../../preload/contract'
import { TrafficControls, TrafficCounters, TrafficLogView, useConnectionTraffic } from './TrafficTools'

/** S7 diagnostics for one connection: the counters always in view, the hex traffic log on demand (the shared TrafficTools). */
export function S7Tools({ detail }: { detail: ConnectionDetail }): React.JSX.Element {
  const [showLog, setShowLog] = useState(false)
  const traffic = useConnectionTraffic(detail.id, showLog)
  return (
    <section className="modbus-tools" aria-label="S7 tools">
      <div className="toolbar">
        <h3>S7 tools</h3>
        <span className="spacer" />
        <TrafficControls state={traffic} />
      </div>
      <TrafficCounters traffic={traffic.traffic} label="S7 counters" />
      <div className="toolbar">
        <button type="button" className="ghost small" aria-expanded={showLog} onClick={() => setShowLog((s) => !s)}>
          {showLog ? 'Hide traffic log' : 'Show traffic log'}
        </button>
      </div>
      {showLog && <TrafficLogView id={detail.id} traffic={traffic.traffic} paused={traffic.paused} />}
    </section>
  )
}
