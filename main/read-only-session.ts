import { type ChannelName, WorkbenchError } from '../preload/contract'
import type { Handlers } from './ipc/handlers'

/**
 * What an imported session refuses: every channel that would reach a device, record into the session or change what
 * it holds (connections, writes, method calls, stop coding, settings, alarm rules). Reading, OEE, trends and the report
 * work as on the recording machine.
 */
export const READ_ONLY_REFUSED = [
  'connections.add',
  'connections.update',
  'connections.remove',
  'connections.addTags',
  'connections.removeTags',
  'connections.updateTag',
  'connections.connect',
  'connections.arm',
  'connections.callMethod',
  'writes.prepare',
  'writes.commit',
  'tags.csvImport',
  'mqtt.rebirth',
  'modbus.scanRange',
  'modbus.scanUnits',
  'modbus.monitor',
  'modbus.monitorWrite',
  'oee.code',
  'oee.comment',
  'oee.editReasons',
  'oee.merge',
  'oee.split',
  'oee.saveCalendar',
  'oee.saveLines',
  'oee.saveNoDataTime',
  'oee.saveRules',
  'history.setRetention',
  'history.setTagConfig',
  'sync.forceRetention',
  'tenant.removeTarget',
  'alarms.saveRule',
  'alarms.deleteRule',
  'alarms.importRules',
  'alarms.acknowledge',
  'alarms.shelve',
  'alarms.suppress',
  'alarms.saveTarget',
  'alarms.deleteTarget',
  'deploy.addDemoLine',
] as const satisfies readonly ChannelName[]

const WHAT: Partial<Record<(typeof READ_ONLY_REFUSED)[number], string>> = {
  'writes.prepare': 'no value is written to a device',
  'writes.commit': 'no value is written to a device',
  'modbus.monitorWrite': 'no value is written to a device',
  'connections.callMethod': 'no method is called on a device',
  'oee.code': 'stops are not coded or edited',
  'oee.comment': 'stops are not coded or edited',
  'oee.merge': 'stops are not merged or split',
  'oee.split': 'stops are not merged or split',
}

/** The handlers of an imported session: the refused channels answer with why, the rest is untouched. */
export function readOnlyHandlers(handlers: Handlers, importedFrom: string): Handlers {
  const wrapped = { ...handlers } as Record<string, unknown>
  for (const channel of READ_ONLY_REFUSED) {
    const what = WHAT[channel] ?? 'nothing in it is changed, connected or recorded'
    wrapped[channel] = () => {
      throw new WorkbenchError(
        'READ_ONLY',
        `This is an imported session (from ${importedFrom}), analysed read-only: ${what} (${channel}). Work on the recording machine, or import the bundle into a workstation's own data folder to record anew.`,
      )
    }
  }
  return wrapped as Handlers
}
