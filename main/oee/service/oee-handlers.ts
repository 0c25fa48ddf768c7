import { WorkbenchError, type InputOf } from '../../../preload/contract'
import { DowntimeEventError, ReasonTreeError } from '..'
import type { OeeService } from './oee-service'
import { OeeSettingsError } from './oee-settings'
import type { Handlers } from '../../ipc/handlers'

/** Turns the engine's own errors into contract errors a person can act on (thrown, or rejected by an async call). */
function guarded<I, O>(work: (input: I) => O | Promise<O>): (input: I) => Promise<O> {
  return async (input) => {
    try {
      return await work(input)
    } catch (error) {
      if (error instanceof OeeSettingsError) throw new WorkbenchError('INVALID_INPUT', error.message, { problems: error.problems })
      if (error instanceof DowntimeEventError || error instanceof ReasonTreeError) {
        throw new WorkbenchError(error.kind === 'not-found' ? 'NOT_FOUND' : 'INVALID_INPUT', error.message)
      }
      throw error
    }
  }
}

/** The oee.* channels of the contract, answered by one OEE service. */
export function oeeHandlers(service: OeeService) {
  return {
    'oee.report': guarded((input: InputOf<'oee.report'>) => service.report({ ...input, by: input.by ?? 'shift' })),
    'oee.events': guarded((input: InputOf<'oee.events'>) => service.listEvents(input)),
    'oee.code': guarded((input: InputOf<'oee.code'>) => service.code(input.eventIds, input.reason, input.who)),
    'oee.comment': guarded((input: InputOf<'oee.comment'>) => service.comment(input.eventId, input.text, input.who)),
    'oee.split': guarded((input: InputOf<'oee.split'>) => service.split(input.eventId, input.at, input.who)),
    'oee.merge': guarded((input: InputOf<'oee.merge'>) => service.merge(input.eventIds, input.who)),
    'oee.reasons': guarded(() => service.reasons()),
    'oee.history': guarded((input: InputOf<'oee.history'>) => service.history(input.eventId)),
    'oee.settings': guarded(() => service.settings()),
    'oee.saveLines': guarded((input: InputOf<'oee.saveLines'>) => service.saveLines(input.lines, input.who)),
    'oee.saveCalendar': guarded((input: InputOf<'oee.saveCalendar'>) => service.saveCalendar(input.calendar, input.who)),
    'oee.saveNoDataTime': guarded((input: InputOf<'oee.saveNoDataTime'>) => service.saveNoDataTime(input.noDataTime, input.who)),
    'oee.saveRules': guarded((input: InputOf<'oee.saveRules'>) => service.saveRules(input.rules, input.who)),
    'oee.editReasons': guarded((input: InputOf<'oee.editReasons'>) => service.editReasons(input.edit, input.who)),
    'oee.ranges': guarded((input: InputOf<'oee.ranges'>) => service.ranges(input?.now)),
    'oee.pareto': guarded((input: InputOf<'oee.pareto'>) => service.pareto(input)),
  } satisfies Partial<Handlers>
}
