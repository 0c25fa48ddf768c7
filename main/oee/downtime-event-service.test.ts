import { describe, expect, it } from 'vitest'
import { rankDowntimeByReason } from './downtime-by-reason'
import type { DowntimeEvent } from './downtime-event'
import { InMemoryDowntimeEventStore } from './downtime-event-store'
import { DowntimeEventService } from './downtime-event-service'
import { computeLineOee } from './line-oee'
import { exampleConfig, exampleRange, exampleSeries } from './oee-scenarios.fixture'

const T0 = Date.parse('2024-01-10T07:00:00Z')
const min = 60_000

function setup() {
  let clock = Date.parse('2024-01-11T08:00:00Z')
  const service = new DowntimeEventService(new InMemoryDowntimeEventStore(), { now: () => (clock += 1000) })
  const mech = service.addCategory('Mechanical')
  const jam = service.addReason(mech, 'Bottle jam')
  const motor = service.addReason(mech, 'Motor overload')
  const material = service.addCategory('Material')
  const noCaps = service.addReason(material, 'No caps')
  service.setRules([
    { faultCodes: [310, 311], reason: jam },
    { machine: 'capper', state: 'starved', reason: noCaps },
  ])
  return { service, jam, motor, noCaps }
}

const ev = (id: string, startMin: number, endMin: number, extra: Partial<DowntimeEvent> = {}): DowntimeEvent => ({
  id,
  machine: 'filler',
  start: T0 + startMin * min,
  end: T0 + endMin * min,
  durationS: (endMin - startMin) * 60,
  state: 'faulted',
  minor: false,
  ...extra,
})

describe('downtime events', () => {
  it('codes detected events with fault-code rules and records who did it', () => {
    const { service, jam } = setup()
    expect(service.recordDetected([ev('a', 0, 10, { faultCode: 310 }), ev('b', 20, 25, { faultCode: 999 })])).toEqual({ created: 2, extended: 0 })
    expect(service.get('a').reason).toEqual(jam)
    expect(service.get('b').reason).toBeUndefined()
    expect(service.history('a').map((h) => [h.action, h.who])).toEqual([
      ['detected', 'system'],
      ['auto-coded', 'system'],
    ])
  })

  it('extends an event that was still open and keeps its manual coding', () => {
    const { service, motor } = setup()
    service.recordDetected([ev('a', 0, 10, { faultCode: 999 })])
    service.code('a', motor, 'anna')
    expect(service.recordDetected([ev('a', 0, 14, { faultCode: 999 })])).toEqual({ created: 0, extended: 1 })
    expect(service.get('a')).toMatchObject({ durationS: 840, reason: motor })
  })

  it('keeps every manual change in the history with before and after', () => {
    const { service, jam, motor } = setup()
    service.recordDetected([ev('a', 0, 10, { faultCode: 310 })])
    service.code('a', motor, 'anna')
    service.comment('a', 'motor M3 tripped, reset by maintenance', 'ben')
    const h = service.history('a')
    expect(h.map((x) => [x.action, x.who])).toEqual([
      ['detected', 'system'],
      ['auto-coded', 'system'],
      ['coded', 'anna'],
      ['commented', 'ben'],
    ])
    expect(h[2].before?.reason).toEqual(jam)
    expect(h[2].after?.reason).toEqual(motor)
    expect(h[3].after?.comment).toBe('motor M3 tripped, reset by maintenance')
    expect(h.map((x) => x.at)).toEqual([...h.map((x) => x.at)].sort())
  })

  it('refuses a reason that is not in the tree, naming the known ones', () => {
    const { service } = setup()
    service.recordDetected([ev('a', 0, 10)])
    expect(() => service.code('a', { categoryId: 'mechanical', reasonId: 'gremlins' }, 'anna')).toThrow(
      /reason "gremlins" is not in category "mechanical" — known: bottle-jam, motor-overload/,
    )
  })

  it('splits an event in two and merges them back', () => {
    const { service, jam } = setup()
    service.recordDetected([ev('a', 0, 30, { faultCode: 310 })])
    const [first, second] = service.split('a', T0 + 12 * min, 'anna')
    expect([first.durationS, second.durationS]).toEqual([720, 1080])
    expect(second.reason).toEqual(jam)
    expect(service.list().map((e) => e.id)).toEqual(['a', second.id])
    expect(() => service.split('a', T0 + 12 * min, 'anna')).toThrow(/strictly between/)

    const merged = service.merge([second.id, 'a'], 'ben')
    expect(merged).toMatchObject({ id: 'a', start: T0, end: T0 + 30 * min, durationS: 1800 })
    expect(service.list()).toHaveLength(1)
    expect(service.history(second.id).map((h) => h.action)).toEqual(['split-from', 'merged-into'])
    expect(service.history('a').map((h) => h.action)).toEqual(['detected', 'auto-coded', 'split', 'merged'])
    // A split event is not stretched back by the next detection run.
    service.recordDetected([ev('a', 0, 40)])
    expect(service.get('a').end).toBe(T0 + 30 * min)
  })

  it('merges events with a gap, taking the longest state and joining comments; refuses mixed machines', () => {
    const { service } = setup()
    service.recordDetected([ev('a', 0, 2, { state: 'idle', minor: true }), ev('b', 3, 10, { faultCode: 5 }), ev('c', 3, 4, { machine: 'capper' })])
    service.comment('a', 'operator away', 'anna')
    service.comment('b', 'jam at infeed', 'anna')
    expect(service.merge(['a', 'b'], 'ben')).toMatchObject({
      state: 'faulted',
      faultCode: 5,
      durationS: 600,
      minor: false,
      comment: 'operator away | jam at infeed',
    })
    expect(() => service.merge(['a', 'c'], 'ben')).toThrow(/different machines/)
    expect(() => service.get('b')).toThrow(/does not exist/)
  })

  it('merges only neighbours: a stop between them is refused, a minor stop between them is taken in', () => {
    const { service } = setup()
    service.recordDetected([ev('a', 0, 5), ev('m', 6, 7, { state: 'idle', minor: true }), ev('b', 8, 12), ev('c', 20, 30), ev('d', 40, 45)])
    expect(() => service.merge(['a', 'c'], 'ben')).toThrow(/not adjacent — faulted stop b lies between them/)
    expect(() => service.merge(['a', 'nope'], 'ben')).toThrow(/nope does not exist/)
    const merged = service.merge(['a', 'b'], 'ben')
    expect(merged).toMatchObject({ id: 'a', end: T0 + 12 * min, durationS: 720 })
    expect(() => service.get('m')).toThrow(/does not exist/)
    expect(service.history('m').at(-1)).toMatchObject({ action: 'merged-into', who: 'ben', after: { id: 'a' } })
    expect(service.merge(['c', 'd', 'a'], 'ben')).toMatchObject({ id: 'a', durationS: 45 * 60 })
  })

  it('will not remove a reason that events use', () => {
    const { service, motor } = setup()
    service.recordDetected([ev('a', 0, 10)])
    service.code('a', motor, 'anna')
    expect(() => service.removeReason(motor)).toThrow(/used by downtime events/)
    service.uncode('a', 'anna')
    service.removeReason(motor)
    expect(service.reasonTree().categories[0].reasons.map((r) => r.id)).toEqual(['bottle-jam'])
  })

  it('ranks downtime of the example line by reason, minor stops left out', () => {
    const { service } = setup()
    const report = computeLineOee({ config: exampleConfig, series: exampleSeries, range: exampleRange })
    service.recordDetected(report.events)
    service.applyRules()
    const ranking = rankDowntimeByReason(service.list({ from: exampleRange.from, to: exampleRange.to }), service.reasonTree())
    expect(ranking.map((c) => [c.category, Math.round(c.minutes)])).toEqual([
      ['Uncoded', expect.any(Number)],
      ['Mechanical', 70], // filler faults 310: 07:10–07:35 and 19:40–20:25
    ])
    expect(ranking[1].reasons).toEqual([{ reasonId: 'bottle-jam', reason: 'Bottle jam', minutes: 70, events: 2 }])
  })
})
