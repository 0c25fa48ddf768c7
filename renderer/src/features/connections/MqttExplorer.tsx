import { useEffect, useMemo, useRef, useState } from 'react'
import type { MqttExploreBatch, TopicStatsInfo } from '../../../../preload/contract'
import { useClient } from '../../app/client-context'
import { formatTime } from '../../app/format'
import { formatJsonPath, JsonPayloadTree } from './MqttPayloadView'
import { MqttTagMapForm, type MapTarget } from './MqttTagMapForm'
import './mqtt.css'
import { useChannelQuery } from '../../bridge/queries'

interface TopicNode {
  name: string
  path: string
  children: Map<string, TopicNode>
  stats?: TopicStatsInfo
  total: number
}

function buildTree(topics: Iterable<TopicStatsInfo>): TopicNode {
  const root: TopicNode = { name: '', path: '', children: new Map(), total: 0 }
  for (const stats of topics) {
    let node = root
    node.total += stats.count
    for (const level of stats.topic.split('/')) {
      let child = node.children.get(level)
      if (!child) node.children.set(level, (child = { name: level, path: node.path ? `${node.path}/${level}` : level, children: new Map(), total: 0 }))
      child.total += stats.count
      node = child
    }
    node.stats = stats
  }
  return root
}

function TopicBranch({
  node,
  depth,
  selected,
  onSelect,
}: {
  node: TopicNode
  depth: number
  selected?: string
  onSelect(topic: string): void
}): React.JSX.Element {
  const [open, setOpen] = useState(depth < 6)
  const children = [...node.children.values()].sort((a, b) => a.name.localeCompare(b.name))
  return (
    <li role="treeitem" aria-expanded={children.length > 0 ? open : undefined} aria-selected={selected === node.path} aria-label={node.path}>
      <button
        type="button"
        className={`tree-row${selected === node.path ? ' selected' : ''}`}
        style={{ paddingLeft: 6 + depth * 14 }}
        onClick={() => (node.stats ? onSelect(node.path) : setOpen(!open))}
      >
        {children.length > 0 ? (open ? '▾ ' : '▸ ') : '• '}
        {node.name || '(empty)'} <span className="muted">({node.total})</span>
        {node.stats && <span className="muted mono"> = {node.stats.lastPayload.slice(0, 60)}</span>}
      </button>
      {open && children.length > 0 && (
        <ul role="group">
          {children.map((child) => (
            <TopicBranch key={child.name} node={child} depth={depth + 1} selected={selected} onSelect={onSelect} />
          ))}
        </ul>
      )}
    </li>
  )
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) }
  } catch {
    return { ok: false }
  }
}

const TIME_KEYS = ['ts', 'timestamp', 'time', 'Timestamp', 'sourceTime']

const FORMAT_NAMES = { json: 'JSON', text: 'text', sparkplug: 'Sparkplug B (decoded)', binary: 'binary (hex)' } as const

/** The selected topic: its last payload as a clickable JSON tree (or text), and the form that maps a value to a tag. */
function TopicDetails({ current, source }: { current: TopicStatsInfo; source?: { id: string; name: string } }): React.JSX.Element {
  const [target, setTarget] = useState<MapTarget>()
  const [done, setDone] = useState<string>()
  useEffect(() => {
    setTarget(undefined)
    setDone(undefined)
  }, [current.topic])
  const format = current.format ?? 'text'
  const parsed = format === 'json' || format === 'sparkplug' ? parseJson(current.lastPayload) : { ok: false as const }
  const document = parsed.ok ? parsed.value : undefined
  const timePathHint =
    document && typeof document === 'object' && !Array.isArray(document) ? TIME_KEYS.filter((k) => k in document).map((k) => formatJsonPath([k]))[0] : undefined
  const canMap = source !== undefined && format !== 'sparkplug'
  const pick = (jsonPath: string | undefined, sample: unknown): void => {
    setDone(undefined)
    if (!source) return
    setTarget({
      connectionId: source.id,
      connectionName: source.name,
      topic: current.topic,
      jsonPath,
      sample,
      timePathHint: jsonPath ? timePathHint : undefined,
    })
  }
  return (
    <>
      <h3 className="mono">{current.topic}</h3>
      <p className="muted">
        {current.count} messages, {current.bytes} bytes{current.retained ? ', retained' : ''}, last at {formatTime(current.lastTime)}
      </p>
      <div className="payload-meta">
        <span className="badge">{FORMAT_NAMES[format]}</span>
        {canMap && (
          <button type="button" className="small" onClick={() => pick(undefined, format === 'json' ? document : current.lastPayload)}>
            Map whole payload
          </button>
        )}
        {format === 'sparkplug' && (
          <span className="muted small">Metrics of Sparkplug B nodes become tags by themselves on a connection with Sparkplug B decoding on.</span>
        )}
        {format !== 'sparkplug' && !source && <span className="muted small">To map values to tags, explore a saved MQTT connection.</span>}
        {canMap && parsed.ok && <span className="muted small">Click a value to map it to a tag.</span>}
      </div>
      {parsed.ok ? (
        <JsonPayloadTree document={document} selected={target?.jsonPath} onPick={(steps, value) => (canMap ? pick(formatJsonPath(steps), value) : undefined)} />
      ) : (
        <pre className="payload">{current.lastPayload}</pre>
      )}
      {done && (
        <p role="status" className="check-ok">
          {done}
        </p>
      )}
      {target && (
        <MqttTagMapForm
          target={target}
          onCancel={() => setTarget(undefined)}
          onDone={(message) => {
            setTarget(undefined)
            setDone(message)
          }}
        />
      )}
    </>
  )
}

/** MQTT Explorer in a panel: a live topic tree of any broker with counts and last payloads. */
export function MqttExplorer({ defaultUrl }: { defaultUrl?: string }): React.JSX.Element {
  const client = useClient()
  const managed = useChannelQuery('connections.managed', undefined, { refetchInterval: 5000 })
  const saved = (managed.data ?? []).filter((c) => c.kind === 'mqtt')
  const [sourceId, setSourceId] = useState('')
  const [exploring, setExploring] = useState<{ id: string; name: string }>()
  const source = saved.find((c) => c.id === sourceId)
  const [url, setUrl] = useState(defaultUrl ?? 'mqtt://127.0.0.1:1883')
  const [filter, setFilter] = useState('#')
  const [running, setRunning] = useState(false)
  const [summary, setSummary] = useState<Omit<MqttExploreBatch, 'changes'>>()
  const [selected, setSelected] = useState<string>()
  const [version, setVersion] = useState(0)
  const topics = useRef(new Map<string, TopicStatsInfo>())
  const stop = useRef<(() => void) | null>(null)

  useEffect(() => {
    if (defaultUrl && !running) setUrl(defaultUrl)
  }, [defaultUrl, running])
  useEffect(() => () => stop.current?.(), [])

  const start = (): void => {
    topics.current = new Map()
    setSelected(undefined)
    setRunning(true)
    setExploring(source ? { id: source.id, name: source.status.name } : undefined)
    stop.current = client.subscribe(
      'mqtt.explore',
      source ? { connectionId: source.id, filter } : { url, filter },
      (batch) => {
        for (const change of batch.changes) topics.current.set(change.topic, change)
        const { changes: _changes, ...rest } = batch
        setSummary(rest)
        setVersion((v) => v + 1)
      },
      (error) => {
        if (error) setSummary({ topics: 0, messages: 0, droppedTopics: 0, state: 'closed', error: error.message })
        setRunning(false)
      },
    )
  }
  const halt = (): void => {
    stop.current?.()
    stop.current = null
    setRunning(false)
  }

  // `version` changes with every batch; the topics themselves live in a ref so batches do not copy the map.
  const tree = useMemo(() => buildTree(topics.current.values()), [version])
  const current = selected ? topics.current.get(selected) : undefined

  return (
    <section className="panel" aria-label="MQTT explorer">
      <h2>MQTT explorer</h2>
      <div className="toolbar wrap">
        <label className="explorer-source">
          <span className="muted">Explore</span>
          <select aria-label="Explore" value={sourceId} onChange={(e) => setSourceId(e.target.value)} disabled={running}>
            <option value="">a broker by URL</option>
            {saved.map((c) => (
              <option key={c.id} value={c.id}>
                {c.status.name} ({c.status.endpoint})
              </option>
            ))}
          </select>
        </label>
        {source ? (
          <span className="mono muted">{source.status.endpoint}</span>
        ) : (
          <input type="text" aria-label="Broker URL" value={url} onChange={(e) => setUrl(e.target.value)} disabled={running} />
        )}
        <input type="text" aria-label="Topic filter" value={filter} onChange={(e) => setFilter(e.target.value)} disabled={running} style={{ minWidth: 160 }} />
        {running ? (
          <button type="button" onClick={halt}>
            Stop exploring
          </button>
        ) : (
          <button type="button" onClick={start}>
            Explore broker
          </button>
        )}
        {summary && (
          <span role="status" aria-label="Explorer status" className="muted">
            {summary.state} · {summary.topics} topics · {summary.messages} messages
            {summary.droppedTopics > 0 ? ` · ${summary.droppedTopics} topics over the limit not kept` : ''}
          </span>
        )}
      </div>
      {summary?.error && (
        <p role="alert" className="error-text">
          {summary.error}
        </p>
      )}
      <div className="explorer">
        <ul role="tree" aria-label="Topics" className="tree explorer-tree">
          {[...tree.children.values()].map((node) => (
            <TopicBranch key={node.name} node={node} depth={0} selected={selected} onSelect={setSelected} />
          ))}
        </ul>
        <aside className="detail" aria-label="Topic details">
          {current ? <TopicDetails current={current} source={exploring} /> : <p className="muted">Pick a topic to see its last payload.</p>}
        </aside>
      </div>
    </section>
  )
}
