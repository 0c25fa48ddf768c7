// The one catalog of demo-plant signals: what each server exposes, and what clients subscribe to.
import { MACHINE_IDS, type MachineId, type MachineSnapshot } from './plant-model'

export const ISA95 = {
  enterprise: 'Acme',
  site: 'Plant1',
  area: 'Packaging',
  line: 'Line1',
} as const

/** Namespace index of the simulator's own OPC UA namespace (the server's first, private namespace). */
export const OPCUA_NAMESPACE_INDEX = 1
export const OPCUA_APPLICATION_URI = 'urn:ot-workbench:demo-plant'
export const MODBUS_UNIT_ID = 1
/** First 0-based offset of each machine's block, in every Modbus table; the gaps between blocks are unmapped. */
export const MODBUS_MACHINE_BASE: Readonly<Record<MachineId, number>> = { Filler: 0, Capper: 100, Labeler: 200 }

/** Same vocabulary as main/tags (data types, byte orders, tables, linear scaling). */
export type SignalDataType = 'bool' | 'int32' | 'uint32' | 'float64'
export type ModbusTable = 'co' | 'di' | 'ir' | 'hr'
export type ModbusValueType = 'bool' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'float32'
export type ModbusByteOrder = 'ABCD' | 'CDAB'
export type OpcUaDataType = 'Boolean' | 'Int32' | 'UInt32' | 'Double'

export interface LinearScaling {
  rawLow: number
  rawHigh: number
  engLow: number
  engHigh: number
}

export interface ModbusLocation {
  unitId: number
  table: ModbusTable
  /** 0-based protocol offset, as sent on the wire. */
  offset: number
  /** 1-based Modicon number, e.g. 30003 or 40001. */
  modicon: string
  type: ModbusValueType
  /** Order of the bytes of multi-register values; 16-bit values and bits are always ABCD (big endian). */
  byteOrder: ModbusByteOrder
  registerCount: number
  /** Raw register value to engineering units; absent means the raw value is the engineering value. */
  scaling?: LinearScaling
}

export interface SignalDefinition {
  /** Stable id, e.g. `Line1.Filler.Speed`; also the OPC UA string identifier. */
  id: string
  machine: MachineId
  /** Short name inside the machine, e.g. `Speed`. */
  name: string
  displayName: string
  description: string
  isa95: {
    enterprise: string
    site: string
    area: string
    line: string
    machine: MachineId
    /** `Acme/Plant1/Packaging/Line1/Filler` */
    path: string
  }
  dataType: SignalDataType
  /** Engineering unit ('' for codes, counts use 'bottles'). */
  unit: string
  range: { low: number; high: number }
  access: 'read' | 'read-write'
  /** Field of the model's MachineSnapshot the value comes from. */
  modelField: keyof MachineSnapshot
  opcua: { nodeId: string; browseName: string; dataType: OpcUaDataType; analog: boolean }
  modbus: ModbusLocation
  mqtt: { topic: string; field: string; qos: 0 }
}

interface SignalTemplate {
  name: string
  description: string
  dataType: SignalDataType
  unit: string
  range: { low: number; high: number }
  access?: 'read-write'
  modelField: keyof MachineSnapshot
  opcuaDataType: OpcUaDataType
  analog: boolean
  modbus: { table: ModbusTable; relativeOffset: number; type: ModbusValueType; byteOrder?: ModbusByteOrder; scaling?: LinearScaling }
}

const TEMPERATURE_BY_MACHINE: Readonly<Record<MachineId, { name: string; description: string; high: number }>> = {
  Filler: { name: 'ProductTemperature', description: 'Product temperature in the filler bowl', high: 50 },
  Capper: { name: 'HeadTemperature', description: 'Capping head temperature', high: 100 },
  Labeler: { name: 'GlueTemperature', description: 'Hot-melt glue temperature at the glue roller', high: 250 },
}

function templatesFor(machine: MachineId): SignalTemplate[] {
  const temperature = TEMPERATURE_BY_MACHINE[machine]
  return [
    {
      name: 'State',
      description: 'Machine state: 1 Running, 2 Idle, 3 Starved, 4 Blocked, 5 Faulted, 6 Planned stop, 7 Setup',
      dataType: 'int32',
      unit: '',
      range: { low: 1, high: 7 },
      modelField: 'state',
      opcuaDataType: 'Int32',
      analog: false,
      modbus: { table: 'ir', relativeOffset: 0, type: 'uint16' },
    },
    {
      name: 'FaultCode',
      description: 'Active fault code, 0 = none (1xx Filler, 2xx Capper, 3xx Labeler)',
      dataType: 'int32',
      unit: '',
      range: { low: 0, high: 999 },
      modelField: 'faultCode',
      opcuaDataType: 'Int32',
      analog: false,
      modbus: { table: 'ir', relativeOffset: 1, type: 'uint16' },
    },
    {
      name: 'Speed',
      description: 'Actual machine speed',
      dataType: 'float64',
      unit: 'bpm',
      range: { low: 0, high: 500 },
      modelField: 'speedBpm',
      opcuaDataType: 'Double',
      analog: true,
      modbus: { table: 'ir', relativeOffset: 2, type: 'float32', byteOrder: 'ABCD' },
    },
    {
      name: temperature.name,
      description: temperature.description,
      dataType: 'float64',
      unit: '°C',
      range: { low: 0, high: temperature.high },
      modelField: 'temperatureC',
      opcuaDataType: 'Double',
      analog: true,
      modbus: { table: 'ir', relativeOffset: 4, type: 'int16', scaling: { rawLow: 0, rawHigh: 10, engLow: 0, engHigh: 1 } },
    },
    {
      name: 'MotorCurrent',
      description: 'Main drive motor current',
      dataType: 'float64',
      unit: 'A',
      range: { low: 0, high: 50 },
      modelField: 'motorCurrentA',
      opcuaDataType: 'Double',
      analog: true,
      modbus: { table: 'ir', relativeOffset: 5, type: 'uint16', scaling: { rawLow: 0, rawHigh: 100, engLow: 0, engHigh: 1 } },
    },
    {
      name: 'Vibration',
      description: 'Main drive bearing vibration velocity (RMS, ISO 10816)',
      dataType: 'float64',
      unit: 'mm/s',
      range: { low: 0, high: 20 },
      modelField: 'vibrationMmS',
      opcuaDataType: 'Double',
      analog: true,
      modbus: { table: 'ir', relativeOffset: 6, type: 'float32', byteOrder: 'CDAB' },
    },
    {
      name: 'CycleTime',
      description: 'Actual cycle time per bottle (0 while stopped)',
      dataType: 'float64',
      unit: 'ms',
      range: { low: 0, high: 2000 },
      modelField: 'cycleTimeMs',
      opcuaDataType: 'Double',
      analog: true,
      modbus: { table: 'ir', relativeOffset: 8, type: 'float32', byteOrder: 'CDAB' },
    },
    {
      name: 'GoodCount',
      description: 'Good bottles since start (never decreases)',
      dataType: 'uint32',
      unit: 'bottles',
      range: { low: 0, high: 4294967295 },
      modelField: 'goodCount',
      opcuaDataType: 'UInt32',
      analog: false,
      modbus: { table: 'hr', relativeOffset: 0, type: 'uint32', byteOrder: 'CDAB' },
    },
    {
      name: 'RejectCount',
      description: 'Rejected bottles since start (never decreases)',
      dataType: 'uint32',
      unit: 'bottles',
      range: { low: 0, high: 2147483647 },
      modelField: 'rejectCount',
      opcuaDataType: 'UInt32',
      analog: false,
      modbus: { table: 'hr', relativeOffset: 2, type: 'int32', byteOrder: 'ABCD' },
    },
    {
      name: 'SpeedSetpoint',
      description: 'Speed setpoint (writable; clamped to 60..400/420/450 bpm by machine)',
      dataType: 'float64',
      unit: 'bpm',
      range: { low: 0, high: 500 },
      access: 'read-write',
      modelField: 'speedSetpointBpm',
      opcuaDataType: 'Double',
      analog: true,
      modbus: { table: 'hr', relativeOffset: 4, type: 'uint16' },
    },
    {
      name: 'Running',
      description: 'Running bit: true only in state 1 Running',
      dataType: 'bool',
      unit: '',
      range: { low: 0, high: 1 },
      modelField: 'running',
      opcuaDataType: 'Boolean',
      analog: false,
      modbus: { table: 'co', relativeOffset: 0, type: 'bool' },
    },
    {
      name: 'Faulted',
      description: 'Fault bit: true only in state 5 Faulted',
      dataType: 'bool',
      unit: '',
      range: { low: 0, high: 1 },
      modelField: 'faulted',
      opcuaDataType: 'Boolean',
      analog: false,
      modbus: { table: 'di', relativeOffset: 0, type: 'bool' },
    },
    {
      name: 'VibrationAlarm',
      description: 'Vibration above 4.5 mm/s (ISO 10816 class II zone C)',
      dataType: 'bool',
      unit: '',
      range: { low: 0, high: 1 },
      modelField: 'vibrationAlarm',
      opcuaDataType: 'Boolean',
      analog: false,
      modbus: { table: 'di', relativeOffset: 1, type: 'bool' },
    },
  ]
}

const MODICON_PREFIX: Record<ModbusTable, number> = { co: 0, di: 1, ir: 3, hr: 4 }

/** 1-based 5-digit Modicon number: offset 0 of the input registers is 30001. */
export function modiconNumber(table: ModbusTable, offset: number): string {
  return String(MODICON_PREFIX[table] * 10_000 + offset + 1).padStart(5, '0')
}

export function registerCountOf(type: ModbusValueType): number {
  return type === 'int32' || type === 'uint32' || type === 'float32' ? 2 : type === 'bool' ? 0 : 1
}

/** MQTT topic prefix of a machine, ISA-95 levels in lower case: `acme/plant1/packaging/line1/filler`. */
export function machineTopicBase(machine: MachineId): string {
  return [ISA95.enterprise, ISA95.site, ISA95.area, ISA95.line, machine].map((level) => level.toLowerCase()).join('/')
}

export function machineTopics(machine: MachineId): { telemetry: string; status: string } {
  const base = machineTopicBase(machine)
  return { telemetry: `${base}/telemetry`, status: `${base}/status` }
}

/** `device_id` in MQTT payloads: `line1-filler`. */
export function machineDeviceId(machine: MachineId): string {
  return `${ISA95.line}-${machine}`.toLowerCase()
}

export function mqttFieldName(signalName: string): string {
  return signalName.charAt(0).toLowerCase() + signalName.slice(1)
}

function buildSignal(machine: MachineId, template: SignalTemplate): SignalDefinition {
  const id = `${ISA95.line}.${machine}.${template.name}`
  const offset = MODBUS_MACHINE_BASE[machine] + template.modbus.relativeOffset
  return {
    id,
    machine,
    name: template.name,
    displayName: `${machine} ${template.name.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase()}`,
    description: template.description,
    isa95: { ...ISA95, machine, path: [ISA95.enterprise, ISA95.site, ISA95.area, ISA95.line, machine].join('/') },
    dataType: template.dataType,
    unit: template.unit,
    range: template.range,
    access: template.access ?? 'read',
    modelField: template.modelField,
    opcua: {
      nodeId: `ns=${OPCUA_NAMESPACE_INDEX};s=${id}`,
      browseName: template.name,
      dataType: template.opcuaDataType,
      analog: template.analog,
    },
    modbus: {
      unitId: MODBUS_UNIT_ID,
      table: template.modbus.table,
      offset,
      modicon: modiconNumber(template.modbus.table, offset),
      type: template.modbus.type,
      byteOrder: template.modbus.byteOrder ?? 'ABCD',
      registerCount: registerCountOf(template.modbus.type),
      ...(template.modbus.scaling ? { scaling: template.modbus.scaling } : {}),
    },
    mqtt: { topic: machineTopics(machine).telemetry, field: mqttFieldName(template.name), qos: 0 },
  }
}

/** Every signal of the demo plant, machine by machine in line order. */
export const SIGNALS: readonly SignalDefinition[] = Object.freeze(
  MACHINE_IDS.flatMap((machine) => templatesFor(machine).map((template) => Object.freeze(buildSignal(machine, template)))),
)

const SIGNALS_BY_ID = new Map(SIGNALS.map((signal) => [signal.id, signal]))

export function findSignal(id: string): SignalDefinition | undefined {
  return SIGNALS_BY_ID.get(id)
}

export function signalsOf(machine: MachineId): SignalDefinition[] {
  return SIGNALS.filter((signal) => signal.machine === machine)
}

/** Engineering value of a signal in a snapshot (booleans stay booleans). */
export function signalValue(signal: SignalDefinition, snapshot: MachineSnapshot): number | boolean {
  const value = snapshot[signal.modelField]
  if (typeof value === 'boolean' || typeof value === 'number') return value
  throw new TypeError(`Demo plant: signal ${signal.id} maps to non-numeric model field "${String(signal.modelField)}"`)
}
