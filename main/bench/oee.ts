// Benchmark, not a test: `tsx main/bench/oee.ts`. Prints ONE JSON line on stdout; progress goes to stderr.
// A month of 1 Hz history for 10 machines is written into a real historian file once (cached by parameters), then
// timed: reading it back through the live OEE service's path (main/oee/service) plus the computation.
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import v8 from 'node:v8'
import vm from 'node:vm'
import { openHistorian, type Historian } from '../historian'
import { OeeService } from '../oee/service/oee-service'
import { calendarContext } from '../oee/machine-oee'
import { OeeConfigSchema } from '../oee/machine-config'
import type { Sample } from '../oee/machine-state'
import { naiveMachineOee } from '../oee/naive-oee-reference'
import { reportingPeriods, type ShiftCalendarInput } from '../oee/shift-calendar'
import { SYNTHETIC_STATE_MAP, syntheticMachineColumns, syntheticMachineConfig } from '../oee/synthetic-machine-history'

v8.setFlagsFromString('--expose-gc')
const fullGc = vm.runInNewContext('gc') as () => void
// After a full GC V8 sweeps concurrently; give it a moment so it does not compete with the timed code for 2 cores.
const collectGarbage = () => {
  fullGc()
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 300)
}
const log = (s: string) => process.stderr.write(`${s}\n`)

const MACHINES = Number(process.env.OEE_BENCH_MACHINES ?? 10)
const DAYS = Number(process.env.OEE_BENCH_DAYS ?? 30)
const SEED = 1000
const IDEAL_CYCLE_S = 1.2
const from = Date.parse('2024-03-04T00:00:00+01:00') // Monday; the month includes the spring DST change
const range = { from, to: from + DAYS * 86_400_000 - 3_600_000 }
const GENERATOR_VERSION = 1

const calendar: ShiftCalendarInput = {
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
}
const ids = Array.from({ length: MACHINES }, (_, i) => `M${i + 1}`)
const config = OeeConfigSchema.parse({
  calendar,
  line: {
    name: 'Bench line',
    machines: ids.map((id) => syntheticMachineConfig(id, IDEAL_CYCLE_S)),
  },
})

// The file is cached by everything that shapes its content; delete the folder to write it again.
const benchDir = process.env.OEE_BENCH_DIR ?? join(os.tmpdir(), 'otw-bench')
const historianFile = join(benchDir, `oee-month-m${MACHINES}-d${DAYS}-s${SEED}-v${GENERATOR_VERSION}.otwh`)

/**
 * Writes the month the way the live recorder does: 1 Hz samples appended per tag, state and counters recorded
 * on change (a PLC state register repeats its value every second; the historian keeps the changes).
 */
function writeMonth(file: string): { samples: number; recorded: number; seconds: number } {
  const partial = `${file}.partial`
  rmSync(partial, { force: true })
  rmSync(`${partial}-wal`, { force: true })
  rmSync(`${partial}-shm`, { force: true })
  const t0 = performance.now()
  const h = openHistorian({ file: partial, flushIntervalMs: 0, retentionIntervalMs: 0 })
  let samples = 0
  let recorded = 0
  try {
    for (const [i, id] of ids.entries()) {
      const cols = syntheticMachineColumns({ machine: id, from: range.from, days: DAYS, seed: SEED + i, idealCycleS: IDEAL_CYCLE_S })
      for (const [tag, v] of Object.entries(cols.values)) {
        h.setTagConfig(tag, { onChange: true, dataType: 'Int32' })
        for (let k = 0; k < v.length; k++) if (h.append(tag, cols.from + k * 1000, v[k])) recorded++
        samples += v.length
        h.flush()
      }
      log(`wrote machine ${i + 1}/${MACHINES} (${samples.toLocaleString('en')} samples offered, ${recorded.toLocaleString('en')} recorded)`)
    }
  } finally {
    h.close()
  }
  renameSync(partial, file)
  return { samples, recorded, seconds: (performance.now() - t0) / 1000 }
}

mkdirSync(benchDir, { recursive: true })
let written: ReturnType<typeof writeMonth> | null = null
if (!existsSync(historianFile)) {
  log(`writing ${MACHINES} machines × ${DAYS} days of 1 Hz history into ${historianFile} (once; cached afterwards)`)
  written = writeMonth(historianFile)
} else log(`using cached ${historianFile}`)

const historian: Historian = openHistorian({ file: historianFile, flushIntervalMs: 0, retentionIntervalMs: 0 })
const dataDir = mkdtempSync(join(os.tmpdir(), 'otw-oee-bench-'))
const service = new OeeService({ dataDir, historian, config, now: () => range.to })
const cpu = () => {
  const u = process.cpuUsage()
  return u.user + u.system
}

try {
  // One untimed warm-up on a day: JIT compilation and first page-ins of the file are start-up costs.
  await service.compute({ from: range.from, to: range.from + 86_400_000, by: 'shift' })
  const timings: number[] = []
  let cpuS = 0
  let readS = 0
  let last: Awaited<ReturnType<OeeService['compute']>> | undefined
  for (let run = 0; run < 3; run++) {
    collectGarbage()
    const c0 = cpu()
    const t0 = performance.now()
    last = await service.compute({ ...range, by: 'shift' })
    timings.push((performance.now() - t0) / 1000)
    cpuS = (cpu() - c0) / 1e6
    collectGarbage()
    const r0 = performance.now()
    await service.readHistory(config, range.from, range.to)
    readS = (performance.now() - r0) / 1000
    log(`run ${run + 1}/3: month read + computed in ${timings[run].toFixed(3)} s (read alone ${readS.toFixed(3)} s)`)
  }
  const shiftResults = (last?.periods.length ?? 0) * MACHINES
  const engine = last!.summary.machines

  // Full report once more: what the OEE view asks for (also stores the month's stops in production.db the first time).
  collectGarbage()
  let t0 = performance.now()
  await service.report({ ...range, by: 'shift' })
  const firstReportS = (performance.now() - t0) / 1000
  collectGarbage()
  t0 = performance.now()
  await service.report({ ...range, by: 'shift' })
  const reportS = (performance.now() - t0) / 1000

  // The peer figure: the per-sample reference on the same samples (read back as one object per second, not timed).
  const cal = calendarContext(config.calendar, range)
  const [wholeRange] = reportingPeriods(config.calendar, range, 'range')
  let naiveS = 0
  let maxOeeDiff = 0
  let samplesRead = 0
  for (const [i, id] of ids.entries()) {
    const [state, total, reject] = historian.queryRaw([`${id}.State`, `${id}.Total`, `${id}.Reject`], range.from - 86_400_000, range.to)
    // Every second as a sample, as a per-sample method sees the PLC: the held value at each second.
    const perSecond = (r: { t: Float64Array; v: Float64Array }): Sample[] => {
      const out: Sample[] = []
      let k = 0
      let v = Number.NaN
      for (let t = range.from - 60_000; t < range.to; t += 1000) {
        while (k < r.t.length && r.t[k] <= t) v = r.v[k++]
        out.push({ t, v })
      }
      return out
    }
    const input = { state: perSecond(state), total: perSecond(total), reject: perSecond(reject) }
    samplesRead += state.t.length + total.t.length + reject.t.length
    collectGarbage()
    const n0 = performance.now()
    const naive = naiveMachineOee({
      ...input,
      stateMap: SYNTHETIC_STATE_MAP,
      bitWidth: 16,
      idealCycleS: IDEAL_CYCLE_S,
      minorStopThresholdS: 120,
      shifts: cal.shifts,
      plannedStops: cal.plannedStops,
      period: wholeRange,
    })
    naiveS += (performance.now() - n0) / 1000
    maxOeeDiff = Math.max(maxOeeDiff, Math.abs((engine[i].oee ?? 0) - naive.oee))
    log(`reference machine ${i + 1}/${MACHINES}: ${naiveS.toFixed(1)} s so far`)
  }

  const best = Math.min(...timings)
  console.log(
    JSON.stringify({
      bench: 'oee-month',
      machines: MACHINES,
      days: DAYS,
      samples_per_second_of_history: MACHINES * 3,
      samples_offered: MACHINES * 3 * DAYS * 86_400,
      samples_stored: samplesRead,
      shift_results: shiftResults,
      month_compute_s: Number(best.toFixed(3)),
      month_compute_runs_s: timings.map((t) => Number(t.toFixed(3))),
      month_compute_target_s: 2,
      month_compute_cpu_s: Number(cpuS.toFixed(3)),
      historian_read_s: Number(readS.toFixed(3)),
      report_first_s: Number(firstReportS.toFixed(3)),
      report_s: Number(reportS.toFixed(3)),
      naive_month_compute_s: Number(naiveS.toFixed(3)),
      naive_vs_engine_max_oee_diff: maxOeeDiff,
      historian_write_s: written ? Number(written.seconds.toFixed(1)) : null,
      historian_file: historianFile,
      load_average_1m: Number(os.loadavg()[0].toFixed(2)),
      cpus: os.cpus().length,
      note: 'month_compute_s: best of 3 runs of OeeService.compute (historian read of 30 tags over the month through the live service path + whole-month and per-shift OEE, losses, bottleneck per shift); report_s: the full oee.report (adds the state timeline and the stop check against production.db; report_first_s also stores the month of stops); naive = per-sample reference on every second (whole month as one range), input built untimed',
    }),
  )
} finally {
  await service.close()
  historian.close()
  rmSync(dataDir, { recursive: true, force: true })
}
