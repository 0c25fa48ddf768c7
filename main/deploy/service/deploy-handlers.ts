import { WorkbenchError, type DeployProgressEvent, type ParsedInputOf } from '../../../preload/contract'
import type { StreamSink } from '../../ipc/handlers'
import { longTask } from '../../ipc/long-task'
import { DEPLOY_STEPS, type ApplyOptions, type DeployService, type DeployStepName } from './deploy-service'

const CANCELLED =
  'Cancelled: a cancel before the deploy changes nothing; after it the previous flows are deployed again, so the gateway runs what it ran before (see the history)'

/** Progress per step: done counts the steps before this one (install modules and restore only when they happen). */
function stepReporter(sink: StreamSink<DeployProgressEvent>): ApplyOptions['onStep'] {
  return (step: DeployStepName) => {
    const done = DEPLOY_STEPS.indexOf(step)
    sink.emit({ kind: 'progress', step, done, total: DEPLOY_STEPS.length - 1, rate: 0, etaMs: null })
  }
}

/**
 * Applies and rollbacks the UI started with a job id, so deploy.cancel can stop one while its stream stays open: the
 * person then hears the service's own account of it (nothing changed, or which version runs again), not a bare "cancelled".
 */
function deployJobs() {
  const running = new Map<string, AbortController>()
  return {
    cancel(jobId: string): { cancelled: boolean } {
      const job = running.get(jobId)
      job?.abort()
      return { cancelled: job !== undefined }
    },
    run(sink: StreamSink<DeployProgressEvent>, jobId: string | undefined, work: (signal: AbortSignal) => Promise<DeployProgressEvent>): () => void {
      return longTask(
        sink,
        async (closed) => {
          if (!jobId) return work(closed)
          // The same id again is the UI re-opening its stream after a reconnect: the old run (already told to stop) gives way.
          running.get(jobId)?.abort()
          const job = new AbortController()
          running.set(jobId, job)
          try {
            return await work(AbortSignal.any([closed, job.signal]))
          } catch (error) {
            if (job.signal.aborted && !(error instanceof WorkbenchError && error.code === 'CANCELLED')) throw new WorkbenchError('CANCELLED', CANCELLED)
            throw error
          } finally {
            if (running.get(jobId) === job) running.delete(jobId)
          }
        },
        { cancelledMessage: CANCELLED },
      )
    },
  }
}

/** The deploy.* channels of the contract, answered by one deploy service (inputs already parsed by main/ipc). */
export function deployHandlers(service: DeployService) {
  const jobs = deployJobs()
  return {
    'deploy.cancel': (input: ParsedInputOf<'deploy.cancel'>) => jobs.cancel(input.jobId),
    'deploy.brokerPlan': (input: ParsedInputOf<'deploy.brokerPlan'>) =>
      service.brokerPlan(input.targetId, input.broker, { bridge: input.bridge, planId: input.planId }),
    'deploy.brokerApply': (input: ParsedInputOf<'deploy.brokerApply'>) => service.brokerApply(input.brokerPlanId),
    'deploy.targets': () => service.targets(),
    'deploy.saveTarget': (input: ParsedInputOf<'deploy.saveTarget'>) => service.saveTarget(input),
    'deploy.removeTarget': (input: ParsedInputOf<'deploy.removeTarget'>) => {
      service.removeTarget(input.id)
      return { ok: true as const }
    },
    'deploy.plan': (input: ParsedInputOf<'deploy.plan'>) => service.plan(input.targetId, input.source),
    'deploy.apply': (input: ParsedInputOf<'deploy.apply'>) =>
      service.apply(input.planId, { driftChoice: input.driftChoice, installModules: input.installModules, ...input.options }),
    'deploy.applyWithProgress': (input: ParsedInputOf<'deploy.applyWithProgress'>, sink: StreamSink<DeployProgressEvent>) =>
      jobs.run(sink, input.jobId, async (signal) => ({
        kind: 'done' as const,
        version: await service.apply(input.planId, {
          driftChoice: input.driftChoice,
          installModules: input.installModules,
          ...input.options,
          signal,
          onStep: stepReporter(sink),
        }),
      })),
    'deploy.history': (input: ParsedInputOf<'deploy.history'>) => service.history(input.targetId, input.limit),
    'deploy.rollback': (input: ParsedInputOf<'deploy.rollback'>) =>
      service.rollback(input.targetId, input.version, { driftChoice: input.driftChoice, ...input.options }),
    'deploy.rollbackWithProgress': (input: ParsedInputOf<'deploy.rollbackWithProgress'>, sink: StreamSink<DeployProgressEvent>) =>
      jobs.run(sink, input.jobId, async (signal) => ({
        kind: 'done' as const,
        version: await service.rollback(input.targetId, input.version, {
          driftChoice: input.driftChoice,
          ...input.options,
          signal,
          onStep: stepReporter(sink),
        }),
      })),
  }
}
