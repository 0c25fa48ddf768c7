import { DataChangeFilter, DataChangeTrigger, DeadbandType, type MonitoringParametersOptions } from 'node-opcua'

export interface Deadband {
  /** absolute: in engineering units; percent: of the EURange span (the server needs EURange on the node). */
  type: 'absolute' | 'percent'
  value: number
}

export interface MonitoringSettings {
  samplingIntervalMs: number
  queueSize: number
  deadband?: Deadband
}

export const DEFAULT_MONITORING: MonitoringSettings = { samplingIntervalMs: 250, queueSize: 1 }

/** Items with equal settings share one CreateMonitoredItems request; this key groups them. */
export function monitoringKey(settings: MonitoringSettings): string {
  return `${settings.samplingIntervalMs}|${settings.queueSize}|${settings.deadband?.type ?? 'none'}|${settings.deadband?.value ?? 0}`
}

export function toMonitoringParameters(settings: MonitoringSettings): MonitoringParametersOptions {
  const filter = settings.deadband
    ? new DataChangeFilter({
        trigger: DataChangeTrigger.StatusValue,
        deadbandType: settings.deadband.type === 'percent' ? DeadbandType.Percent : DeadbandType.Absolute,
        deadbandValue: settings.deadband.value,
      })
    : null
  return { samplingInterval: settings.samplingIntervalMs, queueSize: settings.queueSize, discardOldest: true, filter }
}
