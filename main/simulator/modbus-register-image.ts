// The Modbus view of the plant: every mapped bit and register, encoded from a snapshot per the signal catalog.
import type { MachineId, PlantSnapshot } from './plant-model'
import { SIGNALS, signalValue, type ModbusTable, type SignalDefinition } from './signals'

/** Thrown for an unmapped or read-only address; modbus-serial answers any error carrying modbusErrorCode with that exception. */
export class ModbusIllegalAddressError extends Error {
  readonly modbusErrorCode = 2
  constructor(message: string) {
    super(message)
    this.name = 'ModbusIllegalAddressError'
  }
}

export interface RegisterImage {
  /** Re-encodes every signal from the snapshot. */
  update(snapshot: PlantSnapshot): void
  readBit(table: 'co' | 'di', offset: number): boolean
  readRegister(table: 'ir' | 'hr', offset: number): number
  /** Writes one holding register; only writable signals (the speed setpoints) accept writes. */
  writeRegister(offset: number, value: number): void
  isMapped(table: ModbusTable, offset: number): boolean
}

export interface RegisterWriteTarget {
  signal: SignalDefinition
  engineeringValue: number
}

export function createRegisterImage(onWrite: (target: RegisterWriteTarget) => void): RegisterImage {
  const bits: Record<'co' | 'di', Map<number, boolean>> = { co: new Map(), di: new Map() }
  const registers: Record<'ir' | 'hr', Map<number, number>> = { ir: new Map(), hr: new Map() }
  const writableByOffset = new Map<number, SignalDefinition>()

  for (const signal of SIGNALS) {
    const { table, offset, registerCount } = signal.modbus
    if (table === 'co' || table === 'di') bits[table].set(offset, false)
    else for (let i = 0; i < registerCount; i++) registers[table].set(offset + i, 0)
    if (signal.access === 'read-write' && table === 'hr') writableByOffset.set(offset, signal)
  }

  const illegal = (table: ModbusTable, offset: number, why: string): ModbusIllegalAddressError =>
    new ModbusIllegalAddressError(`Demo plant Modbus: ${table}:${offset} ${why} (exception 2, illegal data address) — see main/simulator/REGISTER-MAP.md`)

  return {
    update(snapshot) {
      for (const signal of SIGNALS) {
        const value = signalValue(signal, snapshot.machines[signal.machine as MachineId])
        const { table, offset } = signal.modbus
        if (table === 'co' || table === 'di') {
          bits[table].set(offset, Boolean(value))
          continue
        }
        const words = encodeRegisters(signal, Number(value))
        words.forEach((word, i) => registers[table].set(offset + i, word))
      }
    },
    readBit(table, offset) {
      const value = bits[table].get(offset)
      if (value === undefined) throw illegal(table, offset, 'is not mapped')
      return value
    },
    readRegister(table, offset) {
      const value = registers[table].get(offset)
      if (value === undefined) throw illegal(table, offset, 'is not mapped')
      return value
    },
    writeRegister(offset, value) {
      const signal = writableByOffset.get(offset)
      if (!signal) {
        throw illegal('hr', offset, registers.hr.has(offset) ? 'is read-only (only the speed setpoints are writable)' : 'is not mapped')
      }
      onWrite({ signal, engineeringValue: decodeRegisters(signal, [value]) })
    },
    isMapped(table, offset) {
      return table === 'co' || table === 'di' ? bits[table].has(offset) : registers[table].has(offset)
    },
  }
}

/** Engineering value -> 16-bit words in the signal's type, scaling and byte order. */
export function encodeRegisters(signal: SignalDefinition, engineeringValue: number): number[] {
  const { type, byteOrder, scaling } = signal.modbus
  const raw = scaling
    ? scaling.rawLow + ((engineeringValue - scaling.engLow) * (scaling.rawHigh - scaling.rawLow)) / (scaling.engHigh - scaling.engLow)
    : engineeringValue
  const buffer = Buffer.alloc(4)
  switch (type) {
    case 'int16':
      buffer.writeInt16BE(clampRound(raw, -32768, 32767))
      return [buffer.readUInt16BE(0)]
    case 'uint16':
      buffer.writeUInt16BE(clampRound(raw, 0, 65535))
      return [buffer.readUInt16BE(0)]
    case 'int32':
      buffer.writeInt32BE(clampRound(raw, -2147483648, 2147483647))
      break
    case 'uint32':
      buffer.writeUInt32BE(clampRound(raw, 0, 4294967295))
      break
    case 'float32':
      buffer.writeFloatBE(raw)
      break
    case 'bool':
      throw new TypeError(`Demo plant Modbus: ${signal.id} is a bit, not a register`)
  }
  const high = buffer.readUInt16BE(0)
  const low = buffer.readUInt16BE(2)
  return byteOrder === 'CDAB' ? [low, high] : [high, low]
}

/** 16-bit words -> engineering value (the inverse of encodeRegisters). */
export function decodeRegisters(signal: SignalDefinition, words: number[]): number {
  const { type, byteOrder, scaling } = signal.modbus
  const buffer = Buffer.alloc(4)
  if (words.length === 2) {
    const [high, low] = byteOrder === 'CDAB' ? [words[1], words[0]] : [words[0], words[1]]
    buffer.writeUInt16BE(high, 0)
    buffer.writeUInt16BE(low, 2)
  } else {
    buffer.writeUInt16BE(words[0], 0)
  }
  const raw =
    type === 'int16'
      ? buffer.readInt16BE(0)
      : type === 'uint16'
        ? buffer.readUInt16BE(0)
        : type === 'int32'
          ? buffer.readInt32BE(0)
          : type === 'uint32'
            ? buffer.readUInt32BE(0)
            : buffer.readFloatBE(0)
  return scaling ? scaling.engLow + ((raw - scaling.rawLow) * (scaling.engHigh - scaling.engLow)) / (scaling.rawHigh - scaling.rawLow) : raw
}

function clampRound(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, Math.round(value)))
}
