// Shared test scenario: a two-machine line in Europe/Berlin on Wednesday 2024-01-10 (CET, UTC+1).
import type { OeeConfigInput } from './machine-config'
import type { Sample, TagSeries } from './machine-state'

const at = (local: string) => Date.parse(`2024-01-10T${local}+01:00`)
const steps = (entries: [string, number][]): Sample[] => entries.map(([t, v]) => ({ t: at(t), v }))

export const exampleConfig: OeeConfigInput = {
  calendar: {
    timeZone: 'Europe/Berlin',
    shifts: [
      { name: 'early', start: '06:00', end: '14:00', days: [1, 2, 3, 4, 5] },
      { name: 'late', start: '14:00', end: '22:00', days: [1, 2, 3, 4, 5] },
    ],
    breaks: [
      { start: '10:00', durationMin: 15, shifts: ['early'] },
      { start: '18:00', durationMin: 15, shifts: ['late'] },
    ],
    holidays: ['2024-12-25'],
    plannedStops: [{ from: '2024-01-10T16:00:00+01:00', to: '2024-01-10T16:30:00+01:00', reason: 'cleaning' }],
  },
  line: {
    name: 'Line 1',
    machines: [
      {
        id: 'filler',
        name: 'Filler F-101',
        state: {
          kind: 'enum',
          tag: 'L1.Filler.State',
          map: { '1': 'running', '2': 'idle', '3': 'faulted', '4': 'setup', '5': 'planned-stop', '6': 'blocked', '7': 'starved' },
          faultCodeTag: 'L1.Filler.FaultCode',
        },
        counters: { totalTag: 'L1.Filler.Total', rejectTag: 'L1.Filler.Reject', bitWidth: 16 },
        idealRatePerMin: 30,
        minorStopThresholdS: 120,
        startupWindowS: 300,
      },
      {
        id: 'capper',
        name: 'Capper C-201',
        state: {
          kind: 'bits',
          runningTag: 'L1.Capper.Running',
          faultTag: 'L1.Capper.Fault',
          faultCodeTag: 'L1.Capper.FaultCode',
          blockedTag: 'L1.Capper.Blocked',
        },
        counters: { totalTag: 'L1.Capper.Total', goodTag: 'L1.Capper.Good', bitWidth: 32 },
        idealCycleS: 1.5,
        blockedStarvedAgainstAvailability: false,
      },
    ],
  },
}

export const exampleSeries: TagSeries = {
  'L1.Filler.State': steps([
    ['05:50:00', 4],
    ['06:00:00', 1],
    ['07:10:00', 3],
    ['07:35:00', 1],
    ['08:20:00', 2],
    ['08:21:30', 1],
    ['11:00:00', 3],
    ['11:01:00', 1],
    ['13:30:00', 4],
    ['14:10:00', 1],
    ['16:00:00', 5],
    ['16:30:00', 1],
    ['19:40:00', 3],
    ['20:25:00', 1],
    ['22:00:00', 5],
  ]),
  'L1.Filler.FaultCode': steps([
    ['05:50:00', 0],
    ['07:10:00', 310],
    ['07:35:00', 0],
    ['11:00:00', 120],
    ['11:01:00', 0],
    ['19:40:00', 310],
    ['20:25:00', 0],
  ]),
  // 16-bit totalizer that wraps during the late shift.
  'L1.Filler.Total': steps([
    ['05:50:00', 58000],
    ['07:10:00', 59900],
    ['09:00:00', 62000],
    ['12:00:00', 65300],
    ['13:30:00', 65535 - 100],
    ['15:00:00', 900],
    ['18:00:00', 5200],
    ['20:00:00', 8600],
    ['21:59:00', 11000],
  ]),
  'L1.Filler.Reject': steps([
    ['05:50:00', 12000],
    ['07:37:00', 12008],
    ['12:00:00', 12040],
    ['14:12:00', 12052],
    ['20:27:00', 12060],
    ['21:59:00', 12090],
  ]),
  'L1.Capper.Running': steps([
    ['05:50:00', 0],
    ['06:01:00', 1],
    ['09:30:00', 0],
    ['09:45:00', 1],
    ['13:30:00', 0],
    ['14:11:00', 1],
    ['19:40:00', 0],
    ['20:26:00', 1],
    ['22:00:00', 0],
  ]),
  'L1.Capper.Fault': steps([
    ['05:50:00', 0],
    ['09:30:00', 1],
    ['09:45:00', 0],
  ]),
  'L1.Capper.FaultCode': steps([['09:30:00', 7]]),
  'L1.Capper.Blocked': steps([
    ['05:50:00', 0],
    ['12:40:00', 1],
    ['12:41:00', 0],
    ['19:40:00', 1],
    ['20:26:00', 0],
  ]),
  // 32-bit counter, restarted by a PLC reboot at 12:00 (drops to 0).
  'L1.Capper.Total': steps([
    ['05:50:00', 1000],
    ['09:30:00', 8000],
    ['12:00:00', 12000],
    ['12:00:02', 0],
    ['13:30:00', 2900],
    ['18:00:00', 11000],
    ['21:59:00', 17500],
  ]),
  'L1.Capper.Good': steps([
    ['05:50:00', 900],
    ['09:30:00', 7890],
    ['12:00:00', 11870],
    ['12:00:02', 0],
    ['13:30:00', 2880],
    ['18:00:00', 10950],
    ['21:59:00', 17400],
  ]),
}

export const exampleRange = { from: Date.parse('2024-01-10T00:00:00+01:00'), to: Date.parse('2024-01-11T00:00:00+01:00') }
