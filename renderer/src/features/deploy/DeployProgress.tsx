import { useEffect, useRef, useState } from 'react'
import { useQueryClient } from '@tanstack/react-query'
import type { DEPLOY_STEP_NAMES, DeployVersion, InputOf } from '../../../../preload/contract'
import { useClient } from '../../app/client-context'
import type { HostError } from '../../bridge/client'
import { queryKey } from '../../bridge/queries'

export type DeployStepName = (typeof DEPLOY_STEP_NAMES)[number]

/** What runs: an apply of a plan or a rollback to a version, with the steps it is expected to go through. */
export type DeployRunRequest =
  | { kind: 'apply'; targetId: string; input: InputOf<'deploy.applyWithProgress'>; installsModules: boolean; what: string }
  | { kind: 'rollback'; targetId: string; input: InputOf<'deploy.rollbackWithProgress'>; what: string }

export type DeployRun =
  | { phase: 'idle' }
  | {
      phase: 'running' | 'cancelling'
      what: string
      steps: DeployStepName[]
      current?: DeployStepName
      /** A failed verification deploys the previous version again on its own: the steps start over. */
      rollingBack: boolean
    }
  /** Cancelled: the host's own account of what the gateway runs now. */
  | { phase: 'cancelled'; what: string; message: string; stepAtCancel?: DeployStepName }
  | { phase: 'failed'; what: string; message: string }

const newJobId = (): string => `deploy-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`
export const deployBusy = (run: DeployRun): boolean => run.phase === 'running' || run.phase === 'cancelling'

/**
 * An apply or a rollback as a stream with a job id: each step as it starts, and a cancel that waits for the host to say
 * what the gateway was left running (nothing changed before the deploy; after it the previous flows go back first).
 */
export function useDeployRun(onDone: (version: DeployVersion) => void): {
  run: DeployRun
  start(request: DeployRunRequest): void
  cancel(): void
  dismiss(): void
} {
  const client = useClient()
  const queries = useQueryClient()
  const [run, setRun] = useState<DeployRun>({ phase: 'idle' })
  const job = useRef<{ id: string; close: () => void; cancelAsked: boolean; step?: DeployStepName } | null>(null)
  const done = useRef(onDone)
  done.current = onDone
  // Leaving the view closes the stream, which cancels on the host the same way.
  useEffect(() => () => job.current?.close(), [])
  return {
    run,
    start(request) {
      const jobId = newJobId()
      const steps: DeployStepName[] = [
        ...(request.kind === 'apply' && request.installsModules ? (['install modules'] as const) : []),
        'deploy',
        'read back',
        'health',
        'data check',
      ]
      const current = { id: jobId, close: () => undefined as void, cancelAsked: false, step: undefined as DeployStepName | undefined }
      job.current = current
      setRun({ phase: 'running', what: request.what, steps, rollingBack: false })
      const refresh = (): void => void queries.invalidateQueries({ queryKey: queryKey('deploy.history', request.targetId) })
      const onEvent = (event: { kind: 'progress'; step: DeployStepName } | { kind: 'done'; version: DeployVersion }): void => {
        if (event.kind === 'done') {
          job.current = null
          setRun({ phase: 'idle' })
          refresh()
          done.current(event.version)
          return
        }
        const before = current.step
        current.step = event.step
        setRun((r) => {
          if (r.phase !== 'running' && r.phase !== 'cancelling') return r
          const steps = event.step === 'restore previous version' && !r.steps.includes(event.step) ? [...r.steps, event.step] : r.steps
          // A step that comes again after a later one: the verification failed and the previous version goes back.
          const again = before !== undefined && steps.indexOf(event.step) < steps.indexOf(before) && event.step !== 'restore previous version'
          return { ...r, steps, current: event.step, rollingBack: r.rollingBack || again }
        })
      }
      const onEnd = (error?: HostError): void => {
        if (!error) return
        job.current = null
        refresh()
        if (error.code === 'CANCELLED') setRun({ phase: 'cancelled', what: request.what, message: error.message, stepAtCancel: current.step })
        else setRun({ phase: 'failed', what: request.what, message: error.message })
      }
      current.close =
        request.kind === 'apply'
          ? client.subscribe('deploy.applyWithProgress', { ...request.input, jobId }, onEvent, onEnd)
          : client.subscribe('deploy.rollbackWithProgress', { ...request.input, jobId }, onEvent, onEnd)
    },
    cancel() {
      const current = job.current
      if (!current || current.cancelAsked) return
      current.cancelAsked = true
      setRun((r) => (r.phase === 'running' ? { ...r, phase: 'cancelling' } : r))
      client.call('deploy.cancel', { jobId: current.id }).catch((error: unknown) => {
        // Closing the stream cancels too, but then no word comes back on what the gateway runs: say so.
        current.close()
        if (job.current === current) job.current = null
        setRun({
          phase: 'failed',
          what: 'Cancel',
          message: `The cancel was not confirmed (${error instanceof Error ? error.message : String(error)}) — the deploy was told to stop; check the history for what the gateway runs`,
        })
      })
    },
    dismiss() {
      if (!deployBusy(run)) setRun({ phase: 'idle' })
    },
  }
}

const STEP_LABELS: Record<DeployStepName, string> = {
  'install modules': 'Install modules',
  deploy: 'Deploy',
  'read back': 'Read back',
  health: 'Health',
  'data check': 'Data check',
  'restore previous version': 'Restore previous version',
}

/** The named steps with a bar, the one that runs now, and Cancel (also Esc) while it runs; afterwards what was left running. */
export function DeployProgress({ run, onCancel, onDismiss }: { run: DeployRun; onCancel(): void; onDismiss(): void }): React.JSX.Element | null {
  const cancelButton = useRef<HTMLButtonElement>(null)
  const busy = deployBusy(run)
  useEffect(() => {
    if (busy) cancelButton.current?.focus()
  }, [busy])
  if (run.phase === 'idle') return null
  if (run.phase === 'cancelled' || run.phase === 'failed') {
    return (
      <section className="panel deploy-progress" aria-label="Deploy outcome">
        <h2>
          {run.what}: <span className="check-bad">{run.phase === 'cancelled' ? 'cancelled' : 'failed'}</span>
        </h2>
        <p role="alert" className={run.phase === 'cancelled' ? 'banner banner-warning' : 'banner banner-error'}>
          {run.message}
        </p>
        {run.phase === 'cancelled' && (
          <p className="muted">The history shows every version the gateway ran, the restored one included. Plan again to deploy.</p>
        )}
        <div className="toolbar">
          <button type="button" onClick={onDismiss}>
            Close
          </button>
        </div>
      </section>
    )
  }
  const index = run.current ? run.steps.indexOf(run.current) : -1
  return (
    <section
      className="panel deploy-progress"
      aria-label="Deploy progress"
      aria-busy="true"
      onKeyDown={(event) => {
        if (event.key === 'Escape') onCancel()
      }}
    >
      <h2>{run.what}</h2>
      <progress aria-label="Deploy progress" value={Math.max(0, index)} max={run.steps.length} />
      <ol className="deploy-progress-steps" aria-label="Steps">
        {run.steps.map((step, i) => {
          const state = i < index ? 'done' : i === index ? 'running' : 'waiting'
          return (
            <li key={step} className={`progress-step progress-step-${state}`} aria-current={state === 'running' ? 'step' : undefined}>
              <span className="progress-step-mark" aria-hidden="true">
                {state === 'done' ? '✓' : state === 'running' ? '●' : '○'}
              </span>{' '}
              {STEP_LABELS[step]} <span className="muted small">{state}</span>
            </li>
          )
        })}
      </ol>
      <p className="muted" role="status">
        {run.phase === 'cancelling'
          ? run.current === undefined || run.current === 'install modules' || run.current === 'deploy'
            ? 'Cancelling: stopping before anything changes on the gateway, or putting the previous flows back if the deploy went through…'
            : 'Cancelling: deploying the previous flows again, so the gateway runs what it ran before…'
          : run.rollingBack
            ? 'The verification failed: the previous version is being deployed again and verified the same way.'
            : run.current
              ? `${STEP_LABELS[run.current]}…`
              : 'Starting…'}
      </p>
      <div className="toolbar">
        <button ref={cancelButton} type="button" onClick={onCancel} disabled={run.phase === 'cancelling'}>
          {run.phase === 'cancelling' ? 'Cancelling…' : 'Cancel deploy'}
        </button>
      </div>
    </section>
  )
}
