import { describe, expect, it } from 'vitest'
import { createRegisterImage, decodeRegisters, encodeRegisters, ModbusIllegalAddressError } from './modbus-register-image'
import { createPlantModel } from './plant-model'
import { findSignal } from './signals'

const signal = (id: string) => {
  const found = findSignal(id)
  if (!found) throw new Error(`no signal ${id}`)
  return found
}

describe('Modbus register encoding', () => {
  it('puts the high word first for ABCD and last for CDAB', () => {
    expect(encodeRegisters(signal('Line1.Filler.Speed'), 1.5)).toEqual([0x3fc0, 0x0000])
    expect(encodeRegisters(signal('Line1.Filler.Vibration'), 1.5)).toEqual([0x0000, 0x3fc0])
    expect(encodeRegisters(signal('Line1.Filler.GoodCount'), 0x12345678)).toEqual([0x5678, 0x1234])
    expect(encodeRegisters(signal('Line1.Filler.RejectCount'), 0x12345678)).toEqual([0x1234, 0x5678])
  })

  it('scales and signs 16-bit values', () => {
    expect(encodeRegisters(signal('Line1.Labeler.GlueTemperature'), 165.34)).toEqual([1653])
    expect(encodeRegisters(signal('Line1.Labeler.GlueTemperature'), -5)).toEqual([0xffce])
    expect(decodeRegisters(signal('Line1.Labeler.GlueTemperature'), [0xffce])).toBe(-5)
    expect(encodeRegisters(signal('Line1.Capper.MotorCurrent'), 5.43)).toEqual([543])
  })

  it('round-trips every register type', () => {
    for (const [id, value] of [
      ['Line1.Capper.Speed', 312.5],
      ['Line1.Capper.CycleTime', 187.25],
      ['Line1.Capper.GoodCount', 4_000_000_000],
      ['Line1.Capper.RejectCount', 123_456],
      ['Line1.Capper.State', 5],
    ] as const) {
      expect(decodeRegisters(signal(id), encodeRegisters(signal(id), value))).toBe(value)
    }
  })
})

describe('register image', () => {
  it('throws exception 2 for unmapped and read-only addresses and forwards setpoint writes', () => {
    const model = createPlantModel({ seed: 1 })
    const writes: number[] = []
    const image = createRegisterImage(({ engineeringValue }) => writes.push(engineeringValue))
    image.update(model.snapshot())
    expect(image.readRegister('hr', 104)).toBe(320)
    expect(() => image.readRegister('hr', 5)).toThrow(ModbusIllegalAddressError)
    expect(() => image.readBit('co', 3)).toThrow(/co:3 is not mapped/)
    expect(() => image.writeRegister(0, 1)).toThrow(/read-only/)
    try {
      image.readRegister('ir', 10)
    } catch (error) {
      expect(error).toMatchObject({ modbusErrorCode: 2 })
    }
    image.writeRegister(204, 333)
    expect(writes).toEqual([333])
  })
})
