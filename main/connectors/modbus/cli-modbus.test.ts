import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { REGISTER_MAP, startPymodbusServer, type PymodbusServer } from './fixtures/pymodbus-server'
import { runModbusRead, runModbusScan, runModbusWrite, type CliIo } from './cli-modbus'

let py: PymodbusServer
let url: string

beforeAll(async () => {
  py = await startPymodbusServer()
  url = `modbus://127.0.0.1:${py.tcpPort}?unit=1`
})

afterAll(async () => {
  await py?.stop()
})

function capture(): CliIo & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    stdout: (s: string) => void (io.out += s),
    stderr: (s: string) => void (io.err += s),
  }
  return io
}

const entry = (name: string) => REGISTER_MAP.values.find((e) => e.name === name)!

describe('otw read', () => {
  it('reads a float32 CDAB by Modicon number and shows the raw words', async () => {
    const io = capture()
    const modicon = String(40001 + entry('float32_CDAB').offset)
    expect(await runModbusRead(url, [modicon, '--type', 'float32', '--order', 'CDAB'], io)).toBe(0)
    expect(io.out).toBe(`${modicon} (hr:${entry('float32_CDAB').offset})  float32 CDAB  -1.5  [0x0000 0xBFC0]\n`)
  })

  it('reads several consecutive values as JSON, 64-bit values exactly', async () => {
    const io = capture()
    const first = entry('int64_DCBA')
    expect(await runModbusRead(url, [`hr:${first.offset}`, '--type', 'int64', '--order', 'HGFEDCBA', '--count', '1', '--json'], io)).toBe(0)
    expect(JSON.parse(io.out)[0]).toMatchObject({ address: String(40001 + first.offset), value: first.value, byteOrder: 'DCBA' })
    const coils = capture()
    expect(await runModbusRead(url, ['00001', '--count', '4', '--json'], coils)).toBe(0)
    expect(JSON.parse(coils.out).map((v: { value: boolean }) => v.value)).toEqual(REGISTER_MAP.coils.bits.slice(0, 4).map((b) => b === 1))
  })

  it('explains a device exception with exit 1 and bad usage with exit 2', async () => {
    const io = capture()
    expect(await runModbusRead(url, ['40505'], io)).toBe(1)
    expect(io.err).toBe(`Modbus 127.0.0.1:${py.tcpPort} unit 1: illegal data address 40505 (exception 2) — check the register map\n`)
    const usage = capture()
    expect(await runModbusRead(url, ['4000x'], usage)).toBe(2)
    expect(usage.err).toContain('usage: otw read')
    expect(await runModbusRead(url, ['40001', '--type', 'float16'], capture())).toBe(2)
    expect(await runModbusRead('http://x', ['40001'], capture())).toBe(2)
  })
})

describe('otw write', () => {
  it('refuses without --yes, then writes and prints the old and new value', async () => {
    const address = String(40001 + REGISTER_MAP.writable.offset + 15)
    const refused = capture()
    expect(await runModbusWrite(url, [address, '300', '--type', 'uint16'], refused)).toBe(2)
    expect(refused.err).toContain('add --yes to confirm')
    const io = capture()
    expect(await runModbusWrite(url, [address, '300', '--type', 'uint16', '--yes'], io)).toBe(0)
    expect(io.out).toBe(`${address} (hr:${REGISTER_MAP.writable.offset + 15}) uint16: 0 -> 300\n`)
    const float = capture()
    expect(await runModbusWrite(url, [String(Number(address) + 1), '2.5', '--type', 'float32', '--order', 'CDAB', '--yes'], float)).toBe(0)
    expect(float.out).toContain('float32: 0 -> 2.5')
    const coils = capture()
    expect(await runModbusWrite(url, ['00006', '1,1', '--yes'], coils)).toBe(0)
    expect(coils.out).toBe('00006 (co:5) bool: false -> true\n00007 (co:6) bool: false -> true\n')
    const tooBig = capture()
    expect(await runModbusWrite(url, [address, '70000', '--yes'], tooBig)).toBe(1)
    expect(tooBig.err).toContain('does not fit uint16')
  })
})

describe('otw scan', () => {
  it('lists the units that answer', async () => {
    const io = capture()
    expect(await runModbusScan(`modbus://127.0.0.1:${py.tcpPort}`, ['--units', '1-3', '--timeout', '80'], io)).toBe(0)
    expect(io.out).toBe('unit 1: answered 40001\nunit 2: answered 40001\n2 unit(s) found in 1-3\n')
    expect(io.err).toContain('scanned 3/3')
  })

  it('maps which addresses of a range answer', async () => {
    const io = capture()
    expect(await runModbusScan(url, ['--range', '40500-40508'], io)).toBe(0)
    expect(io.out).toBe(
      [
        '40500 illegal data address (exception 2)',
        '40501-40504 answers',
        '40505 illegal data address (exception 2)',
        '40506-40507 answers',
        '40508 illegal data address (exception 2)',
        '6 answer, 3 rejected',
        '',
      ].join('\n'),
    )
    expect(await runModbusScan(url, ['--range', '40010-30001'], capture())).toBe(2)
  })
})
