import { useState } from 'react'
import type { VisionDataset } from '../../../../../preload/contract'
import { EvaluationTab } from './EvaluationTab'
import { LiveTab } from './LiveTab'
import { PrelabelTab } from './PrelabelTab'
import { RegistryTab } from './RegistryTab'
import './models.css'

const TABS = ['Registry', 'Pre-label & review', 'Evaluation', 'Live & context'] as const
type Tab = (typeof TABS)[number]

/** Vision models: registry, pre-labels and their review, evaluation, live inspection and process context. */
export function ModelsPanel({ dataset }: { dataset: VisionDataset | null }): React.JSX.Element {
  const [tab, setTab] = useState<Tab>('Registry')
  const needsDataset = tab === 'Pre-label & review' || tab === 'Evaluation'
  return (
    <section className="panel vm-panel" aria-label="Models">
      <header className="vm-row">
        <h2>Models</h2>
        <div role="tablist" aria-label="Model tasks" className="vm-tabs">
          {TABS.map((t, i) => (
            <button
              key={t}
              type="button"
              role="tab"
              aria-selected={tab === t}
              className={tab === t ? 'active' : ''}
              tabIndex={tab === t ? 0 : -1}
              onClick={() => setTab(t)}
              onKeyDown={(e) => {
                if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return
                const next = TABS[(i + (e.key === 'ArrowRight' ? 1 : TABS.length - 1)) % TABS.length]
                setTab(next)
                ;(e.currentTarget.parentElement?.children[TABS.indexOf(next)] as HTMLElement | undefined)?.focus()
              }}
            >
              {t}
            </button>
          ))}
        </div>
        {dataset && <span className="muted">on dataset {dataset.name}</span>}
      </header>
      <div role="tabpanel" aria-label={tab}>
        {needsDataset && !dataset ? (
          <p className="muted">Create a dataset first.</p>
        ) : tab === 'Registry' ? (
          <RegistryTab />
        ) : tab === 'Pre-label & review' ? (
          <PrelabelTab key={dataset!.id} dataset={dataset!} />
        ) : tab === 'Evaluation' ? (
          <EvaluationTab key={dataset!.id} dataset={dataset!} />
        ) : (
          <LiveTab dataset={dataset} />
        )}
      </div>
    </section>
  )
}
