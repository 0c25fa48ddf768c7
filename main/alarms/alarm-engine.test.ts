import { describe, expect, it } from 'vitest'
import { alarmRuleSchema, type AlarmRuleInput, type AlarmTransition } from '../../preload/contract'
import { AlarmEngine, type AlarmStateSnapshot } from './alarm-engine'
import { replayRules } from './alarm-replay'

const TAG = 'Line1.Capper.HeadTemperature'

function setup(rule: Partial<AlarmRuleInput> & Pick<AlarmRuleInput, 'condition'>, snapshot?: AlarmStateSnapshot) {
  const transitions: AlarmTransition[] = []
  const engine = new AlarmEngine({ onTransition: (t) => transitions.push(t) })
  engine.upsertRule(alarmRuleSchema.parse({ id: 'hot', name: 'Head hot', tagId: TAG, ...rule }), 0, snapshot)
  const feed = (at: number, value: number | string | null, status: 'good' | 'uncertain' | 'bad' = 'good', stale = false): void =>
    engine.ingestOne({ tagId: TAG, value, quality: { status }, stale }, at)
  const steps = (): string[] => transitions.map((t) => `${t.at} ${t.from}>${t.to} ${t.cause}`)
  return { engine, transitions, feed, steps }
}

describe('alarm engine, hand-worked', () => {
  it('deadband: raised above the limit, cleared only below limit - deadband, acknowledged to normal', () => {
    const { engine, feed, steps, transitions } = setup({ condition: { kind: 'high', limit: 80, deadband: 5 } })
    feed(0, 79)
    feed(1000, 81)
    feed(2000, 78) // above 75: still active
    feed(3000, 75) // 75 is not below 75
    feed(4000, 82)
    feed(5000, 74.9)
    expect(steps()).toEqual(['1000 normal>active-unacknowledged condition', '5000 active-unacknowledged>cleared-unacknowledged condition'])
    expect(transitions[1]!.value).toBe(74.9)
    expect(engine.acknowledge('hot', 'ana', 6000, 'seen')).toBe(true)
    expect(steps().at(-1)).toBe('6000 cleared-unacknowledged>normal acknowledge')
    expect(transitions.at(-1)!.who).toBe('ana')
    expect(engine.acknowledge('hot', 'ana', 7000)).toBe(false)
  })

  it('low limit with deadband mirrors the high one', () => {
    const { feed, steps } = setup({ condition: { kind: 'low', limit: 10, deadband: 2 } })
    feed(0, 9)
    feed(1000, 11.5)
    feed(2000, 12.1)
    expect(steps()).toEqual(['0 normal>active-unacknowledged condition', '2000 active-unacknowledged>cleared-unacknowledged condition'])
  })

  it('on-delay: a breach shorter than the delay is pending then normal; a long one is raised at exactly start + delay', () => {
    const { engine, feed, steps } = setup({ condition: { kind: 'high', limit: 80 }, onDelayMs: 5000 })
    feed(0, 81)
    feed(2000, 79)
    feed(3000, 81)
    feed(6000, 85) // still pending: raised at 3000 + 5000
    engine.tick(7999)
    engine.tick(9000)
    expect(steps()).toEqual([
      '0 normal>pending condition',
      '2000 pending>normal condition',
      '3000 normal>pending condition',
      '8000 pending>active-unacknowledged on-delay',
    ])
  })

  it('off-delay: a return within the delay keeps the alarm (no new event); it clears at last-return + delay', () => {
    const { engine, feed, steps, transitions } = setup({ condition: { kind: 'high', limit: 80 }, offDelayMs: 3000 })
    feed(0, 81)
    feed(1000, 79)
    feed(2000, 81) // back within the off-delay
    feed(5000, 79)
    engine.tick(7999)
    expect(steps()).toEqual(['0 normal>active-unacknowledged condition'])
    engine.tick(8500)
    expect(steps()).toEqual(['0 normal>active-unacknowledged condition', '8000 active-unacknowledged>cleared-unacknowledged off-delay'])
    expect(new Set(transitions.map((t) => t.eventId))).toEqual(new Set(['hot#1']))
  })

  it('flapping around the limit: 50 events without help, one with an off-delay, one with a deadband', () => {
    const flap = (rule: Partial<AlarmRuleInput>): { raised: number; steps: string[] } => {
      const { engine, feed, steps, transitions } = setup({ condition: { kind: 'high', limit: 80, deadband: 0 }, ...rule })
      for (let i = 0; i < 100; i++) feed(i * 100, i % 2 === 0 ? 81 : 79.5)
      engine.tick(20_000)
      return { raised: transitions.filter((t) => t.to === 'active-unacknowledged').length, steps: steps() }
    }
    expect(flap({}).raised).toBe(50)
    const delayed = flap({ offDelayMs: 1000 })
    expect(delayed.steps).toEqual(['0 normal>active-unacknowledged condition', '10900 active-unacknowledged>cleared-unacknowledged off-delay'])
    expect(flap({ condition: { kind: 'high', limit: 80, deadband: 1 } }).steps).toEqual(['0 normal>active-unacknowledged condition'])
  })

  it('a new event after a clear: cleared-unacknowledged raised again gets a new event id', () => {
    const { feed, transitions } = setup({ condition: { kind: 'high', limit: 80 } })
    feed(0, 81)
    feed(1000, 70)
    feed(2000, 90)
    expect(transitions.map((t) => [t.to, t.eventId])).toEqual([
      ['active-unacknowledged', 'hot#1'],
      ['cleared-unacknowledged', 'hot#1'],
      ['active-unacknowledged', 'hot#2'],
    ])
  })

  it('acknowledged while active: clears straight to normal', () => {
    const { engine, feed, steps } = setup({ condition: { kind: 'high', limit: 80 } })
    feed(0, 81)
    engine.acknowledge('hot', 'ana', 500)
    feed(1000, 70)
    expect(steps()).toEqual([
      '0 normal>active-unacknowledged condition',
      '500 active-unacknowledged>active-acknowledged acknowledge',
      '1000 active-acknowledged>normal condition',
    ])
  })

  it('shelve for a duration expires on its own, at its end, and journals who shelved', () => {
    const { engine, feed, transitions, steps } = setup({ condition: { kind: 'high', limit: 80 } })
    feed(0, 81)
    engine.shelve('hot', 60_000, 'ben', 1000, 'sensor swap')
    feed(30_000, 70)
    expect(transitions[2]!.shelved).toBe(true)
    engine.tick(59_999)
    expect(steps()).toHaveLength(3)
    engine.tick(61_000)
    expect(steps()).toEqual([
      '0 normal>active-unacknowledged condition',
      '1000 active-unacknowledged>active-unacknowledged shelve',
      '30000 active-unacknowledged>cleared-unacknowledged condition',
      '60000 cleared-unacknowledged>cleared-unacknowledged shelve-expired',
    ])
    expect(transitions[1]!).toMatchObject({ who: 'ben', comment: 'sensor swap', shelved: true })
    expect(transitions[3]!.shelved).toBe(false)
    expect(engine.notNormal().map((a) => a.snapshot.shelvedUntil)).toEqual([null])
  })

  it('re-alarm: still active after ReAlarmTime from the raise, it is unacknowledged again, every ReAlarmTime', () => {
    const { engine, feed, steps } = setup({ condition: { kind: 'high', limit: 80 }, reAlarmMs: 10_000 })
    feed(0, 81)
    engine.acknowledge('hot', 'ana', 2000)
    engine.tick(25_000)
    feed(26_000, 50)
    engine.tick(40_000)
    expect(steps()).toEqual([
      '0 normal>active-unacknowledged condition',
      '2000 active-unacknowledged>active-acknowledged acknowledge',
      '10000 active-acknowledged>active-unacknowledged re-alarm',
      '20000 active-unacknowledged>active-unacknowledged re-alarm',
      '26000 active-unacknowledged>cleared-unacknowledged condition',
    ])
  })

  it('a restart during an active alarm: the restored state does not raise again while the value stays high', () => {
    const first = setup({ condition: { kind: 'high', limit: 80 } })
    first.feed(0, 90)
    first.engine.acknowledge('hot', 'ana', 100)
    const saved = first.engine.snapshot('hot')!
    const second = setup({ condition: { kind: 'high', limit: 80 } }, saved)
    second.feed(5000, 91)
    expect(second.steps()).toEqual([])
    second.feed(6000, 70)
    expect(second.steps()).toEqual(['6000 active-acknowledged>normal condition'])
    second.feed(7000, 95)
    expect(second.transitions.at(-1)!.eventId).toBe('hot#2')
  })

  it('no data: raised afterMs after the last value (or the start), cleared by the next value; a stale mark raises at once', () => {
    const { engine, feed, steps } = setup({ condition: { kind: 'stale', afterMs: 5000 } })
    feed(1000, 1)
    engine.tick(5999)
    engine.tick(6500)
    feed(7000, 2)
    feed(8000, 2, 'uncertain', true)
    expect(steps()).toEqual([
      '6000 normal>active-unacknowledged condition',
      '7000 active-unacknowledged>cleared-unacknowledged condition',
      '8000 cleared-unacknowledged>active-unacknowledged condition',
    ])
  })

  it('bad quality raises; uncertain only when asked', () => {
    const strict = setup({ condition: { kind: 'badQuality' } })
    strict.feed(0, 1, 'uncertain')
    strict.feed(1000, 1, 'bad')
    expect(strict.steps()).toEqual(['1000 normal>active-unacknowledged condition'])
    const wide = setup({ condition: { kind: 'badQuality', includeUncertain: true } })
    wide.feed(0, 1, 'uncertain')
    expect(wide.steps()).toEqual(['0 normal>active-unacknowledged condition'])
  })

  it('machine state held longer than N: faulted (5) for more than 2 minutes', () => {
    const { engine, feed, steps } = setup({ condition: { kind: 'stateHeld', states: [5], forMs: 120_000 } })
    feed(0, 1)
    feed(10_000, 5)
    feed(60_000, 1) // a one-minute fault: pending, then normal
    feed(70_000, 5)
    engine.tick(190_000)
    expect(steps()).toEqual([
      '10000 normal>pending condition',
      '60000 pending>normal condition',
      '70000 normal>pending condition',
      '190000 pending>active-unacknowledged on-delay',
    ])
  })

  it('rate of change over a window, rising only', () => {
    const { feed, steps } = setup({ condition: { kind: 'rateOfChange', perSecond: 2, windowMs: 1000, direction: 'rising' } })
    feed(0, 10)
    feed(500, 30) // inside the window: not judged
    feed(1000, 11) // +1/s
    feed(2000, 14) // +3/s
    feed(3000, 8) // falling fast: not a rising breach
    expect(steps()).toEqual(['2000 normal>active-unacknowledged condition', '3000 active-unacknowledged>cleared-unacknowledged condition'])
  })

  it('suppressed per machine: nothing is raised during the planned stop; a breach still there at its end is raised then', () => {
    const { engine, feed, steps } = setup({ condition: { kind: 'high', limit: 80 }, machine: 'Capper' })
    expect(engine.setMachineSuppressed('Capper', true, 'plan', 0)).toBe(1)
    feed(1000, 90)
    expect(engine.notNormal()).toEqual([])
    engine.setMachineSuppressed('Capper', false, 'plan', 5000)
    expect(steps()).toEqual(['0 normal>normal suppress', '5000 normal>normal unsuppress', '5000 normal>active-unacknowledged condition'])
  })

  it('bad-quality and NaN values leave a limit alarm as it was', () => {
    const { feed, steps } = setup({ condition: { kind: 'high', limit: 80 } })
    feed(0, 90)
    feed(1000, 10, 'bad')
    feed(2000, null)
    expect(steps()).toEqual(['0 normal>active-unacknowledged condition'])
  })

  it('an unknown rule is a not-found error naming it', () => {
    const { engine } = setup({ condition: { kind: 'high', limit: 80 } })
    expect(() => engine.acknowledge('nope', 'ana', 0)).toThrow(/Alarm rule nope does not exist/)
  })

  it('replay over recorded samples: no-data marks count as stale, the on-delay runs between samples', () => {
    const rule = alarmRuleSchema.parse({ id: 'hot', name: 'Head hot', tagId: TAG, condition: { kind: 'high', limit: 80 }, onDelayMs: 1500 })
    const gone = alarmRuleSchema.parse({ id: 'gone', name: 'No data', tagId: TAG, condition: { kind: 'stale', afterMs: 60_000 } })
    const series = [{ tagId: TAG, t: [0, 1000, 2000, 3000, 4000], v: [70, 85, 86, 87, NaN], q: [0, 0, 0, 0, 0] }]
    const steps = replayRules([rule, gone], series, 0, 10_000).map((t) => `${t.ruleId} ${t.at} ${t.to}`)
    expect(steps).toEqual(['hot 1000 pending', 'hot 2500 active-unacknowledged', 'gone 4000 active-unacknowledged'])
  })
})

describe('alarm engine, batches (rules remembered by batch position)', () => {
  it('a rule added, removed or a tag moved to another position between batches is judged as a fresh lookup would', () => {
    const transitions: AlarmTransition[] = []
    const engine = new AlarmEngine({ onTransition: (t) => transitions.push(t) })
    const high = (id: string, tagId: string) => alarmRuleSchema.parse({ id, name: id, tagId, condition: { kind: 'high', limit: 10, deadband: 0 } })
    const value = (tagId: string, v: number) => ({ tagId, value: v, quality: { status: 'good' as const } })
    engine.upsertRule(high('a-high', 'A'), 0)
    engine.ingest([value('A', 1), value('B', 20)], 1000) // B has no rule yet: position 1 remembers none
    engine.upsertRule(high('b-high', 'B'), 1000)
    engine.ingest([value('A', 1), value('B', 20)], 2000)
    // The same tags in another order: each position looks its tag up again.
    engine.ingest([value('B', 1), value('A', 20)], 3000)
    engine.removeRule('a-high')
    engine.ingest([value('B', 1), value('A', 1)], 4000)
    // The same content in new string objects finds the same rules.
    engine.ingest([value(['B'].join(''), 30)], 5000)
    expect(transitions.filter((t) => t.cause === 'condition').map((t) => `${t.at} ${t.ruleId} ${t.to}`)).toEqual([
      '2000 b-high active-unacknowledged',
      '3000 b-high cleared-unacknowledged',
      '3000 a-high active-unacknowledged',
      '5000 b-high active-unacknowledged',
    ])
  })
})
