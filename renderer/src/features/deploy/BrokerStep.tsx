import { useState } from 'react'
import { useDeployDrafts } from './deploy-drafts'
import { useMutation, useQueryClient } from '@tanstack/react-query'
import type { BrokerApplyResult, BrokerChangeView, BrokerPlanView, DeployPlanView, DeployTarget } from '../../../../preload/contract'
import { useClient } from '../../app/client-context'
import { queryKey } from '../../bridge/queries'

const MARK = { added: '+', removed: '−', changed: '~' } as const

/**
 * Broker security for the gateway on Mosquitto's Dynamic Security plugin: a gateway client and role (publish its topics
 * only), a reader (the data check), optionally a cloud bridge. Plan (read the broker, nothing changes) → the changes →
 * apply exactly those → passwords shown once and sealed into the target.
 */
export function BrokerStep({ target, plan, onDone }: { target: DeployTarget; plan?: DeployPlanView; onDone(): void }): React.JSX.Element {
  const client = useClient()
  const queries = useQueryClient()
  const initial = { url: target.broker.url, adminUsername: 'admin', bridge: false }
  const draft = useDeployDrafts((s) => s.broker[target.id]) ?? initial
  const setBrokerDraft = useDeployDrafts((s) => s.setBroker)
  const { url, adminUsername, bridge } = draft
  const setUrl = (url: string): void => setBrokerDraft(target.id, { url }, initial)
  const setAdminUsername = (adminUsername: string): void => setBrokerDraft(target.id, { adminUsername }, initial)
  const setBridge = (bridge: boolean): void => setBrokerDraft(target.id, { bridge }, initial)
  const [adminPassword, setAdminPassword] = useState('')
  const [brokerPlan, setBrokerPlan] = useState<BrokerPlanView>()
  const [confirming, setConfirming] = useState(false)
  const [result, setResult] = useState<BrokerApplyResult>()
  const planBroker = useMutation({
    mutationFn: () =>
      client.call('deploy.brokerPlan', {
        targetId: target.id,
        broker: { url, adminUsername, adminPassword },
        bridge,
        ...(plan ? { planId: plan.planId } : {}),
      }),
    onSuccess: (planned) => {
      setBrokerPlan(planned)
      setResult(undefined)
      setConfirming(false)
      applyBroker.reset()
    },
  })
  const applyBroker = useMutation({
    mutationFn: (planned: BrokerPlanView) => client.call('deploy.brokerApply', { brokerPlanId: planned.brokerPlanId }),
    onSuccess: (applied) => {
      setResult(applied)
      setBrokerPlan(undefined)
      setConfirming(false)
      // The gateway's and the reader's logins are sealed into the target now.
      void queries.invalidateQueries({ queryKey: queryKey('deploy.targets') })
    },
    onError: () => {
      // A plan is used once: whatever the broker says, the next apply starts from a fresh read.
      setBrokerPlan(undefined)
      setConfirming(false)
    },
  })
  const changed = brokerPlan ? brokerPlan.changes.length : 0
  return (
    <section className="panel" aria-label="Broker security">
      <h2>Broker security for {target.deviceId}</h2>
      <p className="muted">
        Mosquitto 2 with the Dynamic Security plugin: the gateway may publish only its own topics, the workbench's reader may only subscribe to them. The admin
        login is used for this plan and its apply only; it is never stored.
      </p>
      <form
        aria-label="Broker admin"
        onSubmit={(event) => {
          event.preventDefault()
          planBroker.mutate()
        }}
      >
        <div className="form-grid">
          <label>
            Mosquitto URL
            <input type="text" value={url} onChange={(e) => setUrl(e.target.value)} required />
          </label>
          <label>
            Admin user
            <input type="text" value={adminUsername} onChange={(e) => setAdminUsername(e.target.value)} required autoComplete="off" />
          </label>
          <label>
            Admin password
            <input type="password" value={adminPassword} onChange={(e) => setAdminPassword(e.target.value)} required autoComplete="off" />
          </label>
        </div>
        <div className="toolbar">
          <label>
            <input type="checkbox" checked={bridge} onChange={(e) => setBridge(e.target.checked)} /> Also a cloud-bridge client (subscribe only)
          </label>
          <button type="submit" className="primary" disabled={planBroker.isPending || !adminPassword}>
            {planBroker.isPending ? 'Reading the broker…' : 'Plan broker security (nothing is changed)'}
          </button>
        </div>
      </form>
      {planBroker.error && (
        <p role="alert" className="error-text">
          {planBroker.error.message}
        </p>
      )}
      {brokerPlan && (
        <section className="diff" aria-label="Broker changes">
          <p className="muted small">
            For {brokerPlan.topics.length} topic(s) of {brokerPlan.source} on {brokerPlan.brokerUrl}
          </p>
          <p className="diff-counts">
            {(['added', 'changed', 'removed'] as const).map((kind) => (
              <span key={kind} className={`count count-${kind}`}>
                {brokerPlan.changes.filter((c) => c.change === kind).length} {kind}
              </span>
            ))}
          </p>
          {changed === 0 ? (
            <p className="muted">Nothing changes: the broker already has exactly these clients, roles and ACLs.</p>
          ) : (
            <ul className="diff-nodes">
              {brokerPlan.changes.map((change) => (
                <BrokerChangeEntry key={`${change.kind} ${change.name}`} change={change} />
              ))}
            </ul>
          )}
          {changed > 0 && (
            <div className="toolbar">
              {confirming ? (
                <>
                  <button type="button" className="primary" disabled={applyBroker.isPending} onClick={() => applyBroker.mutate(brokerPlan)}>
                    {applyBroker.isPending ? 'Applying…' : `Apply these ${changed} change(s) to ${brokerPlan.brokerUrl}`}
                  </button>
                  <button type="button" onClick={() => setConfirming(false)} disabled={applyBroker.isPending}>
                    Keep the broker as it is
                  </button>
                </>
              ) : (
                <button type="button" onClick={() => setConfirming(true)}>
                  Apply broker security…
                </button>
              )}
            </div>
          )}
        </section>
      )}
      {applyBroker.error && (
        <p role="alert" className="error-text">
          {applyBroker.error.message}
        </p>
      )}
      {result && <BrokerResult result={result} />}
      <div className="toolbar">
        <button type="button" onClick={onDone}>
          {plan ? 'Back to the diff' : 'Back to what to deploy'}
        </button>
      </div>
    </section>
  )
}

function BrokerChangeEntry({ change }: { change: BrokerChangeView }): React.JSX.Element {
  return (
    <li className={`diff-node diff-node-${change.change}`} aria-label={`${change.change} ${change.kind} ${change.name}`}>
      <div className="diff-summary">
        <span className={`diff-mark diff-${change.change}`} aria-hidden="true">
          {MARK[change.change]}
        </span>
        <span className="diff-type mono">{change.kind}</span> <span className="diff-name">{change.name}</span>{' '}
        <span className="muted small">{change.change}</span>
      </div>
      {(change.added.length > 0 || change.removed.length > 0) && (
        <pre className="diff-lines">
          {change.removed.map((line) => (
            <div key={`-${line}`} className="line-removed">
              − {line}
            </div>
          ))}
          {change.added.map((line) => (
            <div key={`+${line}`} className="line-added">
              + {line}
            </div>
          ))}
        </pre>
      )}
    </li>
  )
}

function BrokerResult({ result }: { result: BrokerApplyResult }): React.JSX.Element {
  const equal = result.readBack.length === 0
  return (
    <section aria-label="Broker result" className="broker-result">
      <p role="status" className={equal ? 'check-ok' : 'check-bad'}>
        Applied {result.changes.length} change(s); read back {equal ? 'equal to the plan' : `differs: ${result.readBack.length} change(s) left`}.
      </p>
      {result.passwords.length > 0 && (
        <>
          <p className="banner banner-warning">New passwords, shown this once — copy the ones you need elsewhere now.</p>
          <table className="verify-tags" aria-label="New passwords">
            <thead>
              <tr>
                <th>Client</th>
                <th>Password</th>
                <th>Kept</th>
              </tr>
            </thead>
            <tbody>
              {result.passwords.map((p) => (
                <tr key={p.username}>
                  <td className="mono">{p.username}</td>
                  <td className="mono">
                    <code>{p.password}</code>
                  </td>
                  <td>{p.sealed ? 'sealed into the target' : 'not stored: give it to the cloud bridge'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      {result.bridgeConf && (
        <details open>
          <summary>The tenant broker&apos;s mosquitto.conf section for the cloud bridge</summary>
          <pre className="diff-lines mono small">{result.bridgeConf}</pre>
        </details>
      )}
    </section>
  )
}
