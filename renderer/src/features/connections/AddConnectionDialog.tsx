import { useState } from 'react'
import { useMutation, useQueryClient } from '@tanstack/react-query'
import type { ConnectionConfigInput, DiscoveredEndpointInfo } from '../../../../preload/contract'
import { useClient } from '../../app/client-context'
import { DEFAULT_MQTT_SETTINGS, MqttConnectionFields, mqttConfigOf } from './MqttConnectionFields'
import { queryKey } from '../../bridge/queries'
import { DEFAULT_S7_SETTINGS, S7ConnectionFields, s7ConfigOf } from './S7ConnectionFields'
import { Dialog, DialogButtons, ErrorAlert } from '../../app/Dialog'

type Kind = ConnectionConfigInput['protocol']
const KIND_NAMES: Record<Kind, string> = { 'modbus-tcp': 'Modbus TCP', 'modbus-rtu': 'Modbus RTU (serial)', opcua: 'OPC UA', mqtt: 'MQTT', s7: 'Siemens S7' }

function Field({ label, children }: { label: string; children: React.ReactNode }): React.JSX.Element {
  return (
    <label className="form-field">
      <span>{label}</span>
      {children}
    </label>
  )
}

/** Protocol picker and the fields of each protocol; OPC UA lists the server's endpoints to pick security from. */
export function AddConnectionDialog({ onClose, onAdded }: { onClose(): void; onAdded(id: string): void }): React.JSX.Element {
  const client = useClient()
  const queryClient = useQueryClient()
  const [kind, setKind] = useState<Kind>('modbus-tcp')
  const [name, setName] = useState('')
  const [host, setHost] = useState('127.0.0.1')
  const [port, setPort] = useState('502')
  const [framing, setFraming] = useState<'tcp' | 'rtu-over-tcp'>('tcp')
  const [unitId, setUnitId] = useState('1')
  const [serialPath, setSerialPath] = useState('/dev/ttyUSB0')
  const [baudRate, setBaudRate] = useState('9600')
  const [parity, setParity] = useState<'none' | 'even' | 'odd'>('none')
  const [stopBits, setStopBits] = useState<'1' | '2'>('1')
  const [endpointUrl, setEndpointUrl] = useState('opc.tcp://')
  const [endpoints, setEndpoints] = useState<DiscoveredEndpointInfo[]>()
  const [security, setSecurity] = useState('None/None')
  const [identity, setIdentity] = useState<'anonymous' | 'username'>('anonymous')
  const [username, setUsername] = useState('')
  const [password, setPassword] = useState('')
  const [mqtt, setMqtt] = useState(DEFAULT_MQTT_SETTINGS)
  const [s7, setS7] = useState(DEFAULT_S7_SETTINGS)

  const discover = useMutation({ mutationFn: () => client.call('connections.discover', { endpointUrl: endpointUrl.trim() }), onSuccess: setEndpoints })

  const config = (): ConnectionConfigInput => {
    const n = name.trim() || KIND_NAMES[kind]
    if (kind === 'modbus-tcp') return { protocol: kind, name: n, host: host.trim(), port: Number(port), framing, unitId: Number(unitId) }
    if (kind === 'modbus-rtu')
      return { protocol: kind, name: n, serialPath, baudRate: Number(baudRate), parity, stopBits: Number(stopBits) as 1 | 2, unitId: Number(unitId) }
    if (kind === 'opcua') {
      const [securityPolicy, securityMode] = security.split('/') as ['None', 'None']
      return {
        protocol: kind,
        name: n,
        endpointUrl: endpointUrl.trim(),
        securityPolicy,
        securityMode,
        identity: identity === 'username' ? { kind: 'username', username, password } : { kind: 'anonymous' },
      }
    }
    if (kind === 's7') return s7ConfigOf(n, s7)
    return mqttConfigOf(n, mqtt)
  }

  const add = useMutation({
    // Saved even when the first connect fails (connectError): the detail panel shows why and offers to trust a certificate.
    mutationFn: () => client.call('connections.add', { config: config(), connect: true }),
    onSuccess: (detail) => {
      void queryClient.invalidateQueries({ queryKey: queryKey('connections.managed') })
      onAdded(detail.id)
    },
  })

  return (
    <Dialog label="Add connection" onClose={onClose}>
      <h2>Add connection</h2>
      <form
        onSubmit={(e) => {
          e.preventDefault()
          add.mutate()
        }}
      >
        <Field label="Protocol">
          <select value={kind} onChange={(e) => setKind(e.target.value as Kind)}>
            {Object.entries(KIND_NAMES).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Name">
          <input type="text" value={name} placeholder={KIND_NAMES[kind]} onChange={(e) => setName(e.target.value)} />
        </Field>
        {kind === 'modbus-tcp' && (
          <>
            <Field label="Host">
              <input type="text" value={host} onChange={(e) => setHost(e.target.value)} />
            </Field>
            <Field label="Port">
              <input type="number" min={1} max={65535} value={port} onChange={(e) => setPort(e.target.value)} />
            </Field>
            <Field label="Framing">
              <select value={framing} onChange={(e) => setFraming(e.target.value as 'tcp')}>
                <option value="tcp">Modbus TCP (MBAP header)</option>
                <option value="rtu-over-tcp">RTU over TCP (serial gateway, with CRC)</option>
              </select>
            </Field>
          </>
        )}
        {kind === 'modbus-rtu' && (
          <>
            <Field label="Serial port">
              <input type="text" value={serialPath} onChange={(e) => setSerialPath(e.target.value)} />
            </Field>
            <Field label="Baud rate">
              <input type="number" value={baudRate} onChange={(e) => setBaudRate(e.target.value)} />
            </Field>
            <Field label="Parity">
              <select value={parity} onChange={(e) => setParity(e.target.value as 'none')}>
                <option value="none">none</option>
                <option value="even">even</option>
                <option value="odd">odd</option>
              </select>
            </Field>
            <Field label="Stop bits">
              <select value={stopBits} onChange={(e) => setStopBits(e.target.value as '1')}>
                <option value="1">1</option>
                <option value="2">2</option>
              </select>
            </Field>
          </>
        )}
        {(kind === 'modbus-tcp' || kind === 'modbus-rtu') && (
          <Field label="Unit id">
            <input type="number" min={0} max={255} value={unitId} onChange={(e) => setUnitId(e.target.value)} />
          </Field>
        )}
        {kind === 'opcua' && (
          <>
            <Field label="Endpoint URL">
              <input type="text" value={endpointUrl} onChange={(e) => setEndpointUrl(e.target.value)} />
            </Field>
            <button type="button" onClick={() => discover.mutate()} disabled={discover.isPending}>
              {discover.isPending ? 'Discovering…' : 'Discover'}
            </button>
            <ErrorAlert error={discover.error} />
            {endpoints && (
              <fieldset>
                <legend>Security (policy / mode)</legend>
                {endpoints.map((e) => {
                  const value = `${e.securityPolicy}/${e.securityMode}`
                  return (
                    <label key={value} className="radio-row">
                      <input type="radio" name="security" value={value} checked={security === value} onChange={() => setSecurity(value)} />
                      {e.securityPolicy} / {e.securityMode}{' '}
                      <span className="muted">
                        (level {e.securityLevel}; {e.userTokens.map((t) => t.type).join(', ')})
                      </span>
                    </label>
                  )
                })}
              </fieldset>
            )}
            <Field label="Identity">
              <select value={identity} onChange={(e) => setIdentity(e.target.value as 'anonymous')}>
                <option value="anonymous">Anonymous</option>
                <option value="username">User name and password</option>
              </select>
            </Field>
          </>
        )}
        {kind === 'mqtt' && <MqttConnectionFields value={mqtt} onChange={setMqtt} />}
        {kind === 's7' && <S7ConnectionFields value={s7} onChange={setS7} />}
        {kind === 'opcua' && identity === 'username' && (
          <>
            <Field label="User name">
              <input type="text" value={username} autoComplete="off" onChange={(e) => setUsername(e.target.value)} />
            </Field>
            <Field label="Password">
              <input type="password" value={password} autoComplete="new-password" onChange={(e) => setPassword(e.target.value)} />
            </Field>
          </>
        )}
        <ErrorAlert error={add.error} />
        <DialogButtons onCancel={onClose}>
          <button type="submit" disabled={add.isPending}>
            {add.isPending ? 'Adding…' : 'Add'}
          </button>
        </DialogButtons>
      </form>
    </Dialog>
  )
}
