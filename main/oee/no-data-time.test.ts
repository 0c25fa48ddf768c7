import { describe, expect, it } from 'vitest'
import { runOeeCommand } from './cli-oee'
import { computeLineOee } from './line-oee'
import { MachineConfigSchema } from './machine-config'
import { computeMachineOee } from './machine-oee'
import type { NoDataTime, Sample, TagSeries } from './machine-state'
import { formatRecordingCsv, parseRecordingCsv } from './recording-csv'
import { ShiftCalendarSchema } from './shift-calendar'

const ms = (iso: string) => Date.parse(`2024-01-10T${iso}:00Z`)
const steps = (entries: [string, number][]): Sample[] => entries.map(([t, v]) => ({ t: ms(t), v }))
const RUNNING = 1
const FAULTED = 3
const stateMap = { '1': 'running', '2': 'idle', '3': 'faulted' } as const

const calendarInput = { timeZone: 'UTC', shifts: [{ name: 'A', start: '06:00', end: '14:00' }], breaks: [{ start: '10:00', durationMin: 15 }] }
const calendar = ShiftCalendarSchema.parse(calendarInput)
const machineInput = {
  id: 'filler',
  state: { kind: 'enum', tag: 'state', map: stateMap },
  counters: { totalTag: 'total', rejectTag: 'reject' },
  idealCycleS: 2,
} as const
const machine = MachineConfigSchema.parse(machineInput)
const day = { from: ms('00:00'), to: Date.parse('2024-01-11T00:00:00Z') }

/**
 * Shift 06:00–14:00 with a 15 min break: 465 min planned calendar time. Nothing is recorded before 08:00 (the app was
 * started then): 2 h of no data. Then running, a fault 09:00–09:30, running to the end. 9000 units at 2 s ideal
 * (300 min of ideal time), 90 rejects.
 */
const lateStart: TagSeries = {
  state: steps([
    ['08:00', RUNNING],
    ['09:00', FAULTED],
    ['09:30', RUNNING],
  ]),
  total: steps([
    ['08:00', 1000],
    ['13:59', 10_000],
  ]),
  reject: steps([
    ['08:00', 0],
    ['12:00', 90],
  ]),
}

const run = (series: TagSeries, noDataTime?: NoDataTime) => computeMachineOee(machine, calendar, series, day, 'range', noDataTime)

describe('time without data, left out of planned time (the default)', () => {
  const report = run(lateStart)
  const r = report.periods[0]

  it('computes availability over the recorded time only and reports the no-data time apart', () => {
    expect(r.noDataTime).toBe('exclude')
    expect(r.noDataS).toBe(120 * 60)
    expect(r.stateS['no-data']).toBe(120 * 60)
    expect(r.plannedProductionS).toBe(345 * 60) // 465 − 120 without data
    expect(r.runS).toBe(315 * 60) // 345 − 30 fault
    expect(r.availability).toBeCloseTo(315 / 345, 12)
    expect(r.performance).toBeCloseTo(300 / 315, 12)
    expect(r.quality).toBeCloseTo(8910 / 9000, 12)
    expect(r.oee).toBeCloseTo((8910 * 2) / (345 * 60), 12)
  })

  it('keeps no-data time out of the losses, which still add up to planned production time', () => {
    expect(r.lossMin.breakdowns).toBeCloseTo(30, 12)
    expect(r.noDataBreakdownMin).toBe(0)
    const lost = Object.values(r.lossMin).reduce((a, b) => a + b, 0)
    expect(lost + (r.counts.good * 2) / 60).toBeCloseTo(345, 9)
  })

  it('does not list the no-data stretch as a stop', () => {
    expect(report.events.map((e) => [e.state, e.durationS])).toEqual([['faulted', 1800]])
  })

  it('gives no planned production time (and no ratios) to a shift with no data at all', () => {
    const nothing = run({ state: [], total: [], reject: [] }).periods[0]
    expect(nothing.noDataS).toBe(465 * 60)
    expect(nothing.plannedProductionS).toBe(0)
    expect(nothing.availability).toBeNull()
    expect(nothing.flags).toContain('no-planned-production-time')
  })
})

describe('time without data counted as breakdown', () => {
  const report = run(lateStart, 'breakdown')
  const r = report.periods[0]

  it('gives the figures of before the setting: the gap is a 2 h breakdown', () => {
    expect(r.noDataTime).toBe('breakdown')
    expect(r.noDataS).toBe(120 * 60)
    expect(r.plannedProductionS).toBe(465 * 60)
    expect(r.runS).toBe(315 * 60)
    expect(r.availability).toBeCloseTo(315 / 465, 12)
    expect(r.performance).toBeCloseTo(300 / 315, 12)
    expect(r.oee).toBeCloseTo((8910 * 2) / (465 * 60), 12)
    expect(r.lossMin.breakdowns).toBeCloseTo(150, 12)
    expect(r.noDataBreakdownMin).toBeCloseTo(120, 12)
    const lost = Object.values(r.lossMin).reduce((a, b) => a + b, 0)
    expect(lost + (r.counts.good * 2) / 60).toBeCloseTo(465, 9)
  })

  it('lists the no-data stretch as a stop to code', () => {
    expect(report.events.map((e) => [e.state, e.start, e.end])).toEqual([
      ['no-data', ms('00:00'), ms('08:00')],
      ['faulted', ms('09:00'), ms('09:30')],
    ])
  })
})

describe('a gap in the middle (connection lost 10:30–11:30, NaN samples)', () => {
  const gap: TagSeries = {
    state: steps([
      ['06:00', RUNNING],
      ['09:00', FAULTED],
      ['09:30', RUNNING],
      ['10:30', Number.NaN],
      ['11:30', RUNNING],
    ]),
    // The counter was not read during the gap either: the step 10:29 → 11:31 holds units made while nothing was recorded.
    total: steps([
      ['06:00', 0],
      ['10:29', 3000],
      ['11:31', 4800],
      ['13:59', 9000],
    ]),
    reject: steps([['06:00', 0]]),
  }

  it('leaves out the gap and the counter step that spans it', () => {
    const r = run(gap).periods[0]
    expect(r.noDataS).toBe(60 * 60)
    expect(r.plannedProductionS).toBe(405 * 60) // 465 − 60
    expect(r.runS).toBe(375 * 60)
    expect(r.counts.total).toBe(3000 + 4200)
    expect(r.performance).toBeCloseTo((7200 * 2) / (375 * 60), 12)
  })

  it('counts the gap and every unit as before when no-data time is a breakdown', () => {
    const r = run(gap, 'breakdown').periods[0]
    expect(r.plannedProductionS).toBe(465 * 60)
    expect(r.lossMin.breakdowns).toBeCloseTo(90, 12)
    expect(r.counts.total).toBe(9000)
  })

  it('tells an unmapped state value (unknown, a breakdown) from no data', () => {
    const unmapped = { ...gap, state: gap.state.map((s) => (Number.isNaN(s.v) ? { ...s, v: 99 } : s)) }
    const r = run(unmapped).periods[0]
    expect(r.noDataS).toBe(0)
    expect(r.stateS.unknown).toBe(60 * 60)
    expect(r.lossMin.breakdowns).toBeCloseTo(90, 12)
  })
})

describe('the line and the recording CSV', () => {
  it('takes the setting from the line config (default: leave out)', () => {
    const config = { calendar: calendarInput, line: { name: 'L1', machines: [machineInput] } }
    const left = computeLineOee({ config, series: lateStart, range: day })
    const counted = computeLineOee({ config: { ...config, noDataTime: 'breakdown' }, series: lateStart, range: day })
    expect(left.noDataTime).toBe('exclude')
    expect(left.periods[0].line.availability).toBeCloseTo(315 / 345, 12)
    expect(counted.periods[0].line.availability).toBeCloseTo(315 / 465, 12)
  })

  it('reads NaN (or null) in a recording as "no data from here", and writes it back', () => {
    const series = parseRecordingCsv('time,tag,value\n2024-01-10T10:30:00Z,state,NaN\n2024-01-10T11:30:00Z,state,null\n')
    expect(series.state.map((s) => s.v)).toEqual([Number.NaN, Number.NaN])
    expect(formatRecordingCsv(series)).toContain('2024-01-10T10:30:00.000Z,state,NaN')
  })

  it('otw oee prints the No data column and honours --no-data', async () => {
    const files: Record<string, string> = {
      'c.json': JSON.stringify({ calendar: calendarInput, line: { name: 'L1', machines: [machineInput] } }),
      'r.csv': formatRecordingCsv(lateStart),
    }
    const otw = async (extra: string[]) => {
      let stdout = ''
      let stderr = ''
      const code = await runOeeCommand(['--config', 'c.json', '--data', 'r.csv', '--from', '2024-01-10T00:00Z', '--to', '2024-01-11T00:00Z', ...extra], {
        stdout: (s) => void (stdout += s),
        stderr: (s) => void (stderr += s),
        readFile: (p) => Promise.resolve(files[p]),
      })
      return { code, stdout, stderr }
    }
    const left = await otw([])
    expect(left.code).toBe(0)
    expect(left.stdout).toMatch(/No data \(min\): .*left out of planned time/)
    // Period, machine, planned 345, no data 120, run 315, A 91.3 %
    expect(left.stdout).toMatch(/filler\s+345\.0\s+120\.0\s+315\.0\s+91\.3%/)
    const counted = await otw(['--no-data', 'breakdown'])
    expect(counted.stdout).toMatch(/counted as breakdown/)
    expect(counted.stdout).toMatch(/filler\s+465\.0\s+120\.0\s+315\.0\s+67\.7%/)
    const bad = await otw(['--no-data', 'ignore'])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/--no-data must be exclude or breakdown, not "ignore"/)
  })
})
