import { describe, expect, it } from 'vitest'
import type { OeeMachineResult, OeeReport } from '../../../../preload/contract'
import { reportCsv } from './oee-csv'

const losses = { breakdowns: 12.040600000000001, setupAndAdjustments: 0, minorStops: 3.3333333333, reducedSpeed: 0, processDefects: 0, startupRejects: 0 }
const machine = {
  machine: 'M1',
  name: 'Filler',
  availability: 0.84312345,
  performance: 0.9,
  quality: 1,
  oee: 0.758811,
  plannedProductionMin: 480,
  noDataMin: 0,
  runMin: 404.6666667,
  counts: { total: 10, good: 10, reject: 0 },
  lossMin: losses,
} as unknown as OeeMachineResult
const period = {
  label: 'Early',
  kind: 'shift',
  start: 0,
  end: 1,
  line: { measuredAt: 'M1', availability: 0.84312345, performance: 0.9, quality: 1, oee: 0.758811 },
  bottleneck: { machine: 'M1', ownLossMin: 15 },
  output: { total: 10, good: 10 },
  machines: [machine],
} as const
const report = {
  line: 'Packaging',
  timeZone: 'UTC',
  from: 0,
  to: 1,
  by: 'shift',
  noDataTime: 'exclude',
  summary: period,
  periods: [],
  timeline: [],
  warnings: [],
} as unknown as OeeReport

describe('OEE report CSV', () => {
  it('names machines and rounds percentages and minutes to a tenth', () => {
    const [head, row, line] = reportCsv(report).trim().split('\n')
    expect(head).toContain('machine,machine_name,availability_pct')
    expect(row).toBe(
      'Early,1970-01-01T00:00:00.000Z,1970-01-01T00:00:00.001Z,M1,Filler,84.3,90.0,100.0,75.9,480.0,0.0,exclude,404.7,10,0,12.0,0.0,3.3,0.0,0.0,0.0,M1',
    )
    expect(line.split(',').slice(3, 9)).toEqual(['LINE', 'Packaging', '84.3', '90.0', '100.0', '75.9'])
  })
})
