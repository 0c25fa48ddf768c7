import { CounterSet, TrafficLog, type Counters, type TrafficFormat } from '../traffic-diagnostics'

// What Modbus puts into the shared traffic log and counters (main/connectors/traffic-diagnostics.ts): the unit id and
// function code of each frame, and exceptions and CRC errors beside requests, responses and timeouts.

export type ModbusFrameFields = { unitId: number; functionCode: number }

export const MODBUS_TRAFFIC_FORMAT: TrafficFormat<ModbusFrameFields> = {
  name: 'modbus',
  columns: [
    { key: 'unitId', label: 'Unit', csv: 'unit' },
    { key: 'functionCode', label: 'FC', csv: 'function' },
  ],
  describe: (f) => `unit ${f.unitId} FC${f.functionCode}`,
}

export const MODBUS_COUNTER_LABELS = { exceptions: 'Exceptions', crcErrors: 'CRC errors' } as const
export type ModbusCounterKind = keyof typeof MODBUS_COUNTER_LABELS
export type ModbusCounters = Counters<ModbusCounterKind>
export type ModbusCounterSet = CounterSet<ModbusCounterKind>
export type ModbusTrafficLog = TrafficLog<ModbusFrameFields>

export const modbusCounterSet = (): ModbusCounterSet => new CounterSet<ModbusCounterKind>(['exceptions', 'crcErrors'])
export const modbusTrafficLog = (capacity?: number): ModbusTrafficLog => new TrafficLog(MODBUS_TRAFFIC_FORMAT, capacity)
