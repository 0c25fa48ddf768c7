import { describe, expect, it } from 'vitest'
import { backoffDelay } from '../reconnect-backoff'
import { crc16, frame, readRequestPdu, writeCoilsPdu } from './modbus-frames'
import { toHex } from '../traffic-diagnostics'
import { modbusTrafficLog } from './modbus-diagnostics'

describe('frames', () => {
  it('builds the RTU frame of "read 10 holding registers at 0" with the textbook CRC', () => {
    expect(toHex(frame('rtu', 1, readRequestPdu(3, 0, 10), 0))).toBe('01 03 00 00 00 0A C5 CD')
    expect(crc16(Uint8Array.from([1, 3, 0, 0, 0, 10]))).toBe(0xcdc5)
  })

  it('builds the TCP frame with the MBAP header and packs coils LSB first', () => {
    expect(toHex(frame('tcp', 1, readRequestPdu(3, 0, 10), 0x1234))).toBe('12 34 00 00 00 06 01 03 00 00 00 0A')
    expect(writeCoilsPdu(19, [true, false, true, true, false, false, true, true, true, false])).toEqual([15, 0, 19, 0, 10, 2, 0xcd, 0x01])
  })
})

describe('TrafficLog', () => {
  it('keeps the last frames only, oldest first', () => {
    const log = modbusTrafficLog(3)
    for (let i = 0; i < 5; i++) log.add({ time: 0, direction: 'tx', unitId: 1, functionCode: 3, hex: String(i), result: 'sent' })
    expect(log.entries().map((f) => [f.seq, f.hex])).toEqual([
      [3, '2'],
      [4, '3'],
      [5, '4'],
    ])
  })
})

describe('backoffDelay', () => {
  it('doubles from 1 s up to 30 s', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 20].map((n) => backoffDelay(n))).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000])
  })
})
