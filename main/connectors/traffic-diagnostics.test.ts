import { describe, expect, it } from 'vitest'
import { CounterSet, diagnosticsOf, toHex, TrafficLog, trafficView, type TrafficFormat } from './traffic-diagnostics'

type Fields = { unit: number; op: string }
const FORMAT: TrafficFormat<Fields> = {
  name: 'demo',
  columns: [
    { key: 'unit', label: 'Unit', csv: 'unit' },
    { key: 'op', label: 'Operation', csv: 'operation' },
  ],
  describe: (f) => `unit ${f.unit} ${f.op}`,
}
const T0 = Date.UTC(2026, 0, 2, 3, 4, 5, 678)

describe('TrafficLog (the ring every protocol shares)', () => {
  it('keeps the last frames only, oldest first, with a sequence that keeps counting after a clear', () => {
    const log = new TrafficLog(FORMAT, 3)
    for (let i = 0; i < 5; i++) log.add({ time: T0, direction: 'tx', unit: 1, op: 'read', hex: String(i), result: 'sent' })
    expect(log.entries().map((f) => [f.seq, f.hex])).toEqual([
      [3, '2'],
      [4, '3'],
      [5, '4'],
    ])
    expect(log.entries(2).map((f) => f.seq)).toEqual([4, 5])
    log.clear()
    expect(log.entries()).toEqual([])
    expect(log.add({ time: T0, direction: 'rx', unit: 1, op: 'read', hex: '', result: 'timeout' }).seq).toBe(6)
    expect(log.entries()).toHaveLength(1)
  })

  it('refuses a capacity that is not a whole number of at least 1', () => {
    expect(() => new TrafficLog(FORMAT, 0)).toThrow('traffic log capacity 0 must be a whole number of at least 1')
    expect(() => new TrafficLog(FORMAT, 2.5)).toThrow(RangeError)
  })

  it('exports bus-monitor lines in the protocol’s words and CSV with its columns', () => {
    const log = new TrafficLog(FORMAT, 10)
    log.add({ time: T0, direction: 'tx', unit: 7, op: 'read var', hex: '03 00', result: 'sent' })
    log.add({ time: T0 + 2, direction: 'rx', unit: 7, op: 'read var', hex: '', result: 'timeout', rttMs: 12.345 })
    expect(log.exportText()).toBe('2026-01-02T03:04:05.678Z TX unit 7 read var 03 00 sent\n2026-01-02T03:04:05.680Z RX unit 7 read var - timeout 12.3 ms')
    expect(log.exportCsv().trim().split('\n')).toEqual([
      'seq,time,direction,unit,operation,hex,result,rttMs',
      '1,2026-01-02T03:04:05.678Z,tx,7,read var,03 00,sent,',
      '2,2026-01-02T03:04:05.680Z,rx,7,read var,,timeout,12.345',
    ])
  })

  it('writes bytes as upper-case hex pairs', () => {
    expect(toHex(new Uint8Array([0, 0x0a, 0xff, 0x32]))).toBe('00 0A FF 32')
    expect(toHex(new Uint8Array())).toBe('')
  })
})

describe('CounterSet', () => {
  it('counts requests, responses, timeouts and the protocol’s own kinds, with round trips, and starts again on reset', () => {
    const counters = new CounterSet(['exceptions', 'crcErrors'])
    expect(counters.snapshot()).toEqual({
      requests: 0,
      responses: 0,
      timeouts: 0,
      exceptions: 0,
      crcErrors: 0,
      rtt: { min: null, avg: null, max: null, last: null },
    })
    counters.request()
    counters.request()
    counters.request()
    counters.answered(4)
    counters.answered(2, 'exceptions')
    counters.timeout()
    counters.count('crcErrors', 2)
    expect(counters.snapshot()).toEqual({ requests: 3, responses: 1, timeouts: 1, exceptions: 1, crcErrors: 2, rtt: { min: 2, avg: 3, max: 4, last: 2 } })
    counters.reset()
    expect(counters.snapshot()).toMatchObject({ requests: 0, responses: 0, exceptions: 0, crcErrors: 0, rtt: { min: null, avg: null } })
  })
})

describe('trafficView (what connections.traffic answers)', () => {
  it('gives the protocol’s columns, the newest frames with their fields, and the counters in order with their labels', () => {
    const log = new TrafficLog(FORMAT, 10)
    const counters = new CounterSet(['itemErrors', 'refusals'])
    for (let i = 0; i < 4; i++) {
      counters.request()
      log.add({ time: T0 + i, direction: 'tx', unit: i, op: 'write var', hex: '01', result: 'sent' })
    }
    counters.answered(1.5)
    counters.count('itemErrors')
    const view = trafficView(diagnosticsOf(log, counters, { itemErrors: 'Item errors', refusals: 'Refused requests' }), 2)
    expect(view.columns).toEqual([
      { key: 'unit', label: 'Unit' },
      { key: 'op', label: 'Operation' },
    ])
    expect(view.frames).toEqual([
      { seq: 3, time: T0 + 2, direction: 'tx', hex: '01', result: 'sent', fields: { unit: 2, op: 'write var' } },
      { seq: 4, time: T0 + 3, direction: 'tx', hex: '01', result: 'sent', fields: { unit: 3, op: 'write var' } },
    ])
    expect(view.counters).toEqual([
      { key: 'requests', label: 'Requests', value: 4, problem: false },
      { key: 'responses', label: 'Responses', value: 1, problem: false },
      { key: 'timeouts', label: 'Timeouts', value: 0, problem: true },
      { key: 'itemErrors', label: 'Item errors', value: 1, problem: true },
      { key: 'refusals', label: 'Refused requests', value: 0, problem: true },
    ])
    expect(view.rtt).toEqual({ min: 1.5, avg: 1.5, max: 1.5, last: 1.5 })
  })
})
