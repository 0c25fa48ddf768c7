import { randomUUID } from 'node:crypto'
import { userInfo } from 'node:os'
import { WorkbenchError, type ArmStatus, type PreparedWrite, type TagInfo, type TagValue, type WriteResult } from '../../preload/contract'
import type { Connector } from '../connectors/connector'
import type { WriteAuditLog } from './audit-log'
import { checkWriteValue } from './value-checks'

export const DEFAULT_ARM_MINUTES = 5
/** A prepared write not confirmed within this long must be prepared again (the old value may have changed). */
export const PREPARED_WRITE_TTL_MS = 120_000

export interface WriteGuardOptions {
  audit: WriteAuditLog
  /** Any connector of the workbench by id (hand-made and the demo plant's). */
  connector(id: string): Connector | undefined
  /** Who is written in the audit log; default the OS user name. */
  user?: string
  now?: () => number
}

type Value = TagValue['value']
interface Pending {
  prepared: PreparedWrite
  connector: Connector
}

/** A driver behind a stable wrapper (ManagedConnection) is the one whose capabilities count. */
const driverOf = (connector: Connector): Connector => (connector as { inner?: Connector }).inner ?? connector

function osUser(): string {
  try {
    return userInfo().username
  } catch {
    return process.env.USER ?? process.env.USERNAME ?? 'unknown'
  }
}

/**
 * Connections are read-only until armed for a while; each write is prepared (read the current value, check type and
 * range) and then committed with the prepared id. Every attempt lands in the audit log.
 */
export class WriteGuard {
  private readonly armed = new Map<string, { until: number; timer: NodeJS.Timeout }>()
  private readonly pending = new Map<string, Pending>()
  private readonly listeners = new Set<(status: ArmStatus[]) => void>()
  private readonly now: () => number
  private readonly user: string

  constructor(private readonly options: WriteGuardOptions) {
    this.now = options.now ?? Date.now
    this.user = options.user ?? osUser()
  }

  arm(connectionId: string, minutes = DEFAULT_ARM_MINUTES): ArmStatus {
    const connector = this.requireConnector(connectionId)
    if (!driverOf(connector).write) {
      throw new WorkbenchError(
        'WRITE_REFUSED',
        `${connector.status().name}: ${connector.protocol.toUpperCase()} connections here are read-only — nothing to arm`,
      )
    }
    this.clear(connectionId)
    const ms = Math.round(minutes * 60_000)
    const until = this.now() + ms
    // The timer only tells listeners; armedUntil() compares with the clock, so a late timer never leaves writes open.
    const timer = setTimeout(() => this.disarm(connectionId), ms)
    timer.unref?.()
    this.armed.set(connectionId, { until, timer })
    this.notify()
    return { connectionId, armedUntil: until }
  }

  disarm(connectionId: string): ArmStatus {
    this.clear(connectionId)
    for (const [id, p] of this.pending) if (p.prepared.connectionId === connectionId) this.pending.delete(id)
    this.notify()
    return { connectionId, armedUntil: null }
  }

  armedUntil(connectionId: string): number | null {
    const entry = this.armed.get(connectionId)
    if (!entry) return null
    if (entry.until <= this.now()) {
      this.clear(connectionId)
      return null
    }
    return entry.until
  }

  armedList(): ArmStatus[] {
    return [...this.armed.keys()].map((connectionId) => ({ connectionId, armedUntil: this.armedUntil(connectionId) })).filter((s) => s.armedUntil !== null)
  }

  onChange(listener: (status: ArmStatus[]) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Step 1: nothing is sent. Refused (and audited) when the connection is not armed. */
  async prepare(tagId: string, value: number | boolean | string): Promise<PreparedWrite> {
    const { connector, tag } = this.findTag(tagId)
    const name = connector.status().name
    if (this.armedUntil(connector.id) === null) {
      const message = `${name} is not armed for writes — arm it in Connections (Arm writes, ${DEFAULT_ARM_MINUTES} minutes) and try again`
      this.audit(connector, tagId, null, value, 'refused', message)
      throw new WorkbenchError('WRITE_REFUSED', message, { connectionId: connector.id, tagId })
    }
    const driver = driverOf(connector)
    let oldValue: Value = null
    try {
      if (driver.read) oldValue = (await driver.read([tagId]))[0]?.value ?? null
    } catch (error) {
      const message = `${name}: could not read the current value of ${tag.name}: ${error instanceof Error ? error.message : String(error)}`
      this.audit(connector, tagId, null, value, 'failed', message)
      throw new WorkbenchError('CONNECTION_FAILED', message, { tagId })
    }
    const checks = checkWriteValue(tag, value)
    const ok = checks.every((c) => c.ok)
    const prepared: PreparedWrite = {
      id: randomUUID(),
      connectionId: connector.id,
      tag,
      oldValue,
      newValue: value,
      checks,
      ok,
      expiresAt: this.now() + PREPARED_WRITE_TTL_MS,
    }
    if (ok) this.pending.set(prepared.id, { prepared, connector })
    else
      this.audit(
        connector,
        tagId,
        oldValue,
        value,
        'refused',
        checks
          .filter((c) => !c.ok)
          .map((c) => c.message)
          .join('; '),
      )
    return prepared
  }

  /** Step 2: the person confirmed. Sends the prepared value and reads it back. */
  async commit(preparedId: string): Promise<WriteResult> {
    const pending = this.pending.get(preparedId)
    this.pending.delete(preparedId)
    if (!pending) throw new WorkbenchError('NOT_FOUND', 'This write was not prepared, was already sent or was cancelled by disarming — prepare it again')
    const { prepared, connector } = pending
    const { tag, oldValue, newValue } = prepared
    const name = connector.status().name
    if (prepared.expiresAt <= this.now()) {
      const message = `${name}: the confirmation for ${tag.name} came too late (over ${PREPARED_WRITE_TTL_MS / 1000} s) — prepare it again so the old value is current`
      this.audit(connector, tag.id, oldValue, newValue, 'refused', message)
      throw new WorkbenchError('WRITE_REFUSED', message)
    }
    if (this.armedUntil(connector.id) === null) {
      const message = `${name} was disarmed before the write was confirmed — arm it in Connections (Arm writes) and try again`
      this.audit(connector, tag.id, oldValue, newValue, 'refused', message)
      throw new WorkbenchError('WRITE_REFUSED', message)
    }
    const driver = driverOf(connector)
    try {
      await driver.write!(tag.id, newValue)
    } catch (error) {
      const message = `${name}: writing ${JSON.stringify(newValue)} to ${tag.name} failed: ${error instanceof Error ? error.message : String(error)}`
      this.audit(connector, tag.id, oldValue, newValue, 'failed', message)
      throw error instanceof WorkbenchError ? new WorkbenchError(error.code, message, error.details) : new WorkbenchError('CONNECTION_FAILED', message)
    }
    let readBack: Value = null
    try {
      if (driver.read) readBack = (await driver.read([tag.id]))[0]?.value ?? null
    } catch {
      // The write itself succeeded; a failed read-back only leaves readBack empty.
    }
    const auditId = this.audit(connector, tag.id, oldValue, newValue, 'ok', readBack === null ? 'written' : `written, read back ${JSON.stringify(readBack)}`)
    return { tagId: tag.id, oldValue, newValue, readBack, auditId }
  }

  /**
   * An action on the device other than a tag write (an OPC UA method call): refused unless the connection is armed,
   * and audited with what was asked (`target`, `input`) and what came of it.
   */
  async armedAction<T>(
    connectionId: string,
    target: string,
    input: unknown,
    run: () => Promise<T>,
    outcome: (result: T) => string,
  ): Promise<T & { auditId: number }> {
    const connector = this.requireConnector(connectionId)
    const name = connector.status().name
    if (this.armedUntil(connectionId) === null) {
      const message = `${name} is not armed — arm it in Connections (Arm writes, ${DEFAULT_ARM_MINUTES} minutes) before calling ${target}`
      this.audit(connector, target, null, input, 'refused', message)
      throw new WorkbenchError('WRITE_REFUSED', message, { connectionId, target })
    }
    let result: T
    try {
      result = await run()
    } catch (error) {
      const message = `${name}: ${target} failed: ${error instanceof Error ? error.message : String(error)}`
      this.audit(connector, target, null, input, 'failed', message)
      throw error instanceof WorkbenchError ? new WorkbenchError(error.code, message, error.details) : new WorkbenchError('CONNECTION_FAILED', message)
    }
    return { ...result, auditId: this.audit(connector, target, null, input, 'ok', outcome(result)) }
  }

  close(): void {
    for (const id of [...this.armed.keys()]) this.clear(id)
    this.pending.clear()
  }

  private audit(connector: Connector, tagId: string, oldValue: unknown, newValue: unknown, result: 'ok' | 'refused' | 'failed', message: string): number {
    return this.options.audit.append({
      time: this.now(),
      user: this.user,
      connectionId: connector.id,
      connectionName: connector.status().name,
      tagId,
      oldValue,
      newValue,
      result,
      message,
    })
  }

  private findTag(tagId: string): { connector: Connector; tag: TagInfo } {
    const connectionId = tagId.includes(':') ? tagId.slice(0, tagId.indexOf(':')) : undefined
    const direct = connectionId ? this.options.connector(connectionId) : undefined
    const tag = direct?.tags().find((t) => t.id === tagId)
    if (direct && tag) return { connector: direct, tag }
    throw new WorkbenchError('NOT_FOUND', `No tag ${tagId} on a connection that can write — pick a tag from a connection added in Connections`, { tagId })
  }

  private requireConnector(id: string): Connector {
    const connector = this.options.connector(id)
    if (!connector) throw new WorkbenchError('NOT_FOUND', `No connection "${id}" — see Connections`)
    return connector
  }

  private clear(connectionId: string): void {
    const entry = this.armed.get(connectionId)
    if (entry) clearTimeout(entry.timer)
    this.armed.delete(connectionId)
  }

  private notify(): void {
    const status = this.armedList()
    for (const listener of this.listeners) listener(status)
  }
}
