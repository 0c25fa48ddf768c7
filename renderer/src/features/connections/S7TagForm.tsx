import { useState } from 'react'
import { useQuery } from '@tanstack/react-query'
import { S7_ADDRESS_HELP, S7_FORM_DATA_TYPES } from '../../../../preload/contract'
import { useClient } from '../../app/client-context'
import { queryKey } from '../../bridge/queries'
import { AddTagForm } from './AddTagForm'

/** One S7 tag: the address as typed in TIA Portal, checked as it is typed, its data type, unit and scan rate (name, range, access: AddTagForm). */
export function S7TagForm({ connectionId }: { connectionId: string }): React.JSX.Element {
  const client = useClient()
  const [address, setAddress] = useState('')
  const [dataType, setDataType] = useState('')
  const [unit, setUnit] = useState('')
  const [scanRate, setScanRate] = useState('')
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
  return (
    <AddTagForm
      connectionId={connectionId}
      canAdd={Boolean(result?.ok)}
      tagOf={(common) => ({
        ...common,
        address: typed.address,
        dataType: typed.dataType,
        unit: unit.trim() || undefined,
        scanRateMs: scanRate.trim() === '' ? undefined : Number(scanRate),
      })}
      onAdded={() => setAddress('')}
    >
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
        <span>Scan rate (ms)</span>
        <input type="number" min={50} value={scanRate} placeholder="connection's" onChange={(e) => setScanRate(e.target.value)} />
      </label>
    </AddTagForm>
  )
}
