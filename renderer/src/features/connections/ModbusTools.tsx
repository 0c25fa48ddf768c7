import { useEffect, useMemo, useRef, useState } from 'react'
import { useMutation, useQueryClient } from '@tanstack/react-query'
import { MODBUS_BYTE_ORDERS, MODBUS_DATA_TYPES, type ConnectionDetail, type EventOf, type InputOf, type LongTaskProgress } from '../../../../preload/contract'
import { useClient } from '../../app/client-context'
import { formatDuration } from '../../app/format'
import { decodeRegister, modicon, type ModbusTableName, type ScanValue } from './register-decoding'
import { RegisterMonitors } from './RegisterMonitor'
import { TrafficControls, TrafficCounters, TrafficLogView, useConnectionTraffic } from './TrafficTools'
import { queryKey } from '../../bridge/queries'

// Modbus Poll's tools for one connection: register monitors (RegisterMonitor.tsx), register-range and unit-id scans, the counters and the hex traffic log
// (TrafficTools.tsx, shared with S7).

const TABLES: { value: ModbusTableName; label: string }[] = [
  { value: 'hr', label: 'Holding registers (FC3, 4xxxx)' },
  { value: 'ir', label: 'Input registers (FC4, 3xxxx)' },
  { value: 'co', label: 'Coils (FC1, 0xxxx)' },
  { value: 'di', label: 'Discrete inputs (FC2, 1xxxx)' },
]

type Progress = Omit<LongTaskProgress, 'kind'>
type ScanChannel = 'modbus.scanRange' | 'modbus.scanUnits'

/**
 * One scan as a person runs it: start (the previous one closes), progress with rate and ETA, events as they come, the
 * final event, cancel (button or Esc), and the stream closed when the panel goes away. Shared by the register and unit scans.
 */
function useScan<K extends ScanChannel>(channel: K) {
  const client = useClient()
  const close = useRef<() => void>(undefined)
  const [running, setRunning] = useState(false)
  const [progress, setProgress] = useState<Progress>()
  useEffect(() => () => close.current?.(), [])
  const start = (
    input: InputOf<K>,
    total: number,
    on: { event(event: Exclude<EventOf<K>, { kind: 'progress' }>): void; failed(message: string): void },
  ): void => {
    close.current?.()
    setProgress({ done: 0, total, rate: 0, etaMs: null })
    setRunning(true)
    close.current = client.subscribe(
      channel,
      input,
      (received) => {
        // Both scan streams end with { kind: 'done' } and report progress the same way.
        const { kind } = received as { kind: string }
        if (kind === 'progress') return setProgress(received as LongTaskProgress)
        on.event(received as Exclude<EventOf<K>, { kind: 'progress' }>)
        if (kind === 'done') {
          setRunning(false)
          close.current = undefined
        }
      },
      (failure) => {
        if (failure) on.failed(failure.message)
        setRunning(false)
      },
    )
  }
  const cancel = (): void => {
    close.current?.()
    close.current = undefined
    setRunning(false)
  }
  return { running, progress, start, cancel }
}

function ScanProgress({ progress, label, unit }: { progress: Progress; label: string; unit: string }): React.JSX.Element {
  return (
    <div className="scan-progress">
      <progress aria-label={label} max={progress.total} value={progress.done} />
      <span className="small mono" role="status" aria-label={`${label} status`}>
        {progress.done} / {progress.total} {unit} · {progress.rate.toFixed(0)}/s · {progress.etaMs === null ? 'ETA —' : `ETA ${formatDuration(progress.etaMs)}`}
      </span>
    </div>
  )
}

function numberField(value: string, min: number, max: number): number | undefined {
  const n = Number(value)
  return value.trim() !== '' && Number.isInteger(n) && n >= min && n <= max ? n : undefined
}

/** Parses a start address in either notation: `0`, `hr:0` or `40001`; the table comes from the address when it names one. */
function parseStart(text: string, table: ModbusTableName): { table: ModbusTableName; offset: number } | undefined {
  const input = text.trim()
  const explicit = /^(hr|ir|co|di):(\d+)$/i.exec(input)
  if (explicit) return { table: explicit[1]!.toLowerCase() as ModbusTableName, offset: Number(explicit[2]) }
  const modiconMatch = /^([0134])(\d{4,5})$/.exec(input)
  if (modiconMatch && Number(modiconMatch[2]) >= 1) {
    const byPrefix = { '0': 'co', '1': 'di', '3': 'ir', '4': 'hr' } as const
    return { table: byPrefix[modiconMatch[1] as '0'], offset: Number(modiconMatch[2]) - 1 }
  }
  const plain = numberField(input, 0, 65535)
  return plain === undefined ? undefined : { table, offset: plain }
}

type RangeEvent = EventOf<'modbus.scanRange'>

function RegisterScan({ detail }: { detail: ConnectionDetail }): React.JSX.Element {
  const client = useClient()
  const queryClient = useQueryClient()
  const defaultUnit = String((detail.config.unitId as number | undefined) ?? 1)
  const [table, setTable] = useState<ModbusTableName>('hr')
  const [start, setStart] = useState('0')
  const [count, setCount] = useState('100')
  const [unitId, setUnitId] = useState(defaultUnit)
  const { running, progress, start: startScan, cancel: stopScan } = useScan('modbus.scanRange')
  const [values, setValues] = useState<Map<number, ScanValue>>(new Map())
  const [scanned, setScanned] = useState<{ table: ModbusTableName; unitId: number }>()
  const [summary, setSummary] = useState<Extract<RangeEvent, { kind: 'done' }>>()
  const [error, setError] = useState<string>()
  const [selected, setSelected] = useState<Set<number>>(new Set())
  const [dataType, setDataType] = useState<(typeof MODBUS_DATA_TYPES)[number]>('uint16')
  const [byteOrder, setByteOrder] = useState<(typeof MODBUS_BYTE_ORDERS)[number]>('ABCD')
  const [prefix, setPrefix] = useState('')
  const parsedStart = parseStart(start, table)
  const parsedCount = numberField(count, 1, 65536)
  const parsedUnit = numberField(unitId, 0, 255)
  const invalid = !parsedStart
    ? 'Start: a 0-based offset (0), hr:0 or a Modicon number (40001)'
    : !parsedCount
      ? 'Count: 1 … 65536'
      : parsedUnit === undefined
        ? 'Unit id: 0 … 255'
        : undefined

  const run = () => {
    if (invalid || !parsedStart || !parsedCount || parsedUnit === undefined) return
    const collected = new Map<number, ScanValue>()
    setValues(new Map())
    setSelected(new Set())
    setSummary(undefined)
    setError(undefined)
    setTable(parsedStart.table)
    setScanned({ table: parsedStart.table, unitId: parsedUnit })
    let flush: number | undefined
    const publish = () => {
      flush = undefined
      setValues(new Map(collected))
    }
    startScan(
      { id: detail.id, unitId: parsedUnit, table: parsedStart.table, start: parsedStart.offset, count: Math.min(parsedCount, 65536 - parsedStart.offset) },
      parsedCount,
      {
        event: (event) => {
          if (event.kind === 'data') {
            event.values.forEach((v, i) => collected.set(event.offset + i, v))
            flush ??= window.setTimeout(publish, 100)
          } else {
            publish()
            setSummary(event)
          }
        },
        failed: setError,
      },
    )
  }
  const cancel = () => {
    stopScan()
    setError('Cancelled — the results so far are shown')
  }

  const rows = useMemo(() => [...values.entries()].sort((a, b) => a[0] - b[0]), [values])
  const bits = scanned?.table === 'co' || scanned?.table === 'di'
  const addTags = useMutation({
    mutationFn: () => {
      const t = scanned!.table
      const names = [...selected].sort((a, b) => a - b)
      return client.call('connections.addTags', {
        id: detail.id,
        tags: names.map((offset) => ({
          name: `${prefix}${modicon(t, offset)}`,
          address: `${t}:${offset}`,
          unitId: scanned!.unitId,
          dataType: bits ? 'bool' : dataType,
          byteOrder,
          stringLength: !bits && dataType === 'string' ? 8 : undefined,
        })),
      })
    },
    onSuccess: () => {
      setSelected(new Set())
      void queryClient.invalidateQueries({ queryKey: queryKey('connections.managed') })
    },
  })
  const toggle = (offset: number) =>
    setSelected((s) => {
      const next = new Set(s)
      if (next.has(offset)) next.delete(offset)
      else next.add(offset)
      return next
    })

  return (
    <div
      className="modbus-tool"
      onKeyDown={(e) => {
        if (e.key === 'Escape' && running) cancel()
      }}
    >
      <form
        aria-label="Register scan"
        className="tool-form"
        onSubmit={(e) => {
          e.preventDefault()
          run()
        }}
      >
        <label className="form-field">
          <span>Table</span>
          <select value={table} onChange={(e) => setTable(e.target.value as ModbusTableName)}>
            {TABLES.map((t) => (
              <option key={t.value} value={t.value}>
                {t.label}
              </option>
            ))}
          </select>
        </label>
        <label className="form-field">
          <span>Start</span>
          <input type="text" value={start} onChange={(e) => setStart(e.target.value)} />
        </label>
        <label className="form-field">
          <span>Count</span>
          <input type="number" min={1} max={65536} value={count} onChange={(e) => setCount(e.target.value)} />
        </label>
        <label className="form-field">
          <span>Unit id</span>
          <input type="number" min={0} max={255} value={unitId} onChange={(e) => setUnitId(e.target.value)} />
        </label>
        <p className="small muted">
          {parsedStart && parsedCount
            ? `${parsedStart.table}:${parsedStart.offset} … ${parsedStart.table}:${Math.min(65535, parsedStart.offset + parsedCount - 1)} = ${modicon(parsedStart.table, parsedStart.offset)} … ${modicon(parsedStart.table, Math.min(65535, parsedStart.offset + parsedCount - 1))}`
            : invalid}
        </p>
        <div className="toolbar">
          {running ? (
            <button type="button" onClick={cancel}>
              Cancel scan (Esc)
            </button>
          ) : (
            <button type="submit" disabled={Boolean(invalid)}>
              Scan registers
            </button>
          )}
        </div>
      </form>
      {progress && <ScanProgress progress={progress} label="Register scan progress" unit={bits ? 'bits' : 'registers'} />}
      {error && (
        <p role="alert" className={error.startsWith('Cancelled') ? 'muted' : 'error-text'}>
          {error}
        </p>
      )}
      {summary && (
        <p className="small" aria-label="Register scan summary">
          {summary.answered} answered, {summary.rejected} refused
          {summary.ranges
            .filter((r) => r.status !== 'answers')
            .slice(0, 6)
            .map((r) => ` · ${modicon(scanned!.table, r.from)}${r.to > r.from ? `–${modicon(scanned!.table, r.to)}` : ''} ${r.status}`)
            .join('')}
        </p>
      )}
      {rows.length > 0 && scanned && (
        <>
          <div className="toolbar wrap">
            <span className="small">{selected.size} selected</span>
            <button type="button" className="ghost small" onClick={() => setSelected(new Set(rows.map(([o]) => o)))}>
              Select all
            </button>
            <button type="button" className="ghost small" onClick={() => setSelected(new Set())} disabled={selected.size === 0}>
              Select none
            </button>
            <span className="spacer" />
            {!bits && (
              <>
                <label className="inline-label">
                  Type{' '}
                  <select aria-label="Tag data type" value={dataType} onChange={(e) => setDataType(e.target.value as 'uint16')}>
                    {MODBUS_DATA_TYPES.filter((t) => t !== 'bool').map((t) => (
                      <option key={t}>{t}</option>
                    ))}
                  </select>
                </label>
                <label className="inline-label">
                  Byte order{' '}
                  <select aria-label="Tag byte order" value={byteOrder} onChange={(e) => setByteOrder(e.target.value as 'ABCD')}>
                    {MODBUS_BYTE_ORDERS.map((t) => (
                      <option key={t}>{t}</option>
                    ))}
                  </select>
                </label>
              </>
            )}
            <label className="inline-label">
              Name prefix{' '}
              <input type="text" aria-label="Tag name prefix" value={prefix} placeholder="none" size={8} onChange={(e) => setPrefix(e.target.value)} />
            </label>
            <button type="button" onClick={() => addTags.mutate()} disabled={selected.size === 0 || addTags.isPending}>
              Add {selected.size} as tags
            </button>
          </div>
          {addTags.isError && (
            <p role="alert" className="error-text">
              {addTags.error.message}
            </p>
          )}
          {addTags.isSuccess && <p className="small muted">Added — they are polled now and show in Tags.</p>}
          <div className="table-scroll scan-results">
            <table className="grid" aria-label="Register scan results">
              <thead>
                <tr>
                  <th aria-label="Select" />
                  <th className="num">0-based</th>
                  <th className="num">Modicon</th>
                  {bits ? (
                    <th className="num">Value</th>
                  ) : (
                    <>
                      <th className="num">Hex</th>
                      <th className="num">uint16</th>
                      <th className="num">int16</th>
                      <th className="num">int32 ABCD</th>
                      <th className="num">float32 ABCD</th>
                      <th className="num">float32 CDAB</th>
                    </>
                  )}
                </tr>
              </thead>
              <tbody>
                {rows.map(([offset, value]) => {
                  const next = values.get(offset + 1)
                  const d = typeof value === 'number' ? decodeRegister(value, typeof next === 'number' ? next : undefined) : undefined
                  const address = modicon(scanned.table, offset)
                  return (
                    <tr key={offset} className={selected.has(offset) ? 'selected' : undefined} onClick={() => toggle(offset)}>
                      <td>
                        <input
                          type="checkbox"
                          aria-label={`Select ${address}`}
                          checked={selected.has(offset)}
                          onChange={() => toggle(offset)}
                          onClick={(e) => e.stopPropagation()}
                        />
                      </td>
                      <td className="num mono">
                        {scanned.table}:{offset}
                      </td>
                      <td className="num mono">{address}</td>
                      {d ? (
                        <>
                          <td className="num mono">0x{d.hex}</td>
                          <td className="num">{d.uint16}</td>
                          <td className="num">{d.int16}</td>
                          <td className="num">{d.int32 ?? '—'}</td>
                          <td className="num">{d.float32 ?? '—'}</td>
                          <td className="num">{d.float32Swapped ?? '—'}</td>
                        </>
                      ) : (
                        <td className="num">{value ? '1 (on)' : '0 (off)'}</td>
                      )}
                    </tr>
                  )
                })}
              </tbody>
            </table>
          </div>
        </>
      )}
    </div>
  )
}

type UnitEvent = Extract<EventOf<'modbus.scanUnits'>, { kind: 'unit' }>

function UnitScan({ detail }: { detail: ConnectionDetail }): React.JSX.Element {
  const [from, setFrom] = useState('1')
  const [to, setTo] = useState('247')
  const [timeoutMs, setTimeoutMs] = useState('200')
  const [probe, setProbe] = useState('40001')
  const { running, progress, start: startScan, cancel: stopScan } = useScan('modbus.scanUnits')
  const [results, setResults] = useState<UnitEvent[]>([])
  const [message, setMessage] = useState<string>()
  const [failed, setFailed] = useState(false)
  const f = numberField(from, 0, 255)
  const t = numberField(to, 0, 255)
  const ms = numberField(timeoutMs, 20, 10_000)
  const probeAddress = parseStart(probe, 'hr')
  const invalid =
    f === undefined || t === undefined || f > t
      ? 'Unit ids: 0 … 255, first ≤ last'
      : ms === undefined
        ? 'Timeout: 20 … 10000 ms'
        : !probeAddress
          ? 'Probe address: 40001, hr:0 or a 0-based holding register offset'
          : undefined
  const run = () => {
    if (invalid) return
    setResults([])
    setMessage(undefined)
    setFailed(false)
    startScan({ id: detail.id, from: f, to: t, timeoutMs: ms, table: probeAddress!.table, offset: probeAddress!.offset }, t! - f! + 1, {
      event: (event) => {
        if (event.kind === 'unit') setResults((r) => [...r, event])
        else setMessage(event.found.length === 0 ? 'No unit answered.' : `Found unit ${event.found.join(', ')}`)
      },
      failed: (message) => {
        setFailed(true)
        setMessage(message)
      },
    })
  }
  const cancel = () => {
    stopScan()
    setMessage('Cancelled — the units found so far are listed')
  }
  const found = results.filter((r) => r.status !== 'silent')
  return (
    <div
      className="modbus-tool"
      onKeyDown={(e) => {
        if (e.key === 'Escape' && running) cancel()
      }}
    >
      <form
        aria-label="Unit id scan"
        className="tool-form"
        onSubmit={(e) => {
          e.preventDefault()
          run()
        }}
      >
        <label className="form-field">
          <span>First unit id</span>
          <input type="number" min={0} max={255} value={from} onChange={(e) => setFrom(e.target.value)} />
        </label>
        <label className="form-field">
          <span>Last unit id</span>
          <input type="number" min={0} max={255} value={to} onChange={(e) => setTo(e.target.value)} />
        </label>
        <label className="form-field">
          <span>Timeout (ms)</span>
          <input type="number" min={20} max={10000} value={timeoutMs} onChange={(e) => setTimeoutMs(e.target.value)} />
        </label>
        <label className="form-field">
          <span>Probe address</span>
          <input type="text" value={probe} onChange={(e) => setProbe(e.target.value)} />
        </label>
        <p className="small muted">
          {invalid ??
            `Reads ${probeAddress ? modicon(probeAddress.table, probeAddress.offset) : ''} from each id; an exception answer also proves the unit is there. A silent id costs the timeout.`}
        </p>
        <div className="toolbar">
          {running ? (
            <button type="button" onClick={cancel}>
              Cancel scan (Esc)
            </button>
          ) : (
            <button type="submit" disabled={Boolean(invalid)}>
              Scan unit ids
            </button>
          )}
        </div>
      </form>
      {progress && <ScanProgress progress={progress} label="Unit scan progress" unit="ids" />}
      {message && (
        <p role={failed ? 'alert' : 'status'} className={failed ? 'error-text' : undefined} aria-label="Unit scan result">
          {message}
        </p>
      )}
      {found.length > 0 && (
        <table className="grid" aria-label="Units found">
          <thead>
            <tr>
              <th className="num">Unit id</th>
              <th>Answer</th>
              <th>Detail</th>
            </tr>
          </thead>
          <tbody>
            {found.map((r) => (
              <tr key={r.unitId}>
                <td className="num">{r.unitId}</td>
                <td>{r.status}</td>
                <td className="muted">{r.detail}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  )
}

type Tab = 'monitor' | 'scan' | 'units' | 'traffic'

/** Modbus Poll in a panel: counters always in view, then register monitors, register scan, unit scan or traffic log. */
export function ModbusTools({ detail }: { detail: ConnectionDetail }): React.JSX.Element {
  const [tab, setTab] = useState<Tab>('scan')
  const connected = detail.status.state === 'connected' || detail.status.state === 'degraded'
  // The counters come with any call; the frames only matter while the log is on screen.
  const traffic = useConnectionTraffic(detail.id, tab === 'traffic')
  const tabs: { id: Tab; label: string }[] = [
    { id: 'monitor', label: 'Register monitor' },
    { id: 'scan', label: 'Register scan' },
    { id: 'units', label: 'Unit id scan' },
    { id: 'traffic', label: 'Traffic log' },
  ]
  return (
    <section className="modbus-tools" aria-label="Modbus tools">
      <div className="toolbar">
        <h3>Modbus tools</h3>
        <span className="spacer" />
        <TrafficControls state={traffic} />
      </div>
      <TrafficCounters traffic={traffic.traffic} label="Modbus counters" />
      <div role="tablist" aria-label="Modbus tool" className="tabs">
        {tabs.map((t) => (
          <button key={t.id} type="button" role="tab" aria-selected={tab === t.id} className={tab === t.id ? 'active' : 'ghost'} onClick={() => setTab(t.id)}>
            {t.label}
          </button>
        ))}
      </div>
      {!connected && (tab === 'scan' || tab === 'units') && <p className="muted">Connect first: scans use this connection&apos;s link.</p>}
      {/* Mounted while the connection is on screen, so monitors keep polling during a look at the traffic log. */}
      <div role="tabpanel" aria-label="Register monitor" hidden={tab !== 'monitor'}>
        <RegisterMonitors detail={detail} />
      </div>
      {/* Hidden rather than unmounted, so a running scan and its results survive a look at the traffic log. */}
      <div role="tabpanel" aria-label="Register scan" hidden={tab !== 'scan' || !connected}>
        <RegisterScan detail={detail} />
      </div>
      <div role="tabpanel" aria-label="Unit id scan" hidden={tab !== 'units' || !connected}>
        <UnitScan detail={detail} />
      </div>
      {tab === 'traffic' && <TrafficLogView id={detail.id} traffic={traffic.traffic} paused={traffic.paused} />}
    </section>
  )
}
