import { useEffect, useState } from 'react'
import { useMutation, useQueryClient } from '@tanstack/react-query'
import { useClient } from '../../app/client-context'
import { queryKey } from '../../bridge/queries'
import { ConfirmAgainstShown } from './ConfirmAgainstShown'
import './connections.css'
import { Dialog } from '../../app/Dialog'

export interface PublishMessage {
  topic: string
  payload: string
  qos: 0 | 1 | 2
  retain: boolean
}

/** Why this topic cannot be published to, in the words the host would use; undefined when it can. */
export function publishTopicProblem(topic: string): string | undefined {
  if (topic.trim() === '') return 'Give the topic to publish to'
  if (/[#+]/.test(topic)) return 'A topic to publish to has no wildcards (+ or #)'
  return undefined
}

/** Topic, payload, QoS and retain; "Publish…" asks to confirm exactly this message. */
export function MqttPublishForm({ connection, armed, topic }: { connection: { id: string; name: string }; armed: boolean; topic?: string }): React.JSX.Element {
  const [message, setMessage] = useState<PublishMessage>({ topic: topic ?? '', payload: '', qos: 0, retain: false })
  const [confirming, setConfirming] = useState<PublishMessage>()
  useEffect(() => {
    if (topic) setMessage((m) => ({ ...m, topic }))
  }, [topic])
  const problem = publishTopicProblem(message.topic)
  return (
    <form
      className="form-grid publish-form"
      aria-label="Message to publish"
      onSubmit={(e) => {
        e.preventDefault()
        if (!problem && armed) setConfirming({ ...message })
      }}
    >
      <label className="form-field">
        <span>Topic</span>
        <input type="text" className="mono" value={message.topic} onChange={(e) => setMessage({ ...message, topic: e.target.value })} />
      </label>
      <label className="form-field">
        <span>Payload</span>
        <textarea className="mono" rows={3} value={message.payload} onChange={(e) => setMessage({ ...message, payload: e.target.value })} />
      </label>
      <div className="toolbar">
        <label>
          QoS{' '}
          <select aria-label="QoS" value={message.qos} onChange={(e) => setMessage({ ...message, qos: Number(e.target.value) as 0 | 1 | 2 })}>
            <option value={0}>0 (at most once)</option>
            <option value={1}>1 (at least once)</option>
            <option value={2}>2 (exactly once)</option>
          </select>
        </label>
        <label className="check-row">
          <input type="checkbox" checked={message.retain} onChange={(e) => setMessage({ ...message, retain: e.target.checked })} /> Retain
        </label>
        <span className="spacer" />
        <button type="submit" disabled={!armed || problem !== undefined}>
          Publish…
        </button>
      </div>
      {message.topic !== '' && problem && <p className="error-text small">{problem}</p>}
      {!armed && <p className="muted small">Arm publishing on this connection to publish.</p>}
      {confirming && <PublishConfirmDialog connection={connection} message={confirming} onClose={() => setConfirming(undefined)} />}
    </form>
  )
}

/** Shows exactly what will be sent and sends only that; the host checks arming and writes the audit row. */
export function PublishConfirmDialog({
  connection,
  message,
  clear,
  onClose,
}: {
  connection: { id: string; name: string }
  message: PublishMessage
  /** Clearing a retained topic: an empty retained publish. */
  clear?: boolean
  onClose(): void
}): React.JSX.Element {
  const client = useClient()
  const queryClient = useQueryClient()
  const send = useMutation({
    mutationFn: () =>
      clear
        ? client.call('mqtt.clearRetained', { id: connection.id, topic: message.topic })
        : client.call('mqtt.publish', { id: connection.id, topic: message.topic, payload: message.payload, qos: message.qos, retain: message.retain }),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: queryKey('audit.list') }),
  })
  const title = clear ? 'Clear retained message' : 'Publish message'
  return (
    <Dialog label={title} onClose={onClose}>
      <h2>{title}</h2>
      {!send.isSuccess && (
        <ConfirmAgainstShown
          label="Message to confirm"
          rows={[
            { term: 'Connection', value: connection.name },
            { term: 'Topic', value: message.topic, name: 'Topic', mono: true },
            {
              term: 'Payload',
              name: 'Payload',
              value:
                message.payload === '' ? (
                  <span className="muted">(empty{clear ? ': removes the retained message' : ''})</span>
                ) : (
                  <pre className="payload">{message.payload}</pre>
                ),
            },
            { term: 'QoS', value: message.qos, name: 'QoS' },
            { term: 'Retain', value: message.retain ? 'yes' : 'no', name: 'Retain' },
          ]}
          error={send.isError ? send.error.message : undefined}
          confirmLabel={clear ? 'Confirm clear' : 'Confirm publish'}
          disabled={send.isPending}
          onConfirm={() => send.mutate()}
          onCancel={onClose}
        />
      )}
      {send.isSuccess && (
        <>
          <p role="status">{send.data.message[0]!.toUpperCase() + send.data.message.slice(1)}.</p>
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
