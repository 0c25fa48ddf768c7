import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ActiveAlarm, AlarmCount } from '../../../preload/contract'
import { createWorkbench, type Workbench } from '../../workbench'

// The whole path over the router, as the UI takes it: the demo plant's live values raise an alarm, a person acknowledges it.
const TAG = 'Line1.Capper.Speed'
let dir: string
let workbench: Workbench
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'otw-alarms-wb-'))
  workbench = createWorkbench({ dataDir: dir, host: 'browser', demoPlant: { ports: 'auto', seed: 7 }, user: 'operator' })
  await workbench.start()
}, 60_000)
afterAll(async () => {
  await workbench?.stop()
  rmSync(dir, { recursive: true, force: true })
})

async function call<T>(channel: string, input: unknown): Promise<T> {
  const result = await workbench.router.call(channel, input)
  if (!result.ok) throw new Error(`${channel}: ${result.error.code} ${result.error.message}`)
  return result.output as T
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms
  for (;;) {
    const found = await probe()
    if (found !== undefined) return found
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

describe('alarms over the router with the demo plant', () => {
  it('a low-threshold rule on a demo tag is raised by live values, counted, acknowledged and journaled', async () => {
    const counts: AlarmCount[] = []
    const close = workbench.router.open('alarms.count', undefined, { emit: (c) => counts.push(c as AlarmCount), end: () => {}, congested: () => false })
    await call('alarms.saveRule', { rule: { id: 'capper-moving', name: 'Capper moving', tagId: TAG, condition: { kind: 'high', limit: -1 } } })
    const [alarm] = await until('the alarm', async () => {
      const active = await call<ActiveAlarm[]>('alarms.active', {})
      return active.length > 0 ? active : undefined
    })
    expect(alarm).toMatchObject({ ruleId: 'capper-moving', state: 'active-unacknowledged', tagId: TAG })
    await until('the count', async () => (counts.at(-1)?.active === 1 ? true : undefined))
    expect(counts.at(-1)).toEqual({ active: 1, unacknowledged: 1, shelved: 0 })
    await call('alarms.acknowledge', { ruleIds: ['capper-moving'] })
    await until('the count after acknowledging', async () => (counts.at(-1)?.unacknowledged === 0 ? true : undefined))
    expect(counts.at(-1)).toEqual({ active: 1, unacknowledged: 0, shelved: 0 })
    await call('alarms.shelve', { ruleIds: ['capper-moving'], durationMs: 60_000 })
    await until('the count after shelving', async () => (counts.at(-1)?.shelved === 1 ? true : undefined))
    expect(counts.at(-1)).toEqual({ active: 0, unacknowledged: 0, shelved: 1 })
    const journal = await call<Array<{ cause: string; who: string | null }>>('alarms.journal', { ruleId: 'capper-moving' })
    expect(journal.map((j) => [j.cause, j.who])).toEqual([
      ['shelve', 'operator'],
      ['acknowledge', 'operator'],
      ['condition', null],
    ])
    close()
  })

  it('bad input is refused with a code that says what failed', async () => {
    const bad = await workbench.router.call('alarms.saveRule', { rule: { id: 'x y', name: 'n', tagId: TAG, condition: { kind: 'high' } } })
    expect(bad).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } })
    const missing = await workbench.router.call('alarms.shelve', { ruleIds: ['nope'], durationMs: 1000 })
    expect(missing).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', message: expect.stringContaining('nope') } })
  })
})
