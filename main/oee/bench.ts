// Benchmark, not a test: `tsx main/oee/bench.ts`. Prints ONE JSON line on stdout; progress goes to stderr.
// The historian is being written at the same time, so series are generated in memory and fed to the engine directly.
import { performance } from 'node:perf_hooks'
import os from 'node:os'
import v8 from 'node:v8'
import vm from 'node:vm'
import { findBottleneck } from './line-oee'
import { MachineConfigSchema } from './machine-config'
import { calendarContext, computeMachinePeriod, prepareMachine } from './machine-oee'
import { naiveMachineOee } from './naive-oee-reference'
import { ShiftCalendarSchema, reportingPeriods } from './shift-calendar'
import { SYNTHETIC_STATE_MAP, syntheticMachineHistory } from './synthetic-machine-history'

// Collect the generator's garbage before each timed section so a GC it caused is not billed to the engine.
v8.setFlagsFromString('--expose-gc')
const fullGc = vm.runInNewContext('gc') as () => void
// After a full GC, V8 sweeps concurrently; give it a moment so it does not compete with the timed code for 2 cores.
const collectGarbage = () => {
  fullGc()
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 300)
}

const MACHINES = Number(process.env.OEE_BENCH_MACHINES ?? 10)
const DAYS = 30
const IDEAL_CYCLE_S = 1.2
const from = Date.parse('2024-03-04T00:00:00+01:00') // Monday; the month includes the spring DST change
const range = { from, to: from + DAYS * 86_400_000 - 3_600_000 }

const calendar = ShiftCalendarSchema.parse({
  timeZone: 'Europe/Berlin',
  shifts: [
    { name: 'early', start: '06:00', end: '14:00', days: [1, 2, 3, 4, 5, 6] },
    { name: 'late', start: '14:00', end: '22:00', days: [1, 2, 3, 4, 5, 6] },
    { name: 'night', start: '22:00', end: '06:00', days: [1, 2, 3, 4, 5] },
  ],
  breaks: [
    { start: '10:00', durationMin: 30 },
    { start: '18:00', durationMin: 30 },
    { start: '02:00', durationMin: 30 },
  ],
  holidays: ['2024-03-29', '2024-04-01'],
})
// Calendar expansion (luxon, time zones) is part of the month's computation, so it is timed too.
const calStart = performance.now()
const cal = calendarContext(calendar, range)
const shiftPeriods = reportingPeriods(calendar, range, 'shift')
const [wholeRange] = reportingPeriods(calendar, range, 'range')
const calendarS = (performance.now() - calStart) / 1000

let engineShiftS = calendarS
let engineCpuUs = 0
const cpu = () => {
  const u = process.cpuUsage()
  return u.user + u.system
}
let engineRangeS = calendarS
let naiveS = 0
let maxOeeDiff = 0
let samples = 0
const prepared: ReturnType<typeof prepareMachine>[] = []
for (let i = 0; i < MACHINES; i++) {
  const id = `M${i + 1}`
  const series = syntheticMachineHistory({ machine: id, from: range.from, days: DAYS, seed: 1000 + i, idealCycleS: IDEAL_CYCLE_S })
  for (const s of Object.values(series)) samples += s.length
  const config = MachineConfigSchema.parse({
    id,
    state: { kind: 'enum', tag: `${id}.State`, map: SYNTHETIC_STATE_MAP },
    counters: { totalTag: `${id}.Total`, rejectTag: `${id}.Reject`, bitWidth: 16 },
    idealCycleS: IDEAL_CYCLE_S,
  })
  // One untimed warm-up on the first machine: JIT compilation and heap growth are start-up costs, not per-month costs.
  if (i === 0) computeMachinePeriod(prepareMachine(config, series, range), cal, wholeRange)
  collectGarbage()
  const c0 = cpu()
  let t0 = performance.now()
  const m = prepareMachine(config, series, range)
  const prepareS = (performance.now() - t0) / 1000
  engineCpuUs += cpu() - c0
  t0 = performance.now()
  const whole = computeMachinePeriod(m, cal, wholeRange)
  engineRangeS += prepareS + (performance.now() - t0) / 1000
  engineShiftS += prepareS
  prepared.push(m)

  collectGarbage()
  t0 = performance.now()
  const naive = naiveMachineOee({
    state: series[`${id}.State`],
    stateMap: SYNTHETIC_STATE_MAP,
    total: series[`${id}.Total`],
    reject: series[`${id}.Reject`],
    bitWidth: 16,
    idealCycleS: IDEAL_CYCLE_S,
    minorStopThresholdS: 120,
    shifts: cal.shifts,
    plannedStops: cal.plannedStops,
    period: wholeRange,
  })
  naiveS += (performance.now() - t0) / 1000
  maxOeeDiff = Math.max(maxOeeDiff, Math.abs((whole.oee ?? 0) - naive.oee))
  process.stderr.write(`machine ${i + 1}/${MACHINES}: prepared in ${prepareS.toFixed(3)} s, naive month ${naiveS.toFixed(1)} s so far\n`)
}

// Per-shift results for the whole line (every machine, every shift, bottleneck per shift).
collectGarbage()
const c0 = cpu()
const t0 = performance.now()
let results = 0
for (const period of shiftPeriods) {
  const perMachine = prepared.map((m) => computeMachinePeriod(m, cal, period))
  findBottleneck(perMachine)
  results += perMachine.length
}
engineShiftS += (performance.now() - t0) / 1000
engineCpuUs += cpu() - c0

console.log(
  JSON.stringify({
    bench: 'oee-month',
    machines: MACHINES,
    days: DAYS,
    samples,
    shift_results: results,
    month_compute_s: Number(engineShiftS.toFixed(3)),
    month_compute_target_s: 2,
    month_compute_cpu_s: Number((engineCpuUs / 1e6).toFixed(3)),
    engine_whole_range_s: Number(engineRangeS.toFixed(3)),
    naive_month_compute_s: Number(naiveS.toFixed(3)),
    naive_vs_engine_max_oee_diff: maxOeeDiff,
    load_average_1m: Number(os.loadavg()[0].toFixed(2)),
    cpus: os.cpus().length,
    note: 'month_compute_s: 10 machines x 30 days at 1 Hz (state, total, reject), results per shift + bottleneck; naive = per-sample reference, whole month as one range (less work); series generated in memory (historian not yet available), generation not timed; one untimed warm-up; machines prepared one after another to bound memory',
  }),
)
