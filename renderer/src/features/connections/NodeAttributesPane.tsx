import { useState } from 'react'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import type { BrowseNodeInfo, NodeDetails } from '../../../../preload/contract'
import { useClient } from '../../app/client-context'
import { formatValue } from '../../app/format'
import { queryKey } from '../../bridge/queries'
import { MethodCallDialog } from './MethodCallDialog'

/** An array value: its length, expandable to one row per element; a numeric element can be added as its own tag to trend. */
function ArrayValue({
  connectionId,
  node,
  values,
}: {
  connectionId: string
  node: BrowseNodeInfo
  values: readonly (number | boolean | string | null)[]
}): React.JSX.Element {
  const [open, setOpen] = useState(false)
  const client = useClient()
  const queryClient = useQueryClient()
  const addElement = useMutation({
    mutationFn: (index: number) =>
      client.call('connections.addTags', {
        id: connectionId,
        tags: [{ name: `${node.displayName || node.browseName}[${index}]`, nodeId: node.nodeId, indexRange: String(index) }],
      }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: queryKey('connections.managed') }),
  })
  return (
    <div>
      <button type="button" className="ghost small" aria-expanded={open} onClick={() => setOpen(!open)}>
        {open ? '▾' : '▸'} Array of {values.length}
      </button>
      {open && (
        <table className="array-elements" aria-label="Array elements">
          <thead>
            <tr>
              <th scope="col">Index</th>
              <th scope="col">Value</th>
              <th scope="col">Trend</th>
            </tr>
          </thead>
          <tbody>
            {values.map((value, index) => (
              <tr key={index}>
                <td className="mono">[{index}]</td>
                <td className="mono">{formatValue(value)}</td>
                <td>
                  {typeof value === 'number' && (
                    <button
                      type="button"
                      className="small"
                      aria-label={`Add element ${index} as tag`}
                      disabled={addElement.isPending}
                      onClick={() => addElement.mutate(index)}
                    >
                      Add as tag
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {addElement.isSuccess && (
        <p role="status">
          Added {node.displayName}[{String(addElement.variables)}] as a tag: trend it in Trends.
        </p>
      )}
      {addElement.isError && (
        <p role="alert" className="error-text">
          {addElement.error.message}
        </p>
      )}
    </div>
  )
}

/** Adds the variable as a tag with its own sampling interval and deadband (a data-change filter on the server). */
function AddTagWithSampling({
  connectionId,
  node,
  minimumSamplingIntervalMs,
}: {
  connectionId: string
  node: BrowseNodeInfo
  minimumSamplingIntervalMs?: number
}): React.JSX.Element {
  const client = useClient()
  const queryClient = useQueryClient()
  const [sampling, setSampling] = useState('')
  const [deadbandType, setDeadbandType] = useState<'none' | 'absolute' | 'percent'>('none')
  const [deadband, setDeadband] = useState('')
  const add = useMutation({
    mutationFn: () => {
      const samplingIntervalMs = sampling.trim() === '' ? undefined : Number(sampling)
      if (samplingIntervalMs !== undefined && (!Number.isInteger(samplingIntervalMs) || samplingIntervalMs < 0))
        throw new Error('Sampling interval: a whole number of milliseconds, 0 or more')
      const value = Number(deadband)
      if (deadbandType !== 'none' && (deadband.trim() === '' || !Number.isFinite(value) || value < 0)) throw new Error('Deadband: a number, 0 or more')
      return client.call('connections.addTags', {
        id: connectionId,
        tags: [
          {
            name: node.displayName || node.browseName,
            nodeId: node.nodeId,
            samplingIntervalMs,
            deadband: deadbandType === 'none' ? undefined : { type: deadbandType, value },
          },
        ],
      })
    },
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: queryKey('connections.managed') }),
  })
  return (
    <form
      aria-label={`Add ${node.displayName} as tag with sampling`}
      onSubmit={(e) => {
        e.preventDefault()
        add.mutate()
      }}
    >
      <label className="form-field">
        <span>Sampling interval (ms)</span>
        <input
          aria-label="Sampling interval (ms)"
          inputMode="numeric"
          placeholder={minimumSamplingIntervalMs ? `250 (server minimum ${minimumSamplingIntervalMs})` : '250'}
          value={sampling}
          onChange={(e) => setSampling(e.target.value)}
        />
      </label>
      <label className="form-field">
        <span>Deadband</span>
        <select aria-label="Deadband type" value={deadbandType} onChange={(e) => setDeadbandType(e.target.value as typeof deadbandType)}>
          <option value="none">none</option>
          <option value="absolute">absolute (engineering units)</option>
          <option value="percent">percent of EURange</option>
        </select>
      </label>
      {deadbandType !== 'none' && (
        <label className="form-field">
          <span>Deadband value</span>
          <input aria-label="Deadband value" inputMode="decimal" value={deadband} onChange={(e) => setDeadband(e.target.value)} />
        </label>
      )}
      <button type="submit" disabled={add.isPending}>
        Add with these settings
      </button>
      {add.isSuccess && <p role="status">Added {node.displayName} as a tag.</p>}
      {add.isError && (
        <p role="alert" className="error-text">
          {add.error.message}
        </p>
      )}
    </form>
  )
}

function dataTypeText(details: NodeDetails): string {
  if (!details.dataType) return '—'
  if (details.valueRank !== undefined && details.valueRank >= 1) return `${details.dataType}[${details.arrayDimensions?.join(',') ?? ''}]`
  return details.dataType
}

/** The attributes of the node selected in the browse tree, as UaExpert shows them; a method can be called from here. */
export function NodeAttributesPane({
  connectionId,
  node,
  objectId,
}: {
  connectionId: string
  node: BrowseNodeInfo
  /** The object a method is called on: its parent in the tree. */
  objectId?: string
}): React.JSX.Element {
  const client = useClient()
  const [calling, setCalling] = useState(false)
  const details = useQuery({
    queryKey: queryKey('connections.nodeDetails', connectionId, node.nodeId),
    queryFn: () => client.call('connections.nodeDetails', { id: connectionId, nodeId: node.nodeId }),
  })
  return (
    <section aria-label="Attributes" className="panel node-attributes">
      <h3>Attributes of {node.displayName}</h3>
      {details.isPending && <p className="muted">Reading attributes…</p>}
      {details.isError && (
        <p role="alert" className="error-text">
          {details.error.message}
        </p>
      )}
      {details.data && (
        <>
          <dl className="endpoints" aria-label={`Attributes of ${node.displayName}`}>
            <dt>NodeId</dt>
            <dd className="mono">{details.data.nodeId}</dd>
            <dt>Node class</dt>
            <dd>{details.data.nodeClass}</dd>
            <dt>Description</dt>
            <dd aria-label="Description">{details.data.description ?? '—'}</dd>
            {details.data.nodeClass === 'Variable' && (
              <>
                <dt>Value</dt>
                <dd aria-label="Value">
                  {Array.isArray(details.data.value) ? (
                    <ArrayValue connectionId={connectionId} node={node} values={details.data.value} />
                  ) : (
                    formatValue(details.data.value)
                  )}
                  {details.data.valueStatus && details.data.valueStatus !== 'Good' && <span className="muted"> ({details.data.valueStatus})</span>}
                </dd>
                <dt>Data type</dt>
                <dd aria-label="Data type">{dataTypeText(details.data)}</dd>
                <dt>Access level</dt>
                <dd aria-label="Access level">{details.data.accessLevel?.join(', ') || '—'}</dd>
                <dt>Minimum sampling</dt>
                <dd aria-label="Minimum sampling">
                  {details.data.minimumSamplingIntervalMs === undefined
                    ? '—'
                    : details.data.minimumSamplingIntervalMs === 0
                      ? '0 ms (as fast as it changes)'
                      : `${details.data.minimumSamplingIntervalMs} ms`}
                </dd>
              </>
            )}
            {details.data.method && (
              <>
                <dt>Inputs</dt>
                <dd aria-label="Inputs">
                  {details.data.method.inputArguments.map((a) => `${a.name}: ${a.dataType}${a.valueRank >= 1 ? '[]' : ''}`).join(', ') || 'none'}
                </dd>
                <dt>Outputs</dt>
                <dd aria-label="Outputs">
                  {details.data.method.outputArguments.map((a) => `${a.name}: ${a.dataType}${a.valueRank >= 1 ? '[]' : ''}`).join(', ') || 'none'}
                </dd>
              </>
            )}
          </dl>
          {details.data.nodeClass === 'Variable' && (
            <AddTagWithSampling connectionId={connectionId} node={node} minimumSamplingIntervalMs={details.data.minimumSamplingIntervalMs} />
          )}
          {details.data.method && objectId && (
            <button type="button" onClick={() => setCalling(true)} disabled={details.data.executable === false}>
              Call {node.displayName}…
            </button>
          )}
          {calling && details.data.method && objectId && (
            <MethodCallDialog
              connectionId={connectionId}
              objectId={objectId}
              methodId={details.data.nodeId}
              name={node.displayName}
              signature={details.data.method}
              onClose={() => setCalling(false)}
            />
          )}
        </>
      )}
    </section>
  )
}
