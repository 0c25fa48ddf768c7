import { useEffect, useMemo, useState } from 'react'
import { useMutation, useQueryClient } from '@tanstack/react-query'
import { MODBUS_MONITOR_MAX_QUANTITY, type ConnectionDetail, type EventOf, type InputOf } from '../../../../preload/contract'
import { useClient } from '../../app/client-context'
import { queryKey } from '../../bridge/queries'
import { ArmToggle } from './ArmToggle'
import { ConfirmAgainstShown } from './ConfirmAgainstShown'
import { hex16, modicon, type ModbusTableName } from './register-decoding'
import { FORMAT_GROUPS, formatCell, isCellFormat, parseCell, wordsOf, type CellFormat } from './register-formats'
import { useArmed } from './use-armed'
import { Dialog, DialogButtons, ErrorAlert } from '../../app/Dialog'

// Modbus Poll's window for one connection: a range read again and again over the connection's own link (its counters
// and traffic log keep counting), each cell in its own display format, changed cells marked, every poll's outcome in
// view; a cell is written through the armed, confirmed and audited path.

const FUNCTIONS: { table: ModbusTableName; code: number; label: string }[] = [
  { table: 'co', code: 1, label: '01 Read Coils (0x)' },
  { table: 'di', code: 2, label: '02 Read Discrete Inputs (1x)' },
  { table: 'hr', code: 3, label: '03 Read Holding Registers (4x)' },
  { table: 'ir', code: 4, label: '04 Read Input Registers (3x)' },
]
const FUNCTION_OF: Record<ModbusTableName, number> = { co: 1, di: 2, hr: 3, ir: 4 }
const TABLE_BY_PREFIX = { '0': 'co', '1': 'di', '3': 'ir', '4': 'hr' } as const
const TABLE_NAMES: Record<ModbusTableName, string> = { co: 'coil', di: 'discrete input', hr: 'holding register', ir: 'input register' }

type Poll = EventOf<'modbus.monitor'>
type Definition = Omit<InputOf<'modbus.monitor'>, 'id'> & { pollMs: number }
type Value = number | boolean

const isBits = (table: ModbusTableName): boolean => table === 'co' || table === 'di'
const whole = (text: string, min: number, max: number): number | undefined => {
  const n = Number(text)
  return text.trim() !== '' && Number.isInteger(n) && n >= min && n <= max ? n : undefined
}

/** The start as typed: a 0-based offset of the chosen function's table, `hr:0`, or a Modicon number of that table. */
function parseStart(text: string, table: ModbusTableName): { offset: number } | { error: string } {
  const input = text.trim()
  const explicit = /^(hr|ir|co|di):(\d+)$/i.exec(input)
  const modiconMatch = /^([0134])(\d{4,5})$/.exec(input)
  let named: { table: ModbusTableName; offset: number } | undefined
  if (explicit) named = { table: explicit[1]!.toLowerCase() as ModbusTableName, offset: Number(explicit[2]) }
  else if (modiconMatch && Number(modiconMatch[2]) >= 1) named = { table: TABLE_BY_PREFIX[modiconMatch[1] as '0'], offset: Number(modiconMatch[2]) - 1 }
  if (named) {
    if (named.table !== table) {
      const code = String(FUNCTION_OF[named.table]).padStart(2, '0')
      return { error: `Address ${input} is a ${TABLE_NAMES[named.table]}: pick function ${code}, or type a 0-based offset` }
    }
    return named.offset <= 65535 ? { offset: named.offset } : { error: 'Address: the last offset is 65535' }
  }
  const plain = whole(input, 0, 65535)
  return plain === undefined ? { error: 'Address: a 0-based offset (0 … 65535), hr:0 or a Modicon number (40001)' } : { offset: plain }
}

const formatsKey = (connectionId: string): string => `otw.modbus.monitorFormats.${connectionId}`

function loadFormats(connectionId: string): Map<string, CellFormat> {
  try {
    const saved = JSON.parse(globalThis.localStorage?.getItem(formatsKey(connectionId)) ?? '{}') as Record<string, string>
    return new Map(Object.entries(saved).filter((entry): entry is [string, CellFormat] => isCellFormat(entry[1])))
  } catch {
    return new Map()
  }
}

function saveFormats(connectionId: string, formats: ReadonlyMap<string, CellFormat>): void {
  // Signed is the default: only the other formats need remembering.
  const kept = Object.fromEntries([...formats].filter(([, format]) => format !== 'signed'))
  globalThis.localStorage?.setItem(formatsKey(connectionId), JSON.stringify(kept))
}

/** Runs one definition until it changes or the monitor goes away (the stream closes, the host stops polling). */
function useMonitorPolls(connectionId: string, definition: Definition | undefined) {
  const client = useClient()
  const [poll, setPoll] = useState<Poll>()
  const [values, setValues] = useState<Value[]>()
  const [changed, setChanged] = useState<ReadonlySet<number>>(new Set())
  const [ended, setEnded] = useState<string>()
  useEffect(() => {
    setPoll(undefined)
    setValues(undefined)
    setChanged(new Set())
    setEnded(undefined)
    if (!definition) return
    let previous: Value[] | undefined
    // A change stays marked for about a second of polls (at least the next one), so fast polls do not flicker it away.
    const hold = Math.max(1, Math.round(1000 / definition.pollMs))
    const changedAt = new Map<number, number>()
    let good = 0
    return client.subscribe(
      'modbus.monitor',
      { id: connectionId, ...definition },
      (event) => {
        setPoll(event)
        if (!event.values) return
        const next = event.values
        good++
        if (previous) next.forEach((v, i) => v !== previous![i] && changedAt.set(i, good))
        setChanged(new Set([...changedAt].flatMap(([i, at]) => (good - at < hold ? [i] : []))))
        previous = next
        setValues(next)
      },
      (error) => setEnded(error ? error.message : 'The monitor stopped'),
    )
  }, [client, connectionId, definition])
  return { poll, values, changed, ended }
}

function describePoll(poll: Poll): { text: string; problem: boolean } {
  switch (poll.status) {
    case 'ok':
      return { text: `OK${poll.rttMs === undefined ? '' : ` in ${poll.rttMs.toFixed(0)} ms`}`, problem: false }
    case 'exception':
      return { text: `Exception ${poll.exceptionCode} (${poll.exceptionName}): ${poll.message}`, problem: true }
    case 'timeout':
      return { text: `Timeout: ${poll.message}`, problem: true }
    case 'disconnected':
      return { text: `No connection: ${poll.message}`, problem: true }
    default:
      return { text: poll.message ?? poll.status, problem: true }
  }
}

export function RegisterMonitor({ detail, title, onClose }: { detail: ConnectionDetail; title: string; onClose(): void }): React.JSX.Element {
  const defaultUnit = String((detail.config.unitId as number | undefined) ?? 1)
  const [table, setTable] = useState<ModbusTableName>('hr')
  const [unitId, setUnitId] = useState(defaultUnit)
  const [start, setStart] = useState('40001')
  const [quantity, setQuantity] = useState('10')
  const [pollMs, setPollMs] = useState('1000')
  const [definition, setDefinition] = useState<Definition>()
  const [formats, setFormats] = useState<ReadonlyMap<string, CellFormat>>(() => loadFormats(detail.id))
  const [writing, setWriting] = useState<number>()
  const { poll, values, changed, ended } = useMonitorPolls(detail.id, definition)

  const max = MODBUS_MONITOR_MAX_QUANTITY[table]
  const parsedStart = parseStart(start, table)
  const parsedQuantity = whole(quantity, 1, max)
  const parsedUnit = whole(unitId, 0, 255)
  const parsedRate = whole(pollMs, 100, 3_600_000)
  const invalid =
    'error' in parsedStart
      ? parsedStart.error
      : parsedQuantity === undefined
        ? `Quantity: 1 … ${max} ${isBits(table) ? 'bits' : 'registers'} for function ${String(FUNCTION_OF[table]).padStart(2, '0')}`
        : parsedStart.offset + parsedQuantity - 1 > 65535
          ? 'Quantity: the range goes past offset 65535'
          : parsedUnit === undefined
            ? 'Unit id: 0 … 255'
            : parsedRate === undefined
              ? 'Poll rate: 100 … 3600000 ms'
              : undefined
  const pending: Definition | undefined =
    invalid || 'error' in parsedStart ? undefined : { table, unitId: parsedUnit!, start: parsedStart.offset, quantity: parsedQuantity!, pollMs: parsedRate! }
  const same = pending && definition && JSON.stringify(pending) === JSON.stringify(definition)

  const shown = definition
  const bits = shown ? isBits(shown.table) : false
  // Formats are remembered per connection, unit, table and offset: the register map as the person worked it out.
  const cellKey = (offset: number): string => `${shown?.unitId}/${shown?.table}:${offset}`
  const formatAt = (offset: number): CellFormat => formats.get(cellKey(offset)) ?? 'signed'
  const setFormat = (offsets: number[], format: CellFormat) =>
    setFormats((current) => {
      const next = new Map(current)
      for (const offset of offsets) next.set(cellKey(offset), format)
      saveFormats(detail.id, next)
      return next
    })

  // Which rows a wide format of an earlier row takes (its second to last word), so they show as part of it.
  const cells = useMemo(() => {
    if (!shown) return []
    const rows: { offset: number; coveredBy?: number; text?: string; complete: boolean; changed: boolean }[] = []
    let coveredUntil = -1
    let owner = -1
    for (let i = 0; i < shown.quantity; i++) {
      const offset = shown.start + i
      if (offset <= coveredUntil) {
        rows.push({ offset, coveredBy: owner, complete: false, changed: false })
        continue
      }
      const format = formats.get(`${shown.unitId}/${shown.table}:${offset}`) ?? 'signed'
      const span = bits ? 1 : Math.min(wordsOf(format), shown.quantity - i)
      const words = values ? (values.slice(i, i + wordsOf(format)) as number[]) : []
      const text = !values ? undefined : bits ? (values[i] ? '1' : '0') : (formatCell(format, words) ?? `needs ${wordsOf(format)} registers — extend the range`)
      rows.push({ offset, text, complete: bits || words.length === wordsOf(format), changed: [...Array(span).keys()].some((k) => changed.has(i + k)) })
      if (!bits && wordsOf(format) > 1) {
        coveredUntil = offset + wordsOf(format) - 1
        owner = offset
      }
    }
    return rows
  }, [shown, values, changed, formats, bits])

  // The connection's own tags at each register (the first register of a wider tag), so the grid reads like the tag list.
  const tagsAt = useMemo(() => {
    const fallbackUnit = (detail.config.unitId as number | undefined) ?? 1
    const byPlace = new Map<string, string[]>()
    for (const tag of detail.tags) {
      const match = /^(hr|ir|co|di):(\d+)/.exec(tag.address)
      if (!match) continue
      const key = `${tag.unitId ?? fallbackUnit}/${match[1]}:${match[2]}`
      byPlace.set(key, [...(byPlace.get(key) ?? []), tag.name])
    }
    return byPlace
  }, [detail.tags, detail.config.unitId])

  const outcome = poll && describePoll(poll)
  const stale = poll && poll.status !== 'ok'
  const writable = shown && (shown.table === 'hr' || shown.table === 'co')
  const writeRow = writing === undefined ? undefined : cells.find((c) => c.offset === writing)

  return (
    <section className="register-monitor" aria-label={title}>
      <div className="toolbar">
        <h4>{title}</h4>
        <span className="spacer" />
        <button type="button" className="ghost small" onClick={onClose}>
          Close monitor
        </button>
      </div>
      <form
        aria-label={`${title} definition`}
        className="tool-form"
        onSubmit={(e) => {
          e.preventDefault()
          if (pending) setDefinition(pending)
        }}
      >
        <label className="form-field">
          <span>Function</span>
          <select
            value={table}
            onChange={(e) => {
              const next = e.target.value as ModbusTableName
              // A Modicon start follows the function (40001 → 30001), so the same offset stays picked.
              const current = parseStart(start, table)
              if ('offset' in current && /^[0134]\d{4,5}$/.test(start.trim())) setStart(modicon(next, current.offset))
              if ('offset' in current && /^(hr|ir|co|di):/i.test(start.trim())) setStart(`${next}:${current.offset}`)
              setTable(next)
            }}
          >
            {FUNCTIONS.map((f) => (
              <option key={f.table} value={f.table}>
                {f.label}
              </option>
            ))}
          </select>
        </label>
        <label className="form-field">
          <span>Unit id</span>
          <input type="number" min={0} max={255} value={unitId} onChange={(e) => setUnitId(e.target.value)} />
        </label>
        <label className="form-field">
          <span>Address</span>
          <input type="text" value={start} onChange={(e) => setStart(e.target.value)} />
        </label>
        <label className="form-field">
          <span>Quantity</span>
          <input type="number" min={1} max={max} value={quantity} onChange={(e) => setQuantity(e.target.value)} />
        </label>
        <label className="form-field">
          <span>Poll rate (ms)</span>
          <input type="number" min={100} max={3_600_000} step={100} value={pollMs} onChange={(e) => setPollMs(e.target.value)} />
        </label>
        <p className="small muted" aria-label={`${title} range`}>
          {pending
            ? `${pending.table}:${pending.start} … ${pending.table}:${pending.start + pending.quantity - 1} = ${modicon(pending.table, pending.start)} … ${modicon(pending.table, pending.start + pending.quantity - 1)}, unit ${pending.unitId}, every ${pending.pollMs} ms`
            : invalid}
        </p>
        <div className="toolbar">
          <button type="submit" disabled={!pending || Boolean(same)}>
            {definition ? 'Apply' : 'Start polling'}
          </button>
          {definition && (
            <button type="button" className="ghost" onClick={() => setDefinition(undefined)}>
              Stop
            </button>
          )}
        </div>
      </form>
      {shown && (
        <>
          <p role="status" aria-label={`${title} status`} className="small mono monitor-status">
            Polls {poll?.counters.polls ?? 0} · Errors {poll?.counters.errors ?? 0} · Exceptions {poll?.counters.exceptions ?? 0} · Timeouts{' '}
            {poll?.counters.timeouts ?? 0} · unit {shown.unitId} · FC{String(FUNCTION_OF[shown.table]).padStart(2, '0')} · {shown.pollMs} ms
          </p>
          {outcome && (
            <p aria-label={`${title} last poll`} className={outcome.problem ? 'error-text' : 'small muted'}>
              {outcome.text}
            </p>
          )}
          <ErrorAlert error={ended} />
          {!bits && (
            <div className="toolbar">
              <label className="inline-label">
                All cells{' '}
                <select
                  aria-label="Format of all cells"
                  value=""
                  onChange={(e) => {
                    if (!isCellFormat(e.target.value)) return
                    setFormat(
                      cells.map((c) => c.offset),
                      e.target.value,
                    )
                  }}
                >
                  <option value="">set format…</option>
                  <FormatOptions />
                </select>
              </label>
            </div>
          )}
          <div className="table-scroll monitor-grid">
            <table className={`grid${stale ? ' stale' : ''}`} aria-label={`${title} values`}>
              <thead>
                <tr>
                  <th className="num">Address</th>
                  <th className="num">0-based</th>
                  <th className="num">Value</th>
                  {!bits && <th>Format</th>}
                  {writable && <th aria-label="Write" />}
                  <th>Tags here</th>
                </tr>
              </thead>
              <tbody>
                {cells.map((cell) => {
                  const address = modicon(shown.table, cell.offset)
                  return (
                    <tr key={cell.offset} aria-label={address}>
                      <td className="num mono">{address}</td>
                      <td className="num mono">
                        {shown.table}:{cell.offset}
                      </td>
                      {cell.coveredBy !== undefined ? (
                        <td className="num muted">↳ {modicon(shown.table, cell.coveredBy)}</td>
                      ) : (
                        <td className={`num mono${cell.changed ? ' changed' : ''}`} data-changed={cell.changed || undefined}>
                          {cell.text ?? '—'}
                        </td>
                      )}
                      {!bits && (
                        <td>
                          <select
                            aria-label={`Format ${address}`}
                            value={formatAt(cell.offset)}
                            disabled={cell.coveredBy !== undefined}
                            onChange={(e) => setFormat([cell.offset], e.target.value as CellFormat)}
                          >
                            <FormatOptions />
                          </select>
                        </td>
                      )}
                      {writable && (
                        <td>
                          {cell.coveredBy === undefined && (
                            <button
                              type="button"
                              className="ghost small"
                              aria-label={`Write ${address}`}
                              disabled={!values || Boolean(stale) || !cell.complete}
                              onClick={() => setWriting(cell.offset)}
                            >
                              Write…
                            </button>
                          )}
                        </td>
                      )}
                      <td className="muted small">{tagsAt.get(`${shown.unitId}/${shown.table}:${cell.offset}`)?.join(', ')}</td>
                    </tr>
                  )
                })}
              </tbody>
            </table>
          </div>
        </>
      )}
      {writeRow && shown && values && (
        <WriteCellDialog
          detail={detail}
          unitId={shown.unitId}
          table={shown.table as 'hr' | 'co'}
          offset={writeRow.offset}
          format={bits ? undefined : formatAt(writeRow.offset)}
          live={values.slice(writeRow.offset - shown.start, writeRow.offset - shown.start + (bits ? 1 : wordsOf(formatAt(writeRow.offset))))}
          onClose={() => setWriting(undefined)}
        />
      )}
    </section>
  )
}

function FormatOptions(): React.JSX.Element {
  return (
    <>
      {FORMAT_GROUPS.map((group) => (
        <optgroup key={group.label} label={group.label}>
          {group.formats.map((f) => (
            <option key={f.value} value={f.value}>
              {f.label}
            </option>
          ))}
        </optgroup>
      ))}
    </>
  )
}

const describeWords = (values: readonly Value[]): string => values.map((v) => (typeof v === 'boolean' ? (v ? '1 (on)' : '0 (off)') : `0x${hex16(v)}`)).join(' ')
const sameWords = (a: readonly Value[], b: readonly Value[]): boolean => a.length === b.length && a.every((v, i) => v === b[i])

/**
 * Write one cell: the value as the cell showed it when the dialog opened is what the host checks the device against
 * (it sends nothing when the device holds something else by then); armed, confirmed here, read back and audited.
 */
function WriteCellDialog({
  detail,
  unitId,
  table,
  offset,
  format,
  live,
  onClose,
}: {
  detail: ConnectionDetail
  unitId: number
  table: 'hr' | 'co'
  offset: number
  /** undefined for a coil. */
  format: CellFormat | undefined
  live: Value[]
  onClose(): void
}): React.JSX.Element {
  const client = useClient()
  const queryClient = useQueryClient()
  const armedUntil = useArmed().get(detail.id)
  const [shown, setShown] = useState<Value[]>(live)
  const [text, setText] = useState(() => (format ? (formatCell(format, live as number[]) ?? '') : live[0] ? '0' : '1'))
  const [error, setError] = useState<string>()
  const [toSend, setToSend] = useState<Value[]>()
  const shownText = format ? (formatCell(format, shown as number[]) ?? '') : shown[0] ? '1' : '0'
  const address = count(offset, format)
  const commit = useMutation({
    mutationFn: (values: Value[]) =>
      client.call('modbus.monitorWrite', {
        id: detail.id,
        unitId,
        table,
        offset,
        shown: shown as number[] | [boolean],
        values: values as number[] | [boolean],
        format: format ?? 'coil',
        shownText,
        newText: format ? text.trim() : values[0] ? '1' : '0',
      }),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: queryKey('audit.list') }),
  })
  function count(first: number, cellFormat: CellFormat | undefined): string {
    const n = cellFormat ? wordsOf(cellFormat) : 1
    return n === 1 ? modicon(table, first) : `${modicon(table, first)}–${modicon(table, first + n - 1)}`
  }
  const review = () => {
    try {
      setToSend(format ? parseCell(format, text) : [text === '1'])
      setError(undefined)
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e))
    }
  }
  const drifted = !sameWords(shown, live)
  return (
    <Dialog label={`Write ${modicon(table, offset)}`} onClose={onClose}>
      <h2>Write {address}</h2>
      <p className="muted mono">
        unit {unitId} · {table}:{offset} · {format ?? 'coil'}
      </p>
      {!toSend && (
        <form
          onSubmit={(e) => {
            e.preventDefault()
            review()
          }}
        >
          <p>
            Shown now: <strong aria-label="Shown value">{shownText}</strong> <span className="muted mono">({describeWords(shown)})</span>
          </p>
          <label className="form-field">
            <span>New value</span>
            {format ? (
              <input type="text" value={text} autoFocus onChange={(e) => setText(e.target.value)} />
            ) : (
              <select value={text} onChange={(e) => setText(e.target.value)}>
                <option value="1">1 (on)</option>
                <option value="0">0 (off)</option>
              </select>
            )}
          </label>
          <ErrorAlert error={error} />
          <DialogButtons onCancel={onClose}>
            <button type="submit">Review write</button>
          </DialogButtons>
        </form>
      )}
      {toSend && !commit.isSuccess && (
        <ConfirmAgainstShown
          label="Write to confirm"
          rows={[
            { term: 'Address', value: `unit ${unitId} ${address}`, name: 'Address', mono: true },
            {
              term: 'Old value',
              name: 'Old value',
              value: (
                <>
                  {shownText} <span className="muted mono">({describeWords(shown)})</span>
                </>
              ),
            },
            {
              term: 'New value',
              name: 'New value',
              value: (
                <>
                  {format ? text.trim() : toSend[0] ? '1 (on)' : '0 (off)'} <span className="muted mono">({describeWords(toSend)})</span>
                </>
              ),
            },
            {
              term: 'Function',
              value: table === 'co' ? 'FC5 write single coil' : toSend.length === 1 ? 'FC6 write single register' : 'FC16 write multiple registers',
            },
          ]}
          error={commit.isError ? commit.error.message : undefined}
          confirmLabel="Confirm write"
          disabled={!armedUntil || commit.isPending}
          onConfirm={() => commit.mutate(toSend)}
          onCancel={onClose}
          back={{ label: 'Change value', onClick: () => setToSend(undefined) }}
        >
          {drifted && (
            <p role="alert" className="warn-text">
              The device now shows {format ? formatCell(format, live as number[]) : live[0] ? '1' : '0'} ({describeWords(live)}), not the old value above: the
              write would be refused.{' '}
              <button
                type="button"
                className="ghost small"
                onClick={() => {
                  setShown(live)
                  commit.reset()
                }}
              >
                Take the new value as old
              </button>
            </p>
          )}
          <ArmToggle id={detail.id} kind={detail.kind} armedUntil={armedUntil} />
          {!armedUntil && <p className="muted small">Arm writes to confirm: until then the connection is read-only.</p>}
        </ConfirmAgainstShown>
      )}
      {commit.isSuccess && (
        <>
          <p role={commit.data.result === 'mismatch' ? 'alert' : 'status'} className={commit.data.result === 'mismatch' ? 'error-text' : undefined}>
            {commit.data.result === 'mismatch' ? 'Mismatch: ' : 'Written: '}
            {commit.data.message}
          </p>
          <div className="toolbar">
            <span className="spacer" />
            <button type="button" onClick={onClose}>
              Close
            </button>
          </div>
        </>
      )}
    </Dialog>
  )
}

/** Several monitors on one connection, each with its own range and formats; closing one stops its polls. */
export function RegisterMonitors({ detail }: { detail: ConnectionDetail }): React.JSX.Element {
  const [monitors, setMonitors] = useState<number[]>([1])
  const [next, setNext] = useState(2)
  return (
    <div className="register-monitors">
      {monitors.map((n) => (
        <RegisterMonitor key={n} detail={detail} title={`Monitor ${n}`} onClose={() => setMonitors((m) => m.filter((x) => x !== n))} />
      ))}
      <div className="toolbar">
        <button
          type="button"
          onClick={() => {
            setMonitors((m) => [...m, next])
            setNext(next + 1)
          }}
        >
          New monitor
        </button>
        <span className="small muted">Each monitor polls on this connection&apos;s link: its requests show in the counters and the traffic log.</span>
      </div>
    </div>
  )
}
