import { describe, expect, it } from 'vitest'
import { describeTransport, formatModbusEndpoint, parseModbusEndpoint } from './modbus-endpoint'

describe('parseModbusEndpoint', () => {
  it('reads TCP, RTU over TCP and serial RTU URLs', () => {
    expect(parseModbusEndpoint('modbus://127.0.0.1:5020?unit=3')).toEqual({ unitId: 3, transport: { kind: 'tcp', host: '127.0.0.1', port: 5020 } })
    expect(parseModbusEndpoint('modbus+tcp://plc.local')).toEqual({ unitId: 1, transport: { kind: 'tcp', host: 'plc.local', port: 502 } })
    expect(parseModbusEndpoint('modbus+rtu-tcp://10.0.0.5:4001?unit=17').transport).toEqual({ kind: 'rtu-over-tcp', host: '10.0.0.5', port: 4001 })
    expect(parseModbusEndpoint('modbus+rtu:///dev/ttyUSB0?baud=19200&parity=even&unit=5')).toEqual({
      unitId: 5,
      transport: { kind: 'rtu', path: '/dev/ttyUSB0', baudRate: 19200, parity: 'even', dataBits: 8, stopBits: 1 },
    })
  })

  it('round-trips through formatModbusEndpoint and names the far end for messages', () => {
    for (const url of [
      'modbus://127.0.0.1:5020?unit=1',
      'modbus+rtu-tcp://gw:4001?unit=9',
      'modbus+rtu:///dev/ttyS1?baud=9600&parity=none&dataBits=8&stopBits=2&unit=2',
    ]) {
      expect(formatModbusEndpoint(parseModbusEndpoint(url))).toBe(url)
    }
    expect(describeTransport(parseModbusEndpoint('modbus+rtu:///dev/ttyUSB0?baud=19200&parity=even').transport)).toBe('/dev/ttyUSB0 19200 8E1')
  })

  it('says what is wrong and what a good URL looks like', () => {
    expect(() => parseModbusEndpoint('http://x')).toThrow(/not a Modbus URL — use modbus:\/\/host:502\?unit=1/)
    expect(() => parseModbusEndpoint('modbus://x?unit=300')).toThrow(/unit=300 is not a whole number in 0..255/)
    expect(() => parseModbusEndpoint('modbus+rtu:///dev/ttyUSB0?parity=weird')).toThrow(/parity "weird"/)
  })
})
