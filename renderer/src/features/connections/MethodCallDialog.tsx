import { useState } from 'react'
import { useMutation, useQueryClient } from '@tanstack/react-query'
import type { MethodArgumentInfo, NodeDetails } from '../../../../preload/contract'
import { useClient } from '../../app/client-context'
import { formatValue } from '../../app/format'
import { queryKey } from '../../bridge/queries'
import { ConfirmAgainstShown } from './ConfirmAgainstShown'
import { Dialog, DialogButtons, ErrorAlert } from '../../app/Dialog'

type Input = number | boolean | string | (number | boolean | string)[]

const INTEGER = /^(SByte|Byte|Int16|UInt16|Int32|UInt32|Int64|UInt64)$/
const FLOAT = /^(Float|Double)$/

/** What the person typed, as the argument's type takes it; an error names the argument and what it needs. */
function parseArgument(argument: MethodArgumentInfo, text: string): Input {
  const one = (raw: string): number | boolean | string => {
    const value = raw.trim()
    if (argument.dataType === 'Boolean') {
      if (['true', '1'].includes(value.toLowerCase())) return true
      if (['false', '0'].includes(value.toLowerCase())) return false
      throw new Error(`${argument.name}: a Boolean is true or false`)
    }
    if (INTEGER.test(argument.dataType)) {
      if (!/^[-+]?\d+$/.test(value)) throw new Error(`${argument.name}: an ${argument.dataType} is a whole number`)
      return argument.dataType.endsWith('64') ? value : Number(value)
    }
    if (FLOAT.test(argument.dataType)) {
      const number = Number(value)
      if (value === '' || !Number.isFinite(number)) throw new Error(`${argument.name}: a ${argument.dataType} is a number`)
      return number
    }
    return raw
  }
  if (argument.valueRank >= 1) {
    const items = text.trim() === '' ? [] : text.split(',')
    return items.map(one)
  }
  return one(text)
}

/** Typed inputs for an OPC UA method; the call is confirmed against exactly the values shown, then audited. */
export function MethodCallDialog({
  connectionId,
  objectId,
  methodId,
  name,
  signature,
  onClose,
}: {
  connectionId: string
  objectId: string
  methodId: string
  name: string
  signature: NonNullable<NodeDetails['method']>
  onClose: () => void
}): React.JSX.Element {
  const client = useClient()
  const queryClient = useQueryClient()
  const [texts, setTexts] = useState<string[]>(() => signature.inputArguments.map((a) => (a.dataType === 'Boolean' ? 'false' : '')))
  const [error, setError] = useState<string>()
  const [toConfirm, setToConfirm] = useState<Input[]>()
  const call = useMutation({
    mutationFn: (inputs: Input[]) => client.call('connections.callMethod', { id: connectionId, objectId, methodId, inputs }),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: queryKey('audit.list') }),
  })
  const review = () => {
    try {
      setToConfirm(signature.inputArguments.map((argument, index) => parseArgument(argument, texts[index] ?? '')))
      setError(undefined)
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e))
    }
  }
  return (
    <Dialog label={`Call ${name}`} onClose={onClose}>
      <h2>Call {name}</h2>
      <p className="muted mono">
        {methodId} on {objectId}
      </p>
      {!toConfirm && (
        <form
          onSubmit={(e) => {
            e.preventDefault()
            review()
          }}
        >
          {signature.inputArguments.length === 0 && <p>This method takes no inputs.</p>}
          {signature.inputArguments.map((argument, index) => {
            const label = `${argument.name} (${argument.dataType}${argument.valueRank >= 1 ? '[], comma-separated' : ''})`
            const set = (value: string) => setTexts(texts.map((t, i) => (i === index ? value : t)))
            return (
              <label key={argument.name || index} className="form-field">
                <span>{label}</span>
                {argument.dataType === 'Boolean' && argument.valueRank < 1 ? (
                  <select aria-label={label} value={texts[index]} onChange={(e) => set(e.target.value)}>
                    <option value="false">false</option>
                    <option value="true">true</option>
                  </select>
                ) : (
                  <input
                    aria-label={label}
                    inputMode={INTEGER.test(argument.dataType) || FLOAT.test(argument.dataType) ? 'decimal' : undefined}
                    value={texts[index]}
                    onChange={(e) => set(e.target.value)}
                  />
                )}
                {argument.description && <span className="muted">{argument.description}</span>}
              </label>
            )
          })}
          <ErrorAlert error={error} />
          <DialogButtons onCancel={onClose}>
            <button type="submit">Review call</button>
          </DialogButtons>
        </form>
      )}
      {toConfirm && !call.isSuccess && (
        <ConfirmAgainstShown
          label="Call to confirm"
          rows={signature.inputArguments.map((argument, index) => ({
            term: `${argument.name} (${argument.dataType})`,
            value: formatValue(toConfirm[index]),
            name: `Input ${argument.name}`,
          }))}
          error={call.isError ? call.error.message : undefined}
          confirmLabel="Confirm call"
          disabled={call.isPending}
          onConfirm={() => call.mutate(toConfirm)}
          onCancel={onClose}
          back={{ label: 'Change inputs', onClick: () => setToConfirm(undefined) }}
        />
      )}
      {call.isSuccess && (
        <>
          <p role="status">
            Called {name}: {call.data.status}.
          </p>
          <dl className="endpoints" aria-label="Outputs">
            {call.data.outputs.map((output) => (
              <div key={output.name} style={{ display: 'contents' }}>
                <dt>{output.name}</dt>
                <dd aria-label={`Output ${output.name}`}>{formatValue(output.value)}</dd>
              </div>
            ))}
          </dl>
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
