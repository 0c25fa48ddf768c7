import { afterEach, describe, expect, it } from 'vitest'
import { alarmRuleSchema, type TagValue } from '../../../preload/contract'
import { tempDir } from '../../historian/test-helpers'
import { KeyFileSecretBox } from '../../secrets/secret-box'
import { AlarmService } from './alarm-service'
import { PlannedStopSuppression, plannedStopMachines } from './planned-stop-suppression'

const cleanups: Array<() => unknown> = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})
const value = (tagId: string, at: number, v: number): TagValue => ({ tagId, value: v, quality: { status: 'good' }, sourceTime: at, receiveTime: at })

describe('suppression during planned stops, from the OEE line state map', () => {
  it("a Capper rule raises nothing while the Capper's state is 6 (planned stop) and raises once it runs again", async () => {
    const tmp = tempDir()
    const clock = { now: 0 }
    const alarms = new AlarmService({
      dataDir: tmp.dir,
      history: { queryRaw: () => [] },
      user: 't',
      now: () => clock.now,
      tickMs: 60_000,
      box: KeyFileSecretBox.inDataDir(tmp.dir),
    })
    cleanups.push(tmp.remove, () => alarms.close())
    alarms.saveRule(
      alarmRuleSchema.parse({ id: 'hot', name: 'hot', tagId: 'Line1.Capper.HeadTemperature', machine: 'Capper', condition: { kind: 'high', limit: 80 } }),
    )
    const line = [{ id: 'Line1.Capper', name: 'Capper', state: { kind: 'enum', tag: 'Line1.Capper.State', map: { '1': 'running', '6': 'planned-stop' } } }]
    const watcher = new PlannedStopSuppression(
      alarms,
      () => plannedStopMachines(line),
      () => clock.now,
    )
    const feed = (values: TagValue[]): void => {
      watcher.ingest(values)
      alarms.ingest(values)
    }
    feed([value('Line1.Capper.State', 0, 6), value('Line1.Capper.HeadTemperature', 0, 90)])
    expect(alarms.active()).toEqual([])
    clock.now = 10_000
    feed([value('Line1.Capper.State', 10_000, 1), value('Line1.Capper.HeadTemperature', 10_000, 91)])
    expect(alarms.active().map((a) => a.state)).toEqual(['active-unacknowledged'])
    expect(
      alarms
        .journal()
        .reverse()
        .map((j) => `${j.cause} ${j.who ?? ''}`),
    ).toEqual(['suppress planned stop', 'unsuppress planned stop', 'condition '])
  })
})
