// One audit row per broker security apply, from the Deploy view or `otw deploy broker --yes`: who, when, the broker,
// the clients and roles changed (names and counts: the ACLs were in the plan's diff and would not fit a row) and the
// outcome. Never a password.
import type { BrokerChangeView } from '../../../preload/contract'
import type { WriteAuditLog } from '../../connections/writes/audit-log'

export type BrokerAuditResult = 'ok' | 'refused' | 'failed'

export function auditBrokerApply(
  audit: Pick<WriteAuditLog, 'append'> | undefined,
  entry: {
    time: number
    user: string
    /** The deploy target's id, or undefined from the command line without a saved target. */
    targetId?: string
    targetName: string
    brokerUrl: string
    changes: readonly BrokerChangeView[]
    result: BrokerAuditResult
    message: string
  },
): void {
  audit?.append({
    time: entry.time,
    user: entry.user,
    connectionId: `deploy:${entry.targetId ?? 'command-line'}`,
    connectionName: `${entry.targetName} (broker)`,
    tagId: 'broker security',
    address: entry.brokerUrl,
    oldValue: null,
    newValue: entry.changes.map((c) => `${c.change} ${c.kind} ${c.name} (+${c.added.length}/-${c.removed.length} ${c.kind === 'role' ? 'ACLs' : 'roles'})`),
    result: entry.result,
    message: entry.message,
  })
}
