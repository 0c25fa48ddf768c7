import { useEffect, useState } from 'react'
import { useMutation, useQueryClient } from '@tanstack/react-query'
import { MQTT_TAG_DATA_TYPES } from '../../../../preload/contract'
import { useClient } from '../../app/client-context'

type DataType = (typeof MQTT_TAG_DATA_TYPES)[number]

const TYPE_NAMES: Record<DataType, string> = { Double: 'Number (Double)', Int64: 'Integer (Int64)', Boolean: 'Boolean', String: 'Text', Json: 'JSON as text' }

function guessType(value: unknown): DataType {
  if (typeof value === 'number') return Number.isInteger(value) ? 'Int64' : 'Double'
  if (typeof value === 'boolean') return 'Boolean'
  if (typeof value === 'string') return value.trim() !== '' && Number.isFinite(Number(value)) ? 'Double' : 'String'
  return 'Json'
}

/** A tag name from the last path key (or topic level): letters, digits, _ and - only. */
function suggestName(topic: string, path: string | undefined): string {
  const last = path ? (path.match(/([A-Za-z0-9_-]+)['\]]*$/)?.[1] ?? '') : (topic.split('/').filter(Boolean).at(-1) ?? '')
  const device = topic.split('/').filter(Boolean).at(-2)
  return (
    [device, last]
      .filter(Boolean)
      .join('_')
      .replace(/[^A-Za-z0-9_-]+/g, '_')
      .slice(0, 80) || 'value'
  )
}

export interface MapTarget {
  connectionId: string
  connectionName: string
  topic: string
  /** undefined: the whole payload. */
  jsonPath?: string
  sample: unknown
  /** A field of the payload that looks like a timestamp (ts, timestamp, time), offered as source time. */
  timePathHint?: string
}

/** Map a topic (+ JSON path) to a tag on a saved MQTT connection: name, type, unit, range, source-time path. */
export function MqttTagMapForm({ target, onDone, onCancel }: { target: MapTarget; onDone(message: string): void; onCancel(): void }): React.JSX.Element {
  const client = useClient()
  const queryClient = useQueryClient()
  const [name, setName] = useState(suggestName(target.topic, target.jsonPath))
  const [jsonPath, setJsonPath] = useState(target.jsonPath ?? '')
  const [dataType, setDataType] = useState<DataType>(guessType(target.sample))
  const [unit, setUnit] = useState('')
  const [low, setLow] = useState('')
  const [high, setHigh] = useState('')
  const [timePath, setTimePath] = useState(target.timePathHint ?? '')
  const [description, setDescription] = useState('')
  useEffect(() => {
    setName(suggestName(target.topic, target.jsonPath))
    setJsonPath(target.jsonPath ?? '')
    setDataType(guessType(target.sample))
  }, [target.topic, target.jsonPath, target.sample])

  const numeric = dataType === 'Double' || dataType === 'Int64'
  const rangeError =
    (low !== '' || high !== '') && !(low !== '' && high !== '' && Number(low) < Number(high)) ? 'Give both range ends, low below high (or neither).' : undefined
  const add = useMutation({
    mutationFn: () =>
      client.call('connections.addTags', {
        id: target.connectionId,
        tags: [
          {
            name: name.trim(),
            topic: target.topic,
            jsonPath: jsonPath.trim() === '' || jsonPath.trim() === '$' ? undefined : jsonPath.trim(),
            timePath: timePath.trim() || undefined,
            dataType,
            unit: unit.trim() || undefined,
            range: numeric && low !== '' && high !== '' ? { low: Number(low), high: Number(high) } : undefined,
            description: description.trim() || undefined,
          },
        ],
      }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['connections.managed'] })
      void queryClient.invalidateQueries({ queryKey: ['tags.list'] })
      onDone(`Tag "${name.trim()}" added to ${target.connectionName} — it is in the Tags view under ${target.connectionName}.`)
    },
  })

  return (
    <form
      className="mqtt-map-form"
      aria-label="Map to tag"
      onSubmit={(e) => {
        e.preventDefault()
        if (!rangeError) add.mutate()
      }}
      onKeyDown={(e) => {
        if (e.key === 'Escape') onCancel()
      }}
    >
      <h4>Map to a tag on {target.connectionName}</h4>
      <p className="small">
        <span className="mono">{target.topic}</span> · <span className="json-path">{jsonPath.trim() || 'whole payload'}</span>
        <span className="muted"> · now {JSON.stringify(target.sample)?.slice(0, 60)}</span>
      </p>
      <label className="form-field">
        <span>Tag name</span>
        <input type="text" value={name} onChange={(e) => setName(e.target.value)} autoFocus required maxLength={120} />
      </label>
      <label className="form-field">
        <span>JSON path</span>
        <input type="text" value={jsonPath} onChange={(e) => setJsonPath(e.target.value)} placeholder="blank: the whole payload" spellCheck={false} />
      </label>
      <label className="form-field">
        <span>Data type</span>
        <select value={dataType} onChange={(e) => setDataType(e.target.value as DataType)}>
          {MQTT_TAG_DATA_TYPES.map((t) => (
            <option key={t} value={t}>
              {TYPE_NAMES[t]}
            </option>
          ))}
        </select>
      </label>
      {numeric && (
        <>
          <label className="form-field">
            <span>Unit</span>
            <input type="text" value={unit} onChange={(e) => setUnit(e.target.value)} placeholder="e.g. bpm, °C, bar" maxLength={40} />
          </label>
          <label className="form-field">
            <span>Range low</span>
            <input type="number" value={low} onChange={(e) => setLow(e.target.value)} step="any" />
          </label>
          <label className="form-field">
            <span>Range high</span>
            <input type="number" value={high} onChange={(e) => setHigh(e.target.value)} step="any" />
          </label>
        </>
      )}
      <label className="form-field">
        <span>Timestamp path</span>
        <input type="text" value={timePath} onChange={(e) => setTimePath(e.target.value)} placeholder="blank: time of arrival" spellCheck={false} />
      </label>
      <label className="form-field">
        <span>Description</span>
        <input type="text" value={description} onChange={(e) => setDescription(e.target.value)} maxLength={500} />
      </label>
      {(rangeError ?? add.error) && (
        <p role="alert" className="error-text">
          {rangeError ?? add.error?.message}
        </p>
      )}
      <div className="toolbar">
        <span className="spacer" />
        <button type="button" className="ghost" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" disabled={add.isPending || Boolean(rangeError) || name.trim() === ''}>
          {add.isPending ? 'Adding…' : 'Add tag'}
        </button>
      </div>
    </form>
  )
}
