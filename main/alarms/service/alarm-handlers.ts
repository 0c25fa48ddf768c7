import { WorkbenchError, type AlarmCount, type ParsedInputOf } from '../../../preload/contract'
import type { Handlers, StreamSink } from '../../ipc/handlers'
import { AlarmEngineError } from '..'
import { AlarmRulesError, type AlarmService } from './alarm-service'
import { AlarmTargetError } from './alarm-notifier'

/** Turns the alarm engine's and service's own errors into contract errors a person can act on. */
function guarded<I, O>(work: (input: I) => O | Promise<O>): (input: I) => Promise<O> {
  return async (input) => {
    try {
      return await work(input)
    } catch (error) {
      if (error instanceof AlarmEngineError) throw new WorkbenchError(error.kind === 'not-found' ? 'NOT_FOUND' : 'INVALID_INPUT', error.message)
      if (error instanceof AlarmTargetError) throw new WorkbenchError(error.kind === 'not-found' ? 'NOT_FOUND' : 'INVALID_INPUT', error.message)
      if (error instanceof AlarmRulesError) throw new WorkbenchError('INVALID_INPUT', error.message, { problems: error.problems })
      throw error
    }
  }
}

/** The alarms.* channels of the contract, answered by one alarm service. */
export function alarmHandlers(service: AlarmService) {
  return {
    'alarms.rules': guarded(() => service.rules()),
    'alarms.saveRule': guarded(async (input: ParsedInputOf<'alarms.saveRule'>) => service.saveRule(await service.prepareRule(input.rule), input.who)),
    'alarms.deleteRule': guarded((input: ParsedInputOf<'alarms.deleteRule'>) => ({ deleted: service.deleteRule(input.ruleId, input.who, input.comment) })),
    'alarms.active': guarded((input: ParsedInputOf<'alarms.active'>) => service.active(input)),
    'alarms.acknowledge': guarded((input: ParsedInputOf<'alarms.acknowledge'>) => ({
      acknowledged: service.acknowledge(input.ruleIds, input.who, input.comment),
    })),
    'alarms.shelve': guarded((input: ParsedInputOf<'alarms.shelve'>) => ({
      shelved: service.shelve(input.ruleIds, input.durationMs, input.who, input.comment),
    })),
    'alarms.suppress': guarded((input: ParsedInputOf<'alarms.suppress'>) => ({ rules: service.suppress(input.machine, input.suppressed, input.who) })),
    'alarms.journal': guarded((input: ParsedInputOf<'alarms.journal'>) => service.journal(input)),
    'alarms.exportJournal': guarded((input: ParsedInputOf<'alarms.exportJournal'>) => service.exportJournal(input)),
    'alarms.preview': guarded((input: ParsedInputOf<'alarms.preview'>) => service.preview(input.rule, input.hours, input.now)),
    'alarms.exportRules': guarded(() => ({ yaml: service.exportRules() })),
    'alarms.importRules': guarded(async (input: ParsedInputOf<'alarms.importRules'>) => {
      const ids = await service.importRules(input.yaml, input.who)
      return { imported: ids.length, ids }
    }),
    'alarms.targets': guarded(() => service.notifier.targets()),
    'alarms.saveTarget': guarded((input: ParsedInputOf<'alarms.saveTarget'>) => service.notifier.saveTarget(input.target, input.secret)),
    'alarms.deleteTarget': guarded((input: ParsedInputOf<'alarms.deleteTarget'>) => ({ deleted: service.notifier.deleteTarget(input.targetId) })),
    'alarms.sendTest': guarded((input: ParsedInputOf<'alarms.sendTest'>) => service.notifier.sendTest(input.targetId)),
    'alarms.deliveries': guarded((input: ParsedInputOf<'alarms.deliveries'>) => service.notifier.deliveries(input)),
    'alarms.count': (_input: ParsedInputOf<'alarms.count'>, sink: StreamSink<AlarmCount>) => {
      // At most one count per 200 ms: a burst of transitions is one update, not one scan of every rule each.
      let timer: NodeJS.Timeout | undefined
      sink.emit(countOf(service))
      const off = service.onChange(() => {
        timer ??= setTimeout(() => {
          timer = undefined
          sink.emit(countOf(service))
        }, COUNT_COALESCE_MS)
      })
      return () => {
        off()
        clearTimeout(timer)
      }
    },
  } satisfies Partial<Handlers>
}

const COUNT_COALESCE_MS = 200

function countOf(service: AlarmService): AlarmCount {
  const alarms = service.active()
  const withShelved = service.active({ includeShelved: true })
  return {
    shelved: withShelved.length - alarms.length,
    active: alarms.filter((a) => a.state === 'active-unacknowledged' || a.state === 'active-acknowledged').length,
    unacknowledged: alarms.filter((a) => a.state === 'active-unacknowledged' || a.state === 'cleared-unacknowledged').length,
  }
}
