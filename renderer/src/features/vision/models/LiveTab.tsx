import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useEffect, useState } from 'react'
import type { VisionDataset } from '../../../../../preload/contract'
import { useClient } from '../../../app/client-context'
import { modelKey, ModelSelect, useModels } from './use-models'
import { queryKey } from '../../../bridge/queries'

/** "Inspect live" on the demo camera with results as tags, and the process-context tags snapshotted with each camera image. */
export function LiveTab({ dataset }: { dataset: VisionDataset | null }): React.JSX.Element {
  return (
    <div className="vm-tab">
      <LiveInspection />
      {dataset && <ContextTags dataset={dataset} />}
    </div>
  )
}

function LiveInspection(): React.JSX.Element {
  const client = useClient()
  const queryClient = useQueryClient()
  const models = useModels()
  const list = models.data?.models ?? []
  const status = useQuery({
    queryKey: queryKey('visionModels', 'live'),
    queryFn: () => client.call('visionModels.liveStatus'),
    refetchInterval: (q) => (q.state.data?.running ? 500 : false),
  })
  const [chosen, setChosen] = useState('')
  const [intervalMs, setIntervalMs] = useState(1000)
  // Set in the change event itself, so the controlled switch shows the new position at once instead of springing back until the call returns.
  const [wanted, setWanted] = useState<boolean | null>(null)
  const running = status.data?.running ?? false
  const model = list.find((m) => modelKey(m) === (chosen || (status.data?.model ? modelKey(status.data.model) : ''))) ?? list[0]
  const toggle = useMutation({
    mutationFn: (enabled: boolean) =>
      client.call('visionModels.setLiveInspection', { enabled, model: model ? { name: model.name, version: model.version } : undefined, intervalMs }),
    onSuccess: (s) => queryClient.setQueryData(['visionModels', 'live'], s),
  })
  const s = status.data
  return (
    <section aria-label="Live inspection" className="vm-block">
      <h3>Inspect live</h3>
      <p className="muted">
        Each demo-camera frame goes through the model; pass/fail, class, score and the reject count are published as tags (historian records them, OEE can count
        rejects from Line1.Inspection.RejectCount).
      </p>
      <div className="vm-row">
        <ModelSelect models={list} value={model ? modelKey(model) : ''} onChange={setChosen} label="Inspection model" />
        <label>
          Every{' '}
          <input
            type="number"
            aria-label="Inspection interval (ms)"
            min={100}
            max={60000}
            step={100}
            value={intervalMs}
            onChange={(e) => setIntervalMs(Math.max(100, Math.min(60000, Number(e.target.value) || 1000)))}
          />{' '}
          ms
        </label>
        <label className="vm-switch">
          <input
            type="checkbox"
            role="switch"
            aria-label="Inspect live"
            checked={wanted ?? running}
            disabled={!model || toggle.isPending}
            onChange={(e) => {
              setWanted(e.target.checked)
              toggle.mutate(e.target.checked, { onSettled: () => setWanted(null) })
            }}
          />{' '}
          Inspect live
        </label>
      </div>
      {toggle.error && (
        <p role="alert" className="error-text">
          {toggle.error.message}
        </p>
      )}
      {s?.error && (
        <p role="alert" className="error-text">
          {s.error}
        </p>
      )}
      {s && (
        <div className="vm-cards" aria-label="Inspection counters">
          <div className="vm-card">
            <span className="muted">Inspected</span>
            <strong aria-label="Inspected">{s.inspected}</strong>
          </div>
          <div className="vm-card">
            <span className="muted">Rejects</span>
            <strong aria-label="Rejects">{s.rejects}</strong>
          </div>
          <div className="vm-card">
            <span className="muted">Last</span>
            <strong aria-label="Last result" className={s.last?.result === 'fail' ? 'vm-fail' : s.last ? 'vm-pass' : ''}>
              {s.last ? `${s.last.result.toUpperCase()} · ${s.last.className} · ${s.last.score.toFixed(2)}` : '—'}
            </strong>
            {s.last && <span className="muted">frame {s.last.frame}</span>}
          </div>
          <div className="vm-card">
            <span className="muted">Tags</span>
            <span className="vm-mono">{s.tags.join(' · ')}</span>
          </div>
        </div>
      )}
    </section>
  )
}

function ContextTags({ dataset }: { dataset: VisionDataset }): React.JSX.Element {
  const client = useClient()
  const queryClient = useQueryClient()
  const saved = useQuery({
    queryKey: queryKey('visionModels', 'contextTags', dataset.id),
    queryFn: () => client.call('visionModels.contextTags', { datasetId: dataset.id }),
  })
  const [tagIds, setTagIds] = useState<string[]>([])
  useEffect(() => setTagIds(saved.data?.tagIds ?? []), [saved.data])
  const [search, setSearch] = useState('')
  const found = useQuery({
    queryKey: queryKey('tags', 'search', search),
    queryFn: () => client.call('tags.list', { search, limit: 12 }),
    enabled: search.trim().length > 0,
  })
  const save = useMutation({
    mutationFn: () => client.call('visionModels.setContextTags', { datasetId: dataset.id, tagIds }),
    onSuccess: (s) => queryClient.setQueryData(['visionModels', 'contextTags', dataset.id], s),
  })
  const dirty = JSON.stringify(tagIds) !== JSON.stringify(saved.data?.tagIds ?? [])
  return (
    <section aria-label="Process context" className="vm-block">
      <h3>Process context of {dataset.name}</h3>
      <p className="muted">
        Each camera image keeps its capture time and a snapshot of these tags (machine, speed, temperature…), shown beside the image and exported with it.
      </p>
      <div className="vm-row">
        <input type="search" aria-label="Find a tag" placeholder="Find a tag, e.g. Filler.Speed" value={search} onChange={(e) => setSearch(e.target.value)} />
        {(found.data ?? [])
          .filter((t) => !tagIds.includes(t.id))
          .slice(0, 8)
          .map((t) => (
            <button key={t.id} type="button" onClick={() => setTagIds([...tagIds, t.id])} aria-label={`Add ${t.id}`}>
              + {t.id}
            </button>
          ))}
      </div>
      <ul className="vm-chips" aria-label="Context tags">
        {tagIds.length === 0 && <li className="muted">No tags chosen</li>}
        {tagIds.map((id) => (
          <li key={id}>
            {id}{' '}
            <button type="button" className="ghost" aria-label={`Remove ${id}`} onClick={() => setTagIds(tagIds.filter((t) => t !== id))}>
              ×
            </button>
          </li>
        ))}
      </ul>
      <button type="button" disabled={!dirty || save.isPending} onClick={() => save.mutate()}>
        Save context tags
      </button>
      {save.error && (
        <p role="alert" className="error-text">
          {save.error.message}
        </p>
      )}
    </section>
  )
}
