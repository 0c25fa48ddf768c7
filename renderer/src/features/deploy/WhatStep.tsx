import { useEffect, useRef, useState } from 'react'
import { useDeployDrafts } from './deploy-drafts'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import type { ConnectionDetail, DeployPlanView, DeploySource, DeployTarget } from '../../../../preload/contract'
import { useClient } from '../../app/client-context'
import { queryKey } from '../../bridge/queries'

/** The largest flow file the contract takes (Node-RED exports of a whole plant stay far below it). */
const MAX_FLOW_FILE_BYTES = 20_000_000

/** What the wizard keeps between plans: the chosen connections and, per connection, the picked tags (absent: all of them). */
export interface DeployChoice {
  connections: string[]
  tags: Record<string, string[]>
}

/** The plan's source: whole connections, or only the picked tags (`<connection id>:<tag name>`) once any is narrowed. */
export function sourceOf(choice: DeployChoice, deployable: readonly ConnectionDetail[]): Extract<DeploySource, { kind: 'connections' }> {
  const chosen = choice.connections.filter((id) => deployable.some((c) => c.id === id))
  if (!chosen.some((id) => choice.tags[id] !== undefined)) return { kind: 'connections', connectionIds: chosen }
  const tagIds = chosen.flatMap((id) => (choice.tags[id] ?? deployable.find((c) => c.id === id)!.tags.map((t) => t.name)).map((name) => `${id}:${name}`))
  return { kind: 'connections', connectionIds: chosen, tagIds }
}

/** A quick look at a file before it goes to the core (which checks it fully): size and JSON, with the position of a syntax error. */
export function flowFileProblem(name: string, text: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(text)
    const list = Array.isArray(parsed) ? parsed : (parsed as { flows?: unknown } | null)?.flows
    if (!Array.isArray(list)) return `${name} is JSON but not a Node-RED export (a list of nodes) — in Node-RED use Export → JSON and save that`
    if (list.length === 0) return `${name} has no nodes — export a flow with its nodes`
    return undefined
  } catch (error) {
    return `${name} is not valid JSON (${error instanceof Error ? error.message : String(error)}) — export the flow again from Node-RED (Export → JSON)`
  }
}

export function WhatStep({
  target,
  choice,
  setChoice,
  onPlanned,
}: {
  target: DeployTarget
  /** Kept by the wizard, so planning again after an apply starts from the same choice. */
  choice: DeployChoice
  setChoice: React.Dispatch<React.SetStateAction<DeployChoice>>
  onPlanned(plan: DeployPlanView): void
}): React.JSX.Element {
  const client = useClient()
  const queries = useQueryClient()
  const managed = useQuery({ queryKey: queryKey('connections.managed'), queryFn: () => client.call('connections.managed') })
  const deployable = (managed.data ?? []).filter((c) => c.kind === 'modbus-tcp' || c.kind === 'opcua' || c.kind === 's7' || c.kind === 'mqtt')
  const drafts = useDeployDrafts()
  const { flowText, flowName, source } = drafts
  const setFlowText = (flowText: string): void => drafts.set({ flowText })
  const setFlowName = (flowName: string | undefined): void => drafts.set({ flowName })
  const setSource = (source: 'connections' | 'flow'): void => drafts.set({ source })
  const [fileProblem, setFileProblem] = useState<string>()
  const toggleConnection = (id: string, on: boolean): void =>
    setChoice((c) => {
      const tags = { ...c.tags }
      delete tags[id]
      return { connections: on ? [...c.connections.filter((x) => x !== id), id] : c.connections.filter((x) => x !== id), tags }
    })
  const toggleTag = (connection: ConnectionDetail, name: string, on: boolean): void =>
    setChoice((c) => {
      const chosen = c.connections.includes(connection.id)
      const current = chosen ? (c.tags[connection.id] ?? connection.tags.map((t) => t.name)) : []
      const next = on ? [...current.filter((n) => n !== name), name] : current.filter((n) => n !== name)
      const tags = { ...c.tags }
      if (next.length === connection.tags.length) delete tags[connection.id]
      else tags[connection.id] = next
      if (next.length === 0) {
        delete tags[connection.id]
        return { connections: c.connections.filter((x) => x !== connection.id), tags }
      }
      return { connections: chosen ? c.connections : [...c.connections, connection.id], tags }
    })
  const demoLine = useMutation({
    mutationFn: () => client.call('deploy.addDemoLine'),
    onSuccess: async (added) => {
      await queries.invalidateQueries({ queryKey: queryKey('connections.managed') })
      setChoice((c) => (c.connections.includes(added.connectionId) ? c : { ...c, connections: [...c.connections, added.connectionId] }))
    },
  })
  const plan = useMutation({
    mutationFn: () =>
      client.call('deploy.plan', {
        targetId: target.id,
        source: source === 'flow' ? { kind: 'flow', json: flowText } : sourceOf(choice, deployable),
      }),
    onSuccess: onPlanned,
  })
  const readFile = async (file: File | undefined): Promise<void> => {
    plan.reset()
    setFlowName(file?.name)
    if (!file) return
    if (file.size > MAX_FLOW_FILE_BYTES) {
      setFlowText('')
      setFileProblem(`${file.name} is ${(file.size / 1e6).toFixed(1)} MB; a flow file may have at most 20 MB — export only the flow you deploy`)
      return
    }
    const text = await file.text()
    setFlowText(text)
    setFileProblem(flowFileProblem(file.name, text))
  }
  const selectedTags =
    sourceOf(choice, deployable).tagIds?.length ?? deployable.filter((c) => choice.connections.includes(c.id)).reduce((sum, c) => sum + c.tags.length, 0)
  const canPlan = source === 'connections' ? selectedTags > 0 : flowText.trim() !== '' && fileProblem === undefined
  return (
    <section className="panel" aria-label="What to deploy">
      <h2>What goes to {target.name}</h2>
      <div className="toolbar" role="radiogroup" aria-label="Source">
        <label>
          <input type="radio" checked={source === 'connections'} onChange={() => setSource('connections')} /> Workbench connections and their tags
        </label>
        <label>
          <input type="radio" checked={source === 'flow'} onChange={() => setSource('flow')} /> A Node-RED flow file
        </label>
      </div>
      {source === 'connections' ? (
        <>
          {deployable.length === 0 && <p className="muted">No Modbus TCP, OPC UA, S7 or MQTT connection yet.</p>}
          <ul className="target-list" aria-label="Connections to deploy">
            {deployable.map((c) => (
              <ConnectionChoice
                key={c.id}
                connection={c}
                chosen={choice.connections.includes(c.id)}
                picked={choice.tags[c.id]}
                onConnection={(on) => toggleConnection(c.id, on)}
                onTag={(name, on) => toggleTag(c, name, on)}
              />
            ))}
          </ul>
          <p className="muted small" role="status">
            {selectedTags} tag(s) chosen
          </p>
          <button type="button" onClick={() => demoLine.mutate()} disabled={demoLine.isPending}>
            Add the demo line as a Modbus connection
          </button>
          {demoLine.error && (
            <p role="alert" className="error-text">
              {demoLine.error.message}
            </p>
          )}
        </>
      ) : (
        <div className="flow-source">
          <label className="flow-file">
            Flow file to upload (Node-RED Export → JSON)
            <input type="file" accept=".json,application/json" onChange={(e) => void readFile(e.target.files?.[0])} />
          </label>
          <label className="flow-file">
            Or paste the export
            <textarea
              value={flowText}
              onChange={(e) => {
                setFlowText(e.target.value)
                setFlowName(undefined)
                setFileProblem(e.target.value.trim() ? flowFileProblem('The pasted text', e.target.value) : undefined)
              }}
              rows={8}
              spellCheck={false}
            />
          </label>
          {flowName && !fileProblem && (
            <p className="muted small" role="status">
              {flowName}: {flowText.length.toLocaleString()} characters; the plan checks its nodes and wires and moves them onto the workbench's tab.
            </p>
          )}
          {fileProblem && (
            <p role="alert" className="error-text">
              {fileProblem}
            </p>
          )}
        </div>
      )}
      {plan.error && (
        <p role="alert" className="error-text">
          {plan.error.message}
        </p>
      )}
      <div className="toolbar">
        <button type="button" className="primary" disabled={plan.isPending || !canPlan} onClick={() => plan.mutate()}>
          {plan.isPending ? 'Reading the gateway…' : 'Plan (nothing is changed)'}
        </button>
      </div>
    </section>
  )
}

/** One connection: its checkbox (mixed when only some tags are picked) and, folded, one checkbox per tag. */
function ConnectionChoice({
  connection,
  chosen,
  picked,
  onConnection,
  onTag,
}: {
  connection: ConnectionDetail
  chosen: boolean
  picked: string[] | undefined
  onConnection(on: boolean): void
  onTag(name: string, on: boolean): void
}): React.JSX.Element {
  const box = useRef<HTMLInputElement>(null)
  const partial = chosen && picked !== undefined
  useEffect(() => {
    if (box.current) box.current.indeterminate = partial
  }, [partial])
  const name = String(connection.config.name)
  const count = !chosen ? 0 : (picked?.length ?? connection.tags.length)
  return (
    <li>
      <label>
        <input ref={box} type="checkbox" checked={chosen} onChange={(e) => onConnection(e.target.checked)} /> {name}{' '}
        <span className="muted">
          ({connection.kind}, {connection.tags.length} tags)
        </span>
      </label>
      {connection.tags.length > 0 && (
        <details className="tag-pick">
          <summary>
            Pick tags of {name} ({count} of {connection.tags.length})
          </summary>
          <ul className="tag-pick-list" aria-label={`Tags of ${name}`}>
            {connection.tags.map((tag) => (
              <li key={tag.name}>
                <label>
                  <input
                    type="checkbox"
                    checked={chosen && (picked === undefined || picked.includes(tag.name))}
                    onChange={(e) => onTag(tag.name, e.target.checked)}
                  />{' '}
                  <span className="mono">{tag.name}</span>{' '}
                  <span className="muted small">
                    {tag.address} {tag.dataType}
                    {tag.unit ? ` ${tag.unit}` : ''}
                  </span>
                </label>
              </li>
            ))}
          </ul>
        </details>
      )}
    </li>
  )
}
