import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { TagValue } from '../../../preload/contract'
import { openHistorian } from '..'
import { computeMachineOee } from '../../oee/machine-oee'
import { MachineConfigSchema } from '../../oee/machine-config'
import type { TagSeries } from '../../oee/machine-state'
import { ShiftCalendarSchema } from '../../oee/shift-calendar'
import { historyHandlers } from './history-handlers'
import { ThreadedHistorian } from './threaded-historian'

const HOUR = 3_600_000
const RUNNING = 1
const IDLE = 2

const sample = (tagId: string, t: number, value: number | boolean | null, status: 'good' | 'bad' = 'good'): TagValue => ({
  tagId,
  value,
  quality: { status },
  sourceTime: t,
  receiveTime: t,
})

/** Around the clock, so every minute of the range is planned calendar time. */
const calendar = ShiftCalendarSchema.parse({ timeZone: 'UTC', shifts: [{ name: 'all day', start: '00:00', end: '00:00' }] })
const machine = MachineConfigSchema.parse({
  id: 'filler',
  state: { kind: 'enum', tag: 'L1.State', map: { '1': 'running', '2': 'idle' } },
  counters: { totalTag: 'L1.Total', rejectTag: 'L1.Reject' },
  idealCycleS: 1,
})

describe('a clean stop of recording leaves a "no data" mark in the historian', () => {
  const dirs: string[] = []
  const open: ThreadedHistorian[] = []
  const historianFile = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'otw-recording-stop-'))
    dirs.push(dir)
    return join(dir, 'h.otwh')
  }
  const start = (file: string): ThreadedHistorian => {
    const historian = new ThreadedHistorian({ file, flushIntervalMs: 60_000 })
    open.push(historian)
    return historian
  }
  afterEach(async () => {
    for (const h of open.splice(0)) await h.close().catch(() => undefined)
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
  })

  it('marks every recorded numeric tag at the stop; OEE leaves the time after it out of planned time, trends show a gap', async () => {
    const file = historianFile()
    // Session 1: three hours before the stop, the filler runs for an hour, then idles until the workstation closes.
    // On a whole hour, so rollup buckets line up with the range (a rollup bucket cut by the range start is left out).
    const t0 = Math.floor((Date.now() - 3 * HOUR) / HOUR) * HOUR
    const first = start(file)
    first.record([sample('L1.State', t0, RUNNING), sample('L1.Running', t0, true), sample('L1.Recipe', t0, 'A12' as unknown as number)])
    first.record(Array.from({ length: 60 }, (_, i) => sample('L1.Speed', t0 + i * 60_000, 100 + i)))
    first.record([sample('L1.State', t0 + HOUR, IDLE)])
    // A tag whose last sample already says "no data" (a bad read) gets no second mark.
    first.record([sample('L1.Temp', t0, 20), sample('L1.Temp', t0 + 60_000, null, 'bad')])
    await first.close()

    const plain = openHistorian({ file, flushIntervalMs: 0, retentionIntervalMs: 0 })
    const [state, running, recipe, speed, temp] = plain.queryRaw(['L1.State', 'L1.Running', 'L1.Recipe', 'L1.Speed', 'L1.Temp'], 0, 2 ** 45)
    plain.close()
    expect(Array.from(state.v.subarray(0, 2))).toEqual([RUNNING, IDLE])
    expect(state.v).toHaveLength(3)
    expect(state.v[2]).toBeNaN()
    expect(state.q[2]).toBe(2)
    expect(state.qualityChanges.at(-1)?.reason).toBe('recording stopped')
    const stop = state.t[2]
    expect(stop).toBeGreaterThan(t0 + HOUR)
    // Every numeric tag is marked at the same stop; text is not recorded, so it gets no mark either.
    expect(running.v).toHaveLength(2)
    expect(running.v[1]).toBeNaN()
    expect(running.t[1]).toBe(stop)
    expect(speed.t.at(-1)).toBe(stop)
    expect(speed.v.at(-1)).toBeNaN()
    expect(recipe.t).toHaveLength(0)
    expect(temp.v).toHaveLength(2)

    // Session 2 starts two hours after the stop and records the filler running.
    const restart = stop + 2 * HOUR
    const second = start(file)
    second.record([sample('L1.State', restart, RUNNING)])
    second.record(Array.from({ length: 60 }, (_, i) => sample('L1.Speed', restart + i * 60_000, 200 + i)))
    const end = restart + HOUR
    const [readState] = await second.queryRaw(['L1.State'], t0, end)

    // The OEE engine over the read-back series: the two hours are no data, left out of planned time.
    const series: TagSeries = { 'L1.State': Array.from(readState.t, (t, i) => ({ t, v: readState.v[i] })) }
    const r = computeMachineOee(machine, calendar, series, { from: t0, to: end }, 'range').periods[0]
    expect(r.noDataTime).toBe('exclude')
    expect(r.noDataS).toBe(2 * 3600)
    expect(r.stateS['no-data']).toBe(2 * 3600)
    expect(r.stateS.idle).toBeCloseTo((stop - t0 - HOUR) / 1000, 6)
    expect(r.plannedProductionS).toBeCloseTo((end - t0) / 1000 - 2 * 3600, 6)
    expect(r.runS).toBe(2 * 3600)
    expect(r.availability).toBeCloseTo(7200 / ((stop - t0) / 1000 + 3600), 12)

    // Rollups over a range holding the mark count the values only (min, max, average); the gap reads as a gap.
    const handlers = historyHandlers(second, join(dirs[0], 'exports'))
    const [whole] = await handlers['history.buckets']({ tagIds: ['L1.Speed'], from: t0, to: Math.ceil(end / HOUR) * HOUR, buckets: 1 })
    expect(whole.count[0]).toBe(120)
    expect(whole.min[0]).toBe(100)
    expect(whole.max[0]).toBe(259)
    expect(whole.avg[0]).toBeCloseTo((60 * (100 + 159) + 60 * (200 + 259)) / 2 / 120, 9)
    const hourly = await handlers['history.buckets']({ tagIds: ['L1.Speed'], from: stop, to: restart - 1, buckets: 2 })
    expect(hourly[0].count).toEqual([0, 0])
    expect(hourly[0].avg).toEqual([null, null])
    const [raw] = await handlers['history.raw']({ tagIds: ['L1.Speed'], from: stop, to: restart })
    expect(raw.v).toEqual([null, 200])
    expect(raw.q[0]).toBe(2)
    // And exactly so from the rollup tables after a flush.
    await second.flush()
    const [afterFlush] = await second.queryBuckets(['L1.Speed'], t0, Math.ceil(end / HOUR) * HOUR, 1)
    expect([afterFlush.count[0], afterFlush.min[0], afterFlush.max[0]]).toEqual([120, 100, 259])
  })

  it('records a value older than the stop mark (unchanged since before the stop) just after the mark instead of refusing it', async () => {
    const file = historianFile()
    const t0 = Date.now() - HOUR
    const first = start(file)
    first.record([sample('L1.State', t0, RUNNING)])
    await first.close()
    const second = start(file)
    // An OPC UA subscription delivers the current value with the source time of its last change, before the stop.
    second.record([sample('L1.State', t0 + 1000, IDLE)])
    const [state] = await second.queryRaw(['L1.State'], 0, 2 ** 45)
    expect(Array.from(state.v.subarray(0, 1))).toEqual([RUNNING])
    expect(state.v[1]).toBeNaN()
    expect(state.v[2]).toBe(IDLE)
    expect(state.t[2]).toBe(state.t[1] + 1)
    // Later values go on as usual; a sample older than a stored value (not a mark) is still refused.
    second.record([sample('L1.State', state.t[2] + 5000, RUNNING), sample('L1.State', state.t[2] + 1000, IDLE)])
    const [after] = await second.queryRaw(['L1.State'], 0, 2 ** 45)
    expect(Array.from(after.v.subarray(2))).toEqual([IDLE, RUNNING])
  })

  it('marks the tags of one connection when their recording ends while the app runs; their next value starts it again', async () => {
    const file = historianFile()
    const t0 = Date.now() - HOUR
    const historian = start(file)
    historian.record([sample('A.State', t0, RUNNING), sample('B.State', t0, RUNNING)])
    historian.endRecording(['A.State', 'Unknown.Tag'], 'connection A removed')
    historian.endRecording(['A.State'], 'connection A removed') // already marked: no second mark
    const [a, b] = await historian.queryRaw(['A.State', 'B.State'], 0, 2 ** 45)
    expect(a.v).toHaveLength(2)
    expect(a.v[1]).toBeNaN()
    expect(a.t[1]).toBeGreaterThan(t0)
    expect(a.qualityChanges.at(-1)?.reason).toBe('connection A removed')
    expect(Array.from(b.v)).toEqual([RUNNING])
    historian.record([sample('A.State', a.t[1] + 10_000, IDLE)])
    const [again] = await historian.queryRaw(['A.State'], 0, 2 ** 45)
    expect(again.v[2]).toBe(IDLE)
  })

  it('marks a lost connection once (its values come again marked stale); the value re-sent on reconnecting goes on after the mark', async () => {
    const file = historianFile()
    const t0 = Date.now() - HOUR
    const historian = start(file)
    const stale = (tagId: string, t: number, value: number | null, status: 'good' | 'bad' | 'uncertain', reason: string): TagValue => ({
      tagId,
      value,
      quality: { status, reason },
      sourceTime: t,
      receiveTime: t,
      stale: true,
    })
    historian.record([sample('A.State', t0, RUNNING), sample('B.State', t0, RUNNING), sample('B.State', t0 + 1000, null, 'bad')])
    // The connector flags its last values stale, then the workbench does too: one mark; B's bad read already says so.
    historian.record([stale('A.State', t0, RUNNING, 'bad', 'broker connection lost'), stale('B.State', t0 + 1000, null, 'bad', 'broker connection lost')])
    historian.record([stale('A.State', t0, RUNNING, 'uncertain', 'Line A: reconnecting')])
    const [a, b] = await historian.queryRaw(['A.State', 'B.State'], 0, 2 ** 45)
    expect(a.v).toHaveLength(2)
    expect(a.v[1]).toBeNaN()
    expect(a.qualityChanges.at(-1)?.reason).toBe('broker connection lost')
    expect(b.v).toHaveLength(2)
    // Reconnected: the server sends the unchanged value with its old source time; it is recorded right after the mark.
    historian.record([sample('A.State', t0, RUNNING)])
    const [again] = await historian.queryRaw(['A.State'], 0, 2 ** 45)
    expect(again.v[2]).toBe(RUNNING)
    expect(again.t[2]).toBe(a.t[1] + 1)
  })
})
