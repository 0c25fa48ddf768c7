import { WorkbenchError, type ErrorCode } from '../../preload/contract'

/** The steps a deployment goes through; every error names the one it failed in. */
export type DeployStep =
  'sign in' | 'read flows' | 'read nodes' | 'install module' | 'plan' | 'apply' | 'read back' | 'health' | 'data check' | 'rollback' | 'broker'

/** A deployment failure that says which target, which step, what happened and what to do. */
export class DeployError extends WorkbenchError {
  constructor(
    code: ErrorCode,
    readonly target: string,
    readonly step: DeployStep,
    what: string,
    whatToDo: string,
    details?: Record<string, unknown>,
  ) {
    super(code, `${target} (${step}): ${what} — ${whatToDo}`, { target, step, ...details })
    this.name = 'DeployError'
  }
}
