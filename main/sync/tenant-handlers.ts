import { WorkbenchError, type InputOf } from '../../preload/contract'
import { TenantError } from '../deploy/tenant/tenant-connection'
import type { Handlers } from '../ipc/handlers'
import type { TenantService } from './tenant-service'

/** A tenant failure crosses the contract with its kind in details (unreachable, wrong-password, …). */
function guarded<I, O>(work: (input: I) => O | Promise<O>): (input: I) => Promise<O> {
  return async (input) => {
    try {
      return await work(input)
    } catch (error) {
      if (error instanceof TenantError) {
        const code = error.kind === 'database-missing' ? 'NOT_FOUND' : error.kind === 'other' ? 'INVALID_INPUT' : 'CONNECTION_FAILED'
        throw new WorkbenchError(code, error.message, { kind: error.kind })
      }
      throw error
    }
  }
}

/** The tenant.* and sync.* channels, answered by the tenant service. */
export function tenantHandlers(service: TenantService) {
  return {
    'tenant.getTarget': guarded(() => service.getTarget()),
    'tenant.setTarget': guarded((input: InputOf<'tenant.setTarget'>) => service.setTarget(input)),
    'tenant.removeTarget': guarded(() => service.removeTarget()),
    'tenant.test': guarded(() => service.test()),
    'tenant.plan': guarded(() => service.plan()),
    'tenant.provision': guarded((input: InputOf<'tenant.provision'>) => service.provision(input?.targetVersion)),
    'sync.status': guarded(() => service.syncStatus()),
    'sync.start': guarded(() => service.startSyncNow()),
    'sync.pause': guarded(() => service.pause()),
    'sync.resume': guarded(() => service.resume()),
    'sync.setRateLimit': guarded((input: InputOf<'sync.setRateLimit'>) => service.setRateLimit(input.rowsPerSecond)),
    'sync.backfill': guarded((input: InputOf<'sync.backfill'>) => service.backfill(input.range.from, input.range.to, input.tagIds)),
    'sync.retentionHeld': guarded(() => service.retentionHeld()),
    'sync.forceRetention': guarded((input: InputOf<'sync.forceRetention'>) => service.forceRetention(input.at, input.points)),
    'sync.reconcile': guarded((input: InputOf<'sync.reconcile'>) => service.reconcile(input.range.from, input.range.to, input.tagIds, input.resend)),
  } satisfies Partial<Handlers>
}
