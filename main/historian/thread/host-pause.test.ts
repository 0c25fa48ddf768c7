import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { TagValue } from '../../../preload/contract'
import { computeMachineOee } from '../../oee/machine-oee'
import { MachineConfigSchema } from '../../oee/machine-config'
import type { TagSeries } from '../../oee/machine-state'
import { ShiftCalendarSchema } from '../../oee/shift-calendar'
import { HostPauseDetector, type HostClock, type HostPause } from './host-pause-detector'
import { ThreadedHistorian, type ThreadedHistorianOptions } from './threaded-historian'

const RUNNING = 1
const T0 = 1_700_000_000_000 // fixed: nothing here depends on the time of day

const sample = (tagId: string, t: number, value: number): TagValue => ({ tagId, value, quality: { status: 'good' }, sourceTime: t, receiveTime: t })

/** A host clock the test moves by hand: `sleep` stops the monotonic clock while the wall clock goes on, as a suspend does. */
function manualClock(wall: number): HostClock & { run(ms: number): void; sleep(ms: number): void; stall(ms: number): void } {
  let monotonic = 0
  return {
    monotonicMs: () => monotonic,
    wallMs: () => wall,
    run(ms) {
      monotonic += ms
      wall += ms
    },
    sleep(ms) {
      wall += ms
    },
    stall(ms) {
      monotonic += ms
      wall += ms
    },
  }
}

describe('HostPauseDetector', () => {
  it('reports a sleep (wall clock on, monotonic still) and a stalled loop (both on) past the threshold, each once', () => {
    const clock = manualClock(T0)
    const pauses: HostPause[] = []
    const detector = new HostPauseDetector({ clock, thresholdMs: 10_000, onPause: (p) => pauses.push(p) })
    for (let i = 0; i < 30; i++) {
      clock.run(1000)
      detector.check()
    }
    clock.run(9_000) // late, but under the threshold: a busy host, not a pause
    detector.check()
    expect(pauses).toEqual([])

    clock.sleep(150_000)
    detector.check()
    detector.check()
    expect(pauses).toEqual([{ lastSeen: T0 + 39_000, resumedAt: T0 + 189_000 }])

    clock.stall(12_000)
    detector.check()
    expect(pauses[1]).toEqual({ lastSeen: T0 + 189_000, resumedAt: T0 + 201_000 })
    expect(pauses).toHaveLength(2)
  })
})

describe('a host that did not run records the gap as no data', () => {
  const dirs: string[] = []
  const open: ThreadedHistorian[] = []
  const start = (options: Partial<ThreadedHistorianOptions>): ThreadedHistorian => {
    const dir = mkdtempSync(join(tmpdir(), 'otw-host-pause-'))
    dirs.push(dir)
    const historian = new ThreadedHistorian({ file: join(dir, 'h.otwh'), flushIntervalMs: 60_000, ...options })
    open.push(historian)
    return historian
  }
  afterEach(async () => {
    for (const h of open.splice(0)) await h.close().catch(() => undefined)
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
  })

  it('a 150 s sleep: every recorded tag gets a NaN mark 1 ms after the last check, and OEE leaves the gap out of planned time', async () => {
    const clock = manualClock(T0)
    const notices: string[] = []
    const historian = start({ pauseDetection: { clock }, onNotice: (_level, message) => notices.push(message) })
    // The filler runs at its ideal rate (1 unit/s) for 10 min, the host samples it every second; then the laptop
    // sleeps 150 s while the machine goes on; then 10 min more. Counters keep counting through the sleep.
    let count = 0
    const second = (t: number) => [sample('L1.State', t, RUNNING), sample('L1.Total', t, count++), sample('L1.Reject', t, 0)]
    for (let i = 0; i < 600; i++) {
      historian.record(second(clock.wallMs()))
      clock.run(1000)
    }
    const lastSeen = clock.wallMs() - 1000
    clock.sleep(150_000)
    count += 150
    const resumed = clock.wallMs()
    for (let i = 0; i < 600; i++) {
      historian.record(second(clock.wallMs()))
      clock.run(1000)
    }
    const end = clock.wallMs()

    const [state, total, reject] = await historian.queryRaw(['L1.State', 'L1.Total', 'L1.Reject'], T0, end)
    for (const series of [state, total, reject]) {
      const marks = Array.from(series.v.keys()).filter((i) => Number.isNaN(series.v[i]))
      expect(marks, `${series.tagId}: one mark`).toHaveLength(1)
      expect(series.t[marks[0]]).toBe(lastSeen + 1)
      expect(series.t[marks[0] + 1]).toBe(resumed)
      expect(series.q[marks[0]]).toBe(2)
      expect(series.qualityChanges.find((c) => c.t === lastSeen + 1)?.reason).toBe('the workstation was not running for 151 s (sleep or a stalled process)')
    }
    // Not seen running from the last check (1 s before it slept) until it ran again.
    expect(notices.join('\n')).toMatch(/did not run for 151 s .*recorded as no data for 3 tags/)

    // The OEE engine over the read-back: 150 s of no data, left out of planned time; the rest is running at ideal speed.
    const calendar = ShiftCalendarSchema.parse({ timeZone: 'UTC', shifts: [{ name: 'all day', start: '00:00', end: '00:00' }] })
    const machine = MachineConfigSchema.parse({
      id: 'filler',
      state: { kind: 'enum', tag: 'L1.State', map: { '1': 'running' } },
      counters: { totalTag: 'L1.Total', rejectTag: 'L1.Reject', bitWidth: 'none' },
      idealCycleS: 1,
    })
    const samples = (r: { t: Float64Array; v: Float64Array }) => Array.from(r.t, (t, i) => ({ t, v: r.v[i] }))
    const series: TagSeries = { 'L1.State': samples(state), 'L1.Total': samples(total), 'L1.Reject': samples(reject) }
    const range = { from: T0, to: end }
    const r = computeMachineOee(machine, calendar, series, range, 'range').periods[0]
    expect(r.noDataS).toBeCloseTo((resumed - lastSeen - 1) / 1000, 6)
    expect(r.plannedProductionS).toBeCloseTo((end - T0 - (resumed - lastSeen - 1)) / 1000, 6)
    expect(r.availability).toBe(1)
    // The counter step across the gap (150 units made while nothing was recorded) is left out with it.
    expect(r.counts.total).toBe(1198)
    expect(r.performance).toBeCloseTo(1198 / r.runS, 12)
    expect(r.performance).toBeGreaterThan(0.99)
  })

  it('a real stall of the event loop past a low threshold: the ticker marks it without waiting for a value', async () => {
    const historian = start({ pauseDetection: { thresholdMs: 300, intervalMs: 50 } })
    const before = Date.now()
    historian.record([sample('A', before, 1), sample('B', before, 2)])
    const stalledFrom = Date.now()
    while (Date.now() - stalledFrom < 800) {
      // the host holds its event loop (a long synchronous task)
    }
    // No value after the stall: the ticker alone finds it.
    await new Promise((resolve) => setTimeout(resolve, 200))
    const [a, b] = await historian.queryRaw(['A', 'B'], 0, 2 ** 45)
    for (const series of [a, b]) {
      expect(series.v).toHaveLength(2)
      expect(series.v[1]).toBeNaN()
      // Where the host was last seen running: before the stall began.
      expect(series.t[1]).toBeGreaterThan(before)
      expect(series.t[1]).toBeLessThanOrEqual(stalledFrom + 1)
    }
    const after = Date.now()
    historian.record([sample('A', after, 3)])
    const [again] = await historian.queryRaw(['A'], 0, 2 ** 45)
    expect(Array.from(again.t)).toEqual([before, a.t[1], after])
  })
})
