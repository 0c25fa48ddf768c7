import { afterEach, expect, it } from 'vitest'
import { configTags, demoLineConfig } from './demo-line-config'
import type { OeeComputationInput } from './oee-computation'
import { OeeThread } from './oee-thread-client'

const HOUR = 3_600_000
const FROM = Date.parse('2024-01-10T06:00:00Z')

/** The demo line over an hour with one machine's state recorded: running, then faulted for 15 min. */
function input(): OeeComputationInput {
  const config = demoLineConfig('UTC')
  const state = config.lines[0].machines[0].state
  const stateTag = state.kind === 'enum' ? state.tag : state.runningTag
  const raw = [{ tagId: stateTag, t: Float64Array.of(FROM, FROM + HOUR / 4, FROM + HOUR / 2), v: Float64Array.of(1, 5, 1) }]
  return {
    config,
    range: { from: FROM, to: FROM + HOUR },
    by: 'shift',
    timeline: true,
    history: { start: FROM - 6 * HOUR, before: configTags(config).map(() => null), raw },
  }
}

let thread: OeeThread
afterEach(async () => {
  await thread.close()
})

it('computes on its thread, moving the historian columns there instead of copying them', async () => {
  thread = new OeeThread()
  const job = input()
  const column = job.history.raw[0].t
  const result = await thread.compute(job)
  expect(column.length, 'the column was transferred').toBe(0)
  expect(result.summary.machines[0].stateMin.faulted).toBeCloseTo(15, 9)
  expect(result.timeline[0].segments.map((s) => s.state)).toEqual(['running', 'faulted', 'running'])
  expect(result.events.filter((e) => e.state === 'faulted')).toHaveLength(1)
})

it('fails the computations in flight when its thread dies, saying so, and starts a new thread for the next one', async () => {
  thread = new OeeThread()
  const lost = thread.compute(input())
  await thread.thread!.terminate()
  await expect(lost).rejects.toMatchObject({ code: 'UNAVAILABLE', message: expect.stringMatching(/OEE computation thread stopped .* run the report again/) })
  expect((await thread.compute(input())).summary.machines[0].stateMin.faulted).toBeCloseTo(15, 9)
})

it('refuses computations once closed', async () => {
  thread = new OeeThread()
  await thread.close()
  await expect(thread.compute(input())).rejects.toMatchObject({ code: 'UNAVAILABLE', message: 'The OEE service is closed' })
})
