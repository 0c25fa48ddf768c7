import type { DeployProgressEvent, ParsedInputOf } from '../../../preload/contract'
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

/** The deploy.* channels of the contract, answered by one deploy service (inputs already parsed by main/ipc). */
export function deployHandlers(service: DeployService) {
  return {
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
      longTask(
        sink,
        async (signal) => ({
          kind: 'done' as const,
          version: await service.apply(input.planId, {
            driftChoice: input.driftChoice,
            installModules: input.installModules,
            ...input.options,
            signal,
            onStep: stepReporter(sink),
          }),
        }),
        { cancelledMessage: CANCELLED },
      ),
    'deploy.history': (input: ParsedInputOf<'deploy.history'>) => service.history(input.targetId, input.limit),
    'deploy.rollback': (input: ParsedInputOf<'deploy.rollback'>) =>
      service.rollback(input.targetId, input.version, { driftChoice: input.driftChoice, ...input.options }),
    'deploy.rollbackWithProgress': (input: ParsedInputOf<'deploy.rollbackWithProgress'>, sink: StreamSink<DeployProgressEvent>) =>
      longTask(
        sink,
        async (signal) => ({
          kind: 'done' as const,
          version: await service.rollback(input.targetId, input.version, {
            driftChoice: input.driftChoice,
            ...input.options,
            signal,
            onStep: stepReporter(sink),
          }),
        }),
        { cancelledMessage: CANCELLED },
      ),
  }
}
