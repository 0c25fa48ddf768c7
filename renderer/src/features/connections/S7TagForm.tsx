import { useState } from 'react'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { S7_ADDRESS_HELP, S7_FORM_DATA_TYPES } from '../../../../preload/contract'
import { useClient } from '../../app/client-context'
import { queryKey } from '../../bridge/queries'

/** One S7 tag: the address as typed in TIA Portal, checked as it is typed, its data type, unit, range, access and scan rate. */
export function S7TagForm({ connectionId }: { connectionId: string }): React.JSX.Element {
  const client = useClient()
  const queryClient = useQueryClient()
  const [name, setName] = useState('')
  const [address, setAddress] = useState('')
  const [dataType, setDataType] = useState('')
  const [unit, setUnit] = useState('')
  const [low, setLow] = useState('')
  const [high, setHigh] = useState('')
  const [scanRate, setScanRate] = useState('')
  const [writable, setWritable] = useState(false)
  const typed = { address: address.trim(), dataType: dataType.trim() || undefined }
  // The main process holds the one S7 address parser; each keystroke asks it (a local call, cached per input).
  const check = useQuery({
    queryKey: queryKey('s7.checkTag', typed.address, typed.dataType ?? ''),
    queryFn: () => client.call('s7.checkTag', typed),
    enabled: typed.address !== '',
    staleTime: Infinity,
    placeholderData: (previous) => previous,
  })
  const result = typed.address === '' ? undefined : check.data
  const add = useMutation({
    mutationFn: () =>
      client.call('connections.addTags', {
        id: connectionId,
        tags: [
          {
            name: name.trim(),
            address: typed.address,
            dataType: typed.dataType,
            access: writable ? 'read-write' : 'read',
            unit: unit.trim() || undefined,
            range: low !== '' && high !== '' ? { low: Number(low), high: Number(high) } : undefined,
            scanRateMs: scanRate.trim() === '' ? undefined : Number(scanRate),
          },
        ],
      }),
    onSuccess: () => {
      setName('')
      setAddress('')
      void queryClient.invalidateQueries({ queryKey: queryKey('connections.managed') })
    },
  })
  return (
    <form
      aria-label="Add tag"
      className="inline-form"
      onSubmit={(e) => {
        e.preventDefault()
        add.mutate()
      }}
    >
      <h3>Add tag</h3>
      <label className="form-field">
        <span>Tag name</span>
        <input type="text" value={name} onChange={(e) => setName(e.target.value)} required />
      </label>
      <label className="form-field">
        <span>Address</span>
        <input type="text" className="mono" value={address} placeholder="DB1.DBD0, M10.0, IW64" onChange={(e) => setAddress(e.target.value)} required />
      </label>
      <label className="form-field">
        <span>Data type</span>
        <input
          type="text"
          list="s7-data-types"
          value={dataType}
          placeholder="from the address (DBX BOOL, DBW WORD …)"
          onChange={(e) => setDataType(e.target.value)}
        />
      </label>
      <datalist id="s7-data-types">
        {S7_FORM_DATA_TYPES.map((t) => (
          <option key={t} value={t} />
        ))}
      </datalist>
      <p aria-label="Address check" className={`small ${result ? (result.ok ? 'check-ok' : 'check-failed') : 'muted'}`}>
        {result
          ? result.ok
            ? `${result.description} · ${result.bytes} byte${result.bytes === 1 ? '' : 's'}`
            : result.message
          : 'Type an address as in TIA Portal or STEP 7'}
      </p>
      <details className="small">
        <summary>Address syntax</summary>
        <ul aria-label="S7 address syntax" className="mono">
          {S7_ADDRESS_HELP.map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
      </details>
      <label className="form-field">
        <span>Unit</span>
        <input type="text" value={unit} placeholder="°C, bar, rpm" onChange={(e) => setUnit(e.target.value)} />
      </label>
      <label className="form-field">
        <span>Range low</span>
        <input type="number" value={low} onChange={(e) => setLow(e.target.value)} />
      </label>
      <label className="form-field">
        <span>Range high</span>
        <input type="number" value={high} onChange={(e) => setHigh(e.target.value)} />
      </label>
      <label className="form-field">
        <span>Scan rate (ms)</span>
        <input type="number" min={50} value={scanRate} placeholder="connection's" onChange={(e) => setScanRate(e.target.value)} />
      </label>
      <label className="radio-row">
        <input type="checkbox" checked={writable} onChange={(e) => setWritable(e.target.checked)} /> Writable (read-write)
      </label>
      <button type="submit" disabled={add.isPending || !result?.ok}>
        Add tag
      </button>
      {add.isError && (
        <p role="alert" className="error-text">
          {add.error.message}
        </p>
      )}
    </form>
  )
}
