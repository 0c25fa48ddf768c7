import { describe, expect, it } from 'vitest'
import type { Connector } from '../connectors/connector'
import type { ConnectionManager } from './connection-manager'
import { connectionHandlers } from './connection-handlers'
import type { AuditEntry } from '../../preload/contract'
import type { WriteAuditLog } from './writes/audit-log'
import { WriteGuard } from './writes/write-guard'

// An unarmed connection refuses before anything reaches the device: only its name and the audit log are needed.
function unarmed() {
  const audited: Omit<AuditEntry, 'id'>[] = []
  const audit = { append: (entry: Omit<AuditEntry, 'id'>) => audited.push(entry) } as unknown as WriteAuditLog
  const connector = { id: 'c1', protocol: 'mqtt', status: () => ({ name: 'Line 1 PLC' }) } as unknown as Connector
  const guard = new WriteGuard({ audit, connector: (id) => (id === 'c1' ? connector : undefined), user: 'tester', now: () => 0 })
  const handlers = connectionHandlers({} as ConnectionManager, guard, {} as WriteAuditLog)
  return { handlers, audited }
}

const refusal = async (run: Promise<unknown>): Promise<string> => {
  try {
    await run
  } catch (error) {
    expect(error).toMatchObject({ code: 'WRITE_REFUSED' })
    return (error as Error).message
  }
  throw new Error('not refused')
}

describe('the refusal of an unarmed connection says what was asked', () => {
  it('a register write is "writing", a method "calling", a publish "publishing"; the audit still names the target', async () => {
    const { handlers, audited } = unarmed()
    const arm = 'Line 1 PLC is not armed — arm it in Connections (Arm writes, 5 minutes) before'
    expect(
      await refusal(
        handlers['modbus.monitorWrite']({
          id: 'c1',
          unitId: 1,
          table: 'hr',
          offset: 0,
          shown: [0, 0],
          values: [0x4060, 0],
          format: 'float32 ABCD',
          shownText: '0',
          newText: '3.5',
        }),
      ),
    ).toBe(`${arm} writing 3.5 (float32 ABCD) to unit 1 40001-40002 (hr:0-1)`)
    expect(await refusal(handlers['connections.callMethod']({ id: 'c1', objectId: 'ns=1;s=Line', methodId: 'ns=1;s=Reset', inputs: [] }))).toBe(
      `${arm} calling method ns=1;s=Reset`,
    )
    expect(await refusal(handlers['mqtt.publish']({ id: 'c1', topic: 'plant/line1/cmd', payload: '{}', qos: 1, retain: false }))).toBe(
      `${arm} publishing to plant/line1/cmd`,
    )
    expect(await refusal(handlers['mqtt.clearRetained']({ id: 'c1', topic: 'plant/line1/recipe' }))).toBe(
      `${arm} clearing the retained message of plant/line1/recipe`,
    )
    expect(audited.map((a) => [a.tagId, a.result])).toEqual([
      ['unit 1 40001-40002 (hr:0-1) float32 ABCD', 'refused'],
      ['method ns=1;s=Reset', 'refused'],
      ['publish plant/line1/cmd', 'refused'],
      ['clear retained plant/line1/recipe', 'refused'],
    ])
  })
})
