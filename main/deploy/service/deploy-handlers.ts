import type { ParsedInputOf } from '../../../preload/contract'
import type { DeployService } from './deploy-service'

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
    'deploy.history': (input: ParsedInputOf<'deploy.history'>) => service.history(input.targetId, input.limit),
    'deploy.rollback': (input: ParsedInputOf<'deploy.rollback'>) =>
      service.rollback(input.targetId, input.version, { driftChoice: input.driftChoice, ...input.options }),
  }
}
