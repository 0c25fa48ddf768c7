import { useState } from 'react'
import { MODBUS_BYTE_ORDERS, MODBUS_DATA_TYPES } from '../../../../preload/contract'
import { AddTagForm } from './AddTagForm'
import { modbusNotation } from './modbus-notation'

/** One register-mapped tag: the address in either notation (both shown), unit id, type, byte order (name, range, access: AddTagForm). */
export function ModbusTagForm({ connectionId }: { connectionId: string }): React.JSX.Element {
  const [address, setAddress] = useState('')
  const [dataType, setDataType] = useState<(typeof MODBUS_DATA_TYPES)[number]>('uint16')
  const [byteOrder, setByteOrder] = useState<(typeof MODBUS_BYTE_ORDERS)[number]>('ABCD')
  const [unitId, setUnitId] = useState('')
  const notation = modbusNotation(address)
  // Blank: the connection's unit id; a gateway connection reaches other devices by the tag's own.
  const parsedUnit = unitId.trim() === '' ? undefined : /^\d+$/.test(unitId.trim()) && Number(unitId) <= 255 ? Number(unitId) : null
  return (
    <AddTagForm
      connectionId={connectionId}
      canAdd={Boolean(notation) && parsedUnit !== null}
      tagOf={(common) => ({
        ...common,
        address: address.trim(),
        unitId: parsedUnit ?? undefined,
        dataType,
        byteOrder,
        stringLength: dataType === 'string' ? 8 : undefined,
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
      {parsedUnit === null && <p className="error-text small">Unit id: a whole number 0 … 255, or blank for the connection&apos;s.</p>}
    </AddTagForm>
  )
}
