import { useState } from 'react'
import { MODBUS_BYTE_ORDERS, MODBUS_DATA_TYPES } from '../../../../preload/contract'
import { AddTagForm } from './AddTagForm'
import { modbusNotation } from './modbus-notation'

/** One register-mapped tag: the address in either notation (both shown), unit id, type, byte order, string length, scale and offset, unit, scan rate (name, range, access: AddTagForm). */
export function ModbusTagForm({ connectionId }: { connectionId: string }): React.JSX.Element {
  const [address, setAddress] = useState('')
  const [dataType, setDataType] = useState<(typeof MODBUS_DATA_TYPES)[number]>('uint16')
  const [byteOrder, setByteOrder] = useState<(typeof MODBUS_BYTE_ORDERS)[number]>('ABCD')
  const [unitId, setUnitId] = useState('')
  const [scale, setScale] = useState('')
  const [offset, setOffset] = useState('')
  const [unit, setUnit] = useState('')
  const [scanRate, setScanRate] = useState('')
  const [stringLength, setStringLength] = useState('8')
  const number = (text: string, fallback: number): number | null => (text.trim() === '' ? fallback : Number.isFinite(Number(text)) ? Number(text) : null)
  const parsedScale = number(scale, 1)
  const parsedOffset = number(offset, 0)
  // engineering = raw × scale + offset, stored as the two-point scaling the backend (and Kepware) use.
  const scaling =
    parsedScale === null || parsedOffset === null || (parsedScale === 1 && parsedOffset === 0) || parsedScale === 0
      ? undefined
      : { rawLow: 0, rawHigh: 1, engLow: parsedOffset, engHigh: parsedScale + parsedOffset }
  const parsedScan =
    scanRate.trim() === '' ? undefined : /^\d+$/.test(scanRate.trim()) && Number(scanRate) >= 50 && Number(scanRate) <= 3_600_000 ? Number(scanRate) : null
  const parsedLength = /^\d+$/.test(stringLength.trim()) && Number(stringLength) >= 1 && Number(stringLength) <= 123 ? Number(stringLength) : null
  const problems = [
    parsedScale === null || parsedScale === 0 ? 'Scale: a number other than 0 (engineering = raw × scale + offset)' : undefined,
    parsedOffset === null ? 'Offset: a number' : undefined,
    parsedScan === null ? 'Scan rate: whole milliseconds, 50 … 3,600,000, or blank for the connection’s' : undefined,
    dataType === 'string' && parsedLength === null ? 'String length: 1 … 123 registers (2 characters each)' : undefined,
  ].filter((p): p is string => p !== undefined)
  const notation = modbusNotation(address)
  // Blank: the connection's unit id; a gateway connection reaches other devices by the tag's own.
  const parsedUnit = unitId.trim() === '' ? undefined : /^\d+$/.test(unitId.trim()) && Number(unitId) <= 255 ? Number(unitId) : null
  return (
    <AddTagForm
      connectionId={connectionId}
      canAdd={Boolean(notation) && parsedUnit !== null && problems.length === 0}
      tagOf={(common) => ({
        ...common,
        address: address.trim(),
        unitId: parsedUnit ?? undefined,
        dataType,
        byteOrder,
        stringLength: dataType === 'string' ? (parsedLength ?? 8) : undefined,
        unit: unit.trim() || undefined,
        scanRateMs: parsedScan ?? undefined,
        scaling,
      })}
      onAdded={() => setAddress('')}
    >
      <label className="form-field">
        <span>Address</span>
        <input type="text" value={address} placeholder="hr:4 or 40005" onChange={(e) => setAddress(e.target.value)} required />
      </label>
      <p className="mono small" aria-label="Address notations">
        {notation
          ? `0-based ${notation.offset} = Modicon ${notation.modicon}`
          : address
            ? 'not a Modbus address (hr:4, 40005, co:0, 10001)'
            : '0-based hr:N or Modicon 4xxxx'}
      </p>
      <label className="form-field">
        <span>Unit id</span>
        <input type="number" min={0} max={255} value={unitId} placeholder="connection's" onChange={(e) => setUnitId(e.target.value)} />
      </label>
      <label className="form-field">
        <span>Data type</span>
        <select value={dataType} onChange={(e) => setDataType(e.target.value as 'uint16')}>
          {MODBUS_DATA_TYPES.map((t) => (
            <option key={t}>{t}</option>
          ))}
        </select>
      </label>
      <label className="form-field">
        <span>Byte order</span>
        <select value={byteOrder} onChange={(e) => setByteOrder(e.target.value as 'ABCD')}>
          {MODBUS_BYTE_ORDERS.map((t) => (
            <option key={t}>{t}</option>
          ))}
        </select>
      </label>
      {dataType === 'string' && (
        <label className="form-field">
          <span>String length (registers)</span>
          <input type="number" min={1} max={123} value={stringLength} onChange={(e) => setStringLength(e.target.value)} />
        </label>
      )}
      <label className="form-field">
        <span>Scale</span>
        <input type="text" inputMode="decimal" value={scale} placeholder="1" onChange={(e) => setScale(e.target.value)} />
      </label>
      <label className="form-field">
        <span>Offset</span>
        <input type="text" inputMode="decimal" value={offset} placeholder="0" onChange={(e) => setOffset(e.target.value)} />
      </label>
      <label className="form-field">
        <span>Unit</span>
        <input type="text" value={unit} placeholder="°C, bar, rpm" maxLength={40} onChange={(e) => setUnit(e.target.value)} />
      </label>
      <label className="form-field">
        <span>Scan rate (ms)</span>
        <input type="number" min={50} max={3_600_000} value={scanRate} placeholder="connection's" onChange={(e) => setScanRate(e.target.value)} />
      </label>
      {parsedUnit === null && <p className="error-text small">Unit id: a whole number 0 … 255, or blank for the connection&apos;s.</p>}
      {problems.map((p) => (
        <p key={p} className="error-text small">
          {p}
        </p>
      ))}
      {scaling && (
        <p className="muted small" aria-label="Scaling">
          engineering = raw × {parsedScale} + {parsedOffset}
          {unit.trim() ? ` ${unit.trim()}` : ''}; range and writes are in engineering units
        </p>
      )}
    </AddTagForm>
  )
}
