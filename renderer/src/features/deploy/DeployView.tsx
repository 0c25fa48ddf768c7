import { useEffect, useState } from 'react'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import type { DeployPlanView, DeployTarget, DeployVersion, VerifyReport } from '../../../../preload/contract'
import { useClient } from '../../app/client-context'
import { DiffView } from './DiffView'
import { TargetForm } from './TargetForm'
import './deploy.css'
import { TenantPanel } from './TenantPanel'
import { queryKey } from '../../bridge/queries'

const STEPS = ['Target', 'What', 'Diff', 'Apply', 'Verify'] as const
type Step = (typeof STEPS)[number]

/** The deploy wizard: target → what → diff → apply → verify, and the target's history with rollback. */
export function DeployView(): React.JSX.Element {
  const client = useClient()
  const targets = useQuery({ queryKey: queryKey('deploy.targets'), queryFn: () => client.call('deploy.targets') })
  const [targetId, setTargetId] = useState<string>()
  const [editing, setEditing] = useState<DeployTarget | 'new'>()
  const [step, setStep] = useState<Step>('Target')
  const [plan, setPlan] = useState<DeployPlanView>()
  const [result, setResult] = useState<DeployVersion>()
  const [chosen, setChosen] = useState<string[]>([])
  const target = targets.data?.find((t) => t.id === targetId)
  useEffect(() => {
    if (!targetId && targets.data?.length) setTargetId(targets.data[0]!.id)
  }, [targetId, targets.data])
  const reached: Record<Step, boolean> = { Target: true, What: Boolean(target), Diff: Boolean(plan), Apply: Boolean(plan), Verify: Boolean(result) }

  return (
    <div className="page deploy-view">
      <h1>Deploy</h1>
      <p className="lead">
        Turn the workbench's tags into a running Node-RED gateway: see every change before it happens, verify with the data itself, go back.
      </p>
      <ol className="wizard-steps" aria-label="Deploy steps">
        {STEPS.map((name, index) => (
          <li key={name}>
            <button
              type="button"
              className={step === name ? 'active' : undefined}
              aria-current={step === name ? 'step' : undefined}
              disabled={!reached[name]}
              onClick={() => setStep(name)}
            >
              {index + 1}. {name}
            </button>
          </li>
        ))}
      </ol>
      <div className="deploy-columns">
        <div className="deploy-main">
          {step === 'Target' && (
            <section className="panel" aria-label="Choose a target">
              <h2>Gateway</h2>
              {targets.data?.length === 0 && !editing && <p className="muted">No gateway yet: add the Node-RED instance you deploy to.</p>}
              {(targets.data ?? []).length > 0 && (
                <ul className="target-list" role="radiogroup" aria-label="Targets">
                  {targets.data!.map((t) => (
                    <li key={t.id}>
                      <label>
                        <input type="radio" name="deploy-target" checked={t.id === targetId} onChange={() => setTargetId(t.id)} /> <strong>{t.name}</strong>{' '}
                        <span className="muted mono">{t.url}</span>
                        {t.auth.kind === 'none' && <span className="count count-changed">no login</span>}
                      </label>
                    </li>
                  ))}
                </ul>
              )}
              {editing ? (
                <TargetForm
                  existing={editing === 'new' ? undefined : editing}
                  onSaved={(saved) => {
                    setTargetId(saved.id)
                    setEditing(undefined)
                  }}
                  onCancel={() => setEditing(undefined)}
                />
              ) : (
                <div className="toolbar">
                  <button type="button" onClick={() => setEditing('new')}>
                    New target…
                  </button>
                  {target && (
                    <button type="button" onClick={() => setEditing(target)}>
                      Edit {target.name}
                    </button>
                  )}
                  <button type="button" className="primary" disabled={!target} onClick={() => setStep('What')}>
                    Next: what to deploy
                  </button>
                </div>
              )}
            </section>
          )}
          {step === 'What' && target && (
            <WhatStep
              target={target}
              chosen={chosen}
              setChosen={setChosen}
              onPlanned={(planned) => {
                setPlan(planned)
                setResult(undefined)
                setStep('Diff')
              }}
            />
          )}
          {(step === 'Diff' || step === 'Apply') && target && plan && (
            <DiffStep
              target={target}
              plan={plan}
              onApplied={(version) => {
                setResult(version)
                setPlan(undefined)
                setStep('Verify')
              }}
              onReplan={() => setStep('What')}
            />
          )}
          {step === 'Verify' && result && <VersionResult version={result} />}
        </div>
        {target && <History target={target} onRolledBack={(version) => (setResult(version), setStep('Verify'))} />}
      </div>
      <TenantPanel />
    </div>
  )
}

function WhatStep({
  target,
  chosen,
  setChosen,
  onPlanned,
}: {
  target: DeployTarget
  /** Kept by the wizard, so planning again after an apply starts from the same choice. */
  chosen: string[]
  setChosen: React.Dispatch<React.SetStateAction<string[]>>
  onPlanned(plan: DeployPlanView): void
}): React.JSX.Element {
  const client = useClient()
  const queries = useQueryClient()
  const managed = useQuery({ queryKey: queryKey('connections.managed'), queryFn: () => client.call('connections.managed') })
  const deployable = (managed.data ?? []).filter((c) => c.kind === 'modbus-tcp' || c.kind === 'opcua' || c.kind === 's7' || c.kind === 'mqtt')
  const [flowText, setFlowText] = useState('')
  const [source, setSource] = useState<'connections' | 'flow'>('connections')
  const demoLine = useMutation({
    mutationFn: () => client.call('deploy.addDemoLine'),
    onSuccess: async (added) => {
      await queries.invalidateQueries({ queryKey: queryKey('connections.managed') })
      setChosen((list) => (list.includes(added.connectionId) ? list : [...list, added.connectionId]))
    },
  })
  const plan = useMutation({
    mutationFn: () =>
      client.call('deploy.plan', {
        targetId: target.id,
        source: source === 'flow' ? { kind: 'flow', json: flowText } : { kind: 'connections', connectionIds: chosen },
      }),
    onSuccess: onPlanned,
  })
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
          {deployable.length === 0 && <p className="muted">No Modbus TCP or OPC UA connection yet.</p>}
          <ul className="target-list" aria-label="Connections to deploy">
            {deployable.map((c) => (
              <li key={c.id}>
                <label>
                  <input
                    type="checkbox"
                    checked={chosen.includes(c.id)}
                    onChange={(e) => setChosen((list) => (e.target.checked ? [...list, c.id] : list.filter((id) => id !== c.id)))}
                  />{' '}
                  {String(c.config.name)}{' '}
                  <span className="muted">
                    ({c.kind}, {c.tags.length} tags)
                  </span>
                </label>
              </li>
            ))}
          </ul>
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
        <label className="flow-file">
          Flow file (Node-RED export JSON)
          <textarea value={flowText} onChange={(e) => setFlowText(e.target.value)} rows={10} spellCheck={false} />
        </label>
      )}
      {plan.error && (
        <p role="alert" className="error-text">
          {plan.error.message}
        </p>
      )}
      <div className="toolbar">
        <button
          type="button"
          className="primary"
          disabled={plan.isPending || (source === 'connections' ? chosen.length === 0 : flowText.trim() === '')}
          onClick={() => plan.mutate()}
        >
          {plan.isPending ? 'Reading the gateway…' : 'Plan (nothing is changed)'}
        </button>
      </div>
    </section>
  )
}

function DiffStep({
  target,
  plan,
  onApplied,
  onReplan,
}: {
  target: DeployTarget
  plan: DeployPlanView
  onApplied(version: DeployVersion): void
  onReplan(): void
}): React.JSX.Element {
  const client = useClient()
  const queries = useQueryClient()
  const [driftChoice, setDriftChoice] = useState<'keep-theirs' | 'overwrite' | 'cancel'>()
  const apply = useMutation({
    mutationFn: () => client.call('deploy.apply', { planId: plan.planId, driftChoice }),
    onSuccess: (version) => {
      void queries.invalidateQueries({ queryKey: queryKey('deploy.history', target.id) })
      onApplied(version)
    },
  })
  const nothing = plan.diff.nodes.length === 0 && !plan.drift
  return (
    <section className="panel" aria-label="Plan">
      <h2>
        Diff for {target.name} <span className="muted small">({plan.tags.length} tags)</span>
      </h2>
      {plan.warnings.map((warning) => (
        <p key={warning} className="banner banner-warning">
          {warning}
        </p>
      ))}
      {plan.missingModules.length > 0 && <p className="banner banner-warning">Installed on the gateway first: {plan.missingModules.join(', ')}</p>}
      {plan.drift && (
        <div className="banner banner-error drift" role="group" aria-label="Drift">
          <strong>Changed on the gateway since the last deploy from here.</strong> Choose what to do before applying:
          <DiffView diff={plan.drift} label="Drift" />
          <div className="toolbar" role="radiogroup" aria-label="Drift choice">
            {(
              [
                ['keep-theirs', 'Keep theirs (their edited nodes stay)'],
                ['overwrite', 'Overwrite with the plan'],
                ['cancel', 'Cancel'],
              ] as const
            ).map(([value, text]) => (
              <label key={value}>
                <input type="radio" name="drift" checked={driftChoice === value} onChange={() => setDriftChoice(value)} /> {text}
              </label>
            ))}
          </div>
        </div>
      )}
      <DiffView diff={plan.diff} label="Changes" />
      {apply.error && (
        <p role="alert" className="error-text">
          {apply.error.message}
        </p>
      )}
      <div className="toolbar">
        <button
          type="button"
          className="primary"
          disabled={apply.isPending || (plan.drift !== null && (driftChoice === undefined || driftChoice === 'cancel'))}
          onClick={() => apply.mutate()}
        >
          {apply.isPending ? 'Applying and verifying…' : nothing ? 'Apply anyway and verify' : 'Apply and verify'}
        </button>
        <button type="button" onClick={onReplan} disabled={apply.isPending}>
          Plan again
        </button>
      </div>
      {apply.isPending && (
        <p className="muted" role="status">
          Deploying with the revision the plan was made against, then reading back, watching node health and comparing the published values with direct reads.
        </p>
      )}
    </section>
  )
}

function VerifyChecks({ verify }: { verify: VerifyReport }): React.JSX.Element {
  const row = (name: string, ok: boolean | undefined, detail: string) => (
    <tr>
      <th scope="row">{name}</th>
      <td className={ok === undefined ? 'muted' : ok ? 'check-ok' : 'check-bad'}>{ok === undefined ? 'not run' : ok ? 'passed' : 'failed'}</td>
      <td>{detail}</td>
    </tr>
  )
  return (
    <>
      <table className="verify-table" aria-label="Verification">
        <tbody>
          {row(
            'Read back',
            verify.readBack?.ok,
            verify.readBack ? (verify.readBack.ok ? 'what runs equals the plan' : `${verify.readBack.differences.nodes.length} node(s) differ`) : '',
          )}
          {row(
            'Health',
            verify.health?.ok,
            verify.health
              ? verify.health.ok
                ? (verify.health.connecting?.length ?? 0) > 0
                  ? `no node in error; ${verify.health.connecting!.length} still waiting for their client`
                  : 'no node in error'
                : verify.health.problems.map((p) => `${p.name ?? p.id}: ${p.problem}`).join('; ')
              : '',
          )}
          {row(
            'Data',
            verify.data?.ok,
            verify.data ? `${verify.data.tags.filter((t) => t.agreed).length} of ${verify.data.tags.length} tags arrived and agree with direct reads` : '',
          )}
        </tbody>
      </table>
      {verify.data && verify.data.tags.length > 0 && (
        <details>
          <summary>Per tag</summary>
          <table className="verify-tags">
            <thead>
              <tr>
                <th>Tag</th>
                <th>Messages</th>
                <th>Gateway</th>
                <th>Direct</th>
                <th>Result</th>
              </tr>
            </thead>
            <tbody>
              {verify.data.tags.map((t) => (
                <tr key={t.tagId}>
                  <td className="mono">{t.tagId}</td>
                  <td className="num">{t.messages}</td>
                  <td className="num">{formatSample(t.gatewayValue)}</td>
                  <td className="num">{formatSample(t.directValue)}</td>
                  <td className={t.agreed ? 'check-ok' : 'check-bad'}>{t.agreed ? 'agrees' : t.problem}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      )}
    </>
  )
}

const formatSample = (value: unknown): string =>
  typeof value === 'number' ? String(Math.round(value * 1000) / 1000) : value === undefined ? '—' : String(value)

function VersionResult({ version }: { version: DeployVersion }): React.JSX.Element {
  const ok = version.status === 'verified' || version.status === 'applied'
  return (
    <section className="panel" aria-label="Result">
      <h2>
        v{version.version} {version.kind}: <span className={ok ? 'check-ok' : 'check-bad'}>{version.status}</span>
      </h2>
      <p role="status">{version.verify?.message ?? 'Applied without verification.'}</p>
      {version.rolledBackTo !== undefined && (
        <p className="banner banner-error">The verification failed, so v{version.rolledBackTo} was deployed again by itself.</p>
      )}
      {version.verify && <VerifyChecks verify={version.verify} />}
    </section>
  )
}

function History({ target, onRolledBack }: { target: DeployTarget; onRolledBack(version: DeployVersion): void }): React.JSX.Element {
  const client = useClient()
  const queries = useQueryClient()
  const history = useQuery({ queryKey: queryKey('deploy.history', target.id), queryFn: () => client.call('deploy.history', { targetId: target.id }) })
  const [confirming, setConfirming] = useState<number>()
  const rollback = useMutation({
    mutationFn: (version: number) => client.call('deploy.rollback', { targetId: target.id, version, driftChoice: 'overwrite' }),
    onSuccess: (version) => {
      setConfirming(undefined)
      void queries.invalidateQueries({ queryKey: queryKey('deploy.history', target.id) })
      onRolledBack(version)
    },
  })
  const versions = history.data ?? []
  return (
    <aside className="panel deploy-history" aria-label="History">
      <h2>History of {target.name}</h2>
      {versions.length === 0 && <p className="muted">Nothing deployed yet.</p>}
      <ol className="history-list">
        {versions.map((v) => (
          <li key={v.id} aria-label={`v${v.version}`}>
            <div>
              <strong>v{v.version}</strong> {v.kind}{' '}
              <span className={v.status === 'verified' || v.status === 'applied' ? 'check-ok' : 'check-bad'}>{v.status}</span>
            </div>
            <div className="muted small">
              {new Date(v.createdAt).toLocaleString()} · {v.user} · {v.summary}
            </div>
            <div className="small">
              <span className="count count-added">+{v.diff.added}</span> <span className="count count-changed">~{v.diff.changed}</span>{' '}
              <span className="count count-removed">−{v.diff.removed}</span>
            </div>
            {v.version !== versions[0]?.version &&
              (confirming === v.version ? (
                <div className="toolbar">
                  <button type="button" className="primary" disabled={rollback.isPending} onClick={() => rollback.mutate(v.version)}>
                    {rollback.isPending ? 'Rolling back…' : `Deploy v${v.version} again`}
                  </button>
                  <button type="button" onClick={() => setConfirming(undefined)}>
                    Keep
                  </button>
                </div>
              ) : (
                <button type="button" onClick={() => setConfirming(v.version)}>
                  Roll back to v{v.version}
                </button>
              ))}
          </li>
        ))}
      </ol>
      {rollback.error && (
        <p role="alert" className="error-text">
          {rollback.error.message}
        </p>
      )}
    </aside>
  )
}
