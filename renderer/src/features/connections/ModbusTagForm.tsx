import { useState } from 'react'
import { useMutation, useQueryClient } from '@tanstack/react-query'
import { MODBUS_BYTE_ORDERS, MODBUS_DATA_TYPES } from '../../../../preload/contract'
import { useClient } from '../../app/client-context'
import { modbusNotation } from './modbus-notation'
import { queryKey } from '../../bridge/queries'

/** One register-mapped tag: the address in either notation (both shown), type, byte order, access. */
export function ModbusTagForm({ connectionId }: { connectionId: string }): React.JSX.Element {
  const client = useClient()
  const queryClient = useQueryClient()
  const [name, setName] = useState('')
  const [address, setAddress] = useState('')
  const [dataType, setDataType] = useState<(typeof MODBUS_DATA_TYPES)[number]>('uint16')
  const [byteOrder, setByteOrder] = useState<(typeof MODBUS_BYTE_ORDERS)[number]>('ABCD')
  const [writable, setWritable] = useState(false)
  const [low, setLow] = useState('')
  const [high, setHigh] = useState('')
  const [unitId, setUnitId] = useState('')
  const notation = modbusNotation(address)
  // Blank: the connection's unit id; a gateway connection reaches other devices by the tag's own.
  const parsedUnit = unitId.trim() === '' ? undefined : /^\d+$/.test(unitId.trim()) && Number(unitId) <= 255 ? Number(unitId) : null
  const add = useMutation({
    mutationFn: () =>
      client.call('connections.addTags', {
        id: connectionId,
        tags: [
          {
            name: name.trim(),
            address: address.trim(),
            unitId: parsedUnit ?? undefined,
            dataType,
            byteOrder,
            access: writable ? 'read-write' : 'read',
            range: low !== '' && high !== '' ? { low: Number(low), high: Number(high) } : undefined,
            stringLength: dataType === 'string' ? 8 : undefined,
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
      <label className="form-field">
        <span>Range low</span>
        <input type="number" value={low} onChange={(e) => setLow(e.target.value)} />
      </label>
      <label className="form-field">
        <span>Range high</span>
        <input type="number" value={high} onChange={(e) => setHigh(e.target.value)} />
      </label>
      <label className="radio-row">
        <input type="checkbox" checked={writable} onChange={(e) => setWritable(e.target.checked)} /> Writable (read-write)
      </label>
      {parsedUnit === null && <p className="error-text small">Unit id: a whole number 0 … 255, or blank for the connection&apos;s.</p>}
      <button type="submit" disabled={add.isPending || !notation || parsedUnit === null}>
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
