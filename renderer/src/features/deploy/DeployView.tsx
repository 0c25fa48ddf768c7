import { useEffect, useState } from 'react'
import { useQuery } from '@tanstack/react-query'
import type { DeployPlanView, DeployTarget, DeployVersion, VerifyReport } from '../../../../preload/contract'
import { useClient } from '../../app/client-context'
import { BrokerStep } from './BrokerStep'
import { DeployProgress, deployBusy, useDeployRun, type DeployRunRequest } from './DeployProgress'
import { DiffView } from './DiffView'
import { TargetForm } from './TargetForm'
import './deploy.css'
import { TenantPanel } from './TenantPanel'
import { WhatStep, type DeployChoice } from './WhatStep'
import { queryKey } from '../../bridge/queries'

const STEPS = ['Target', 'What', 'Diff', 'Broker', 'Apply', 'Verify'] as const
type Step = (typeof STEPS)[number]

/** The deploy wizard: target → what → diff (→ broker) → apply → verify, and the target's history with rollback. */
export function DeployView(): React.JSX.Element {
  const client = useClient()
  const targets = useQuery({ queryKey: queryKey('deploy.targets'), queryFn: () => client.call('deploy.targets') })
  const [targetId, setTargetId] = useState<string>()
  const [editing, setEditing] = useState<DeployTarget | 'new'>()
  const [step, setStep] = useState<Step>('Target')
  const [plan, setPlan] = useState<DeployPlanView>()
  const [result, setResult] = useState<DeployVersion>()
  const [choice, setChoice] = useState<DeployChoice>({ connections: [], tags: {} })
  const target = targets.data?.find((t) => t.id === targetId)
  useEffect(() => {
    if (!targetId && targets.data?.length) setTargetId(targets.data[0]!.id)
  }, [targetId, targets.data])
  const deploy = useDeployRun((version) => {
    setResult(version)
    setPlan(undefined)
    setStep('Verify')
  })
  const busy = deployBusy(deploy.run)
  const start = (request: DeployRunRequest): void => {
    setResult(undefined)
    // An apply uses its plan up: whatever happens, the next deploy starts from a fresh plan.
    if (request.kind === 'apply') {
      setPlan(undefined)
      setStep('What')
    }
    deploy.start(request)
  }
  const reached: Record<Step, boolean> = {
    Target: true,
    What: Boolean(target),
    Diff: Boolean(plan),
    Broker: Boolean(target),
    Apply: Boolean(plan),
    Verify: Boolean(result),
  }

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
              disabled={!reached[name] || busy}
              onClick={() => setStep(name)}
            >
              {index + 1}. {name}
            </button>
          </li>
        ))}
      </ol>
      <div className="deploy-columns">
        <div className="deploy-main">
          <DeployProgress run={deploy.run} onCancel={deploy.cancel} onDismiss={deploy.dismiss} />
          {!busy && step === 'Target' && (
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
          {!busy && step === 'What' && target && (
            <WhatStep
              target={target}
              choice={choice}
              setChoice={setChoice}
              onPlanned={(planned) => {
                setPlan(planned)
                setResult(undefined)
                setStep('Diff')
              }}
            />
          )}
          {!busy && (step === 'Diff' || step === 'Apply') && target && plan && (
            <DiffStep
              target={target}
              plan={plan}
              onApply={(driftChoice) =>
                start({
                  kind: 'apply',
                  targetId: target.id,
                  input: { planId: plan.planId, driftChoice },
                  installsModules: plan.missingModules.length > 0,
                  what: `Applying to ${target.name}`,
                })
              }
              onBroker={() => setStep('Broker')}
              onReplan={() => setStep('What')}
            />
          )}
          {!busy && step === 'Broker' && target && <BrokerStep target={target} plan={plan} onDone={() => setStep(plan ? 'Diff' : 'What')} />}
          {!busy && step === 'Verify' && result && <VersionResult version={result} />}
        </div>
        {target && (
          <History
            target={target}
            busy={busy}
            onRollback={(version) =>
              start({
                kind: 'rollback',
                targetId: target.id,
                input: { targetId: target.id, version, driftChoice: 'overwrite' },
                what: `Rolling ${target.name} back to v${version}`,
              })
            }
          />
        )}
      </div>
      <TenantPanel />
    </div>
  )
}

function DiffStep({
  target,
  plan,
  onApply,
  onBroker,
  onReplan,
}: {
  target: DeployTarget
  plan: DeployPlanView
  onApply(driftChoice: 'keep-theirs' | 'overwrite' | undefined): void
  onBroker(): void
  onReplan(): void
}): React.JSX.Element {
  const [driftChoice, setDriftChoice] = useState<'keep-theirs' | 'overwrite' | 'cancel'>()
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
      <div className="toolbar">
        <button
          type="button"
          className="primary"
          disabled={plan.drift !== null && (driftChoice === undefined || driftChoice === 'cancel')}
          onClick={() => onApply(driftChoice === 'cancel' ? undefined : driftChoice)}
        >
          {nothing ? 'Apply anyway and verify' : 'Apply and verify'}
        </button>
        <button type="button" onClick={onReplan}>
          Plan again
        </button>
        {plan.tags.length > 0 && (
          <button type="button" onClick={onBroker}>
            Broker security for these topics…
          </button>
        )}
      </div>
      <p className="muted small">
        Deploys with the revision this plan was made against (a change since is refused: plan again), then reads back, watches node health and compares the
        published values with direct reads; every step shows its progress and can be cancelled.
      </p>
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

function History({ target, busy, onRollback }: { target: DeployTarget; busy: boolean; onRollback(version: number): void }): React.JSX.Element {
  const client = useClient()
  const history = useQuery({ queryKey: queryKey('deploy.history', target.id), queryFn: () => client.call('deploy.history', { targetId: target.id }) })
  const [confirming, setConfirming] = useState<number>()
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
                  <button
                    type="button"
                    className="primary"
                    disabled={busy}
                    onClick={() => {
                      setConfirming(undefined)
                      onRollback(v.version)
                    }}
                  >
                    Deploy v{v.version} again
                  </button>
                  <button type="button" onClick={() => setConfirming(undefined)}>
                    Keep
                  </button>
                </div>
              ) : (
                <button type="button" onClick={() => setConfirming(v.version)} disabled={busy}>
                  Roll back to v{v.version}
                </button>
              ))}
          </li>
        ))}
      </ol>
    </aside>
  )
}
