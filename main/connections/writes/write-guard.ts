import { randomUUID } from 'node:crypto'
import {
  WorkbenchError,
  writeValueSchema,
  type ArmStatus,
  type AuditEntry,
  type PreparedWrite,
  type TagInfo,
  type TagValue,
  type WriteResult,
} from '../../../preload/contract'
import type { Connector, WriteTarget } from '../../connectors/connector'
import type { WriteAuditLog } from './audit-log'
import { checkWriteValue } from './value-checks'
import { osUser } from '../../os-user'

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
  /** The addressing the person was shown; commit refuses when the tag now points elsewhere. */
  target: WriteTarget
}
/** Who an audit row is about: a known connection, or only the ids a refused request named. */
interface KnownPlace {
  connector: Connector
  tagId: string
  address: string | null
}
interface UnknownPlace {
  connectionId: string
  connectionName: string
  tagId: string
  address: null
}
type AuditPlace = KnownPlace | UnknownPlace

/** How many cancelled write ids are remembered, so a late Confirm says why instead of "not prepared". */
const REMEMBERED_CANCELLATIONS = 200

/** A driver behind a stable wrapper (ManagedConnection) is the one whose capabilities count. */
const driverOf = (connector: Connector): Connector => (connector as { inner?: Connector }).inner ?? connector

/** The connector's own description of where a write lands, or one made from what the tag list shows. */
function targetOf(connector: Connector, tag: TagInfo): WriteTarget {
  const driver = driverOf(connector)
  if (driver.writeTarget) return driver.writeTarget(tag.id)
  const address = tag.unitId === undefined ? tag.address : `unit ${tag.unitId} ${tag.address}`
  return {
    address,
    fingerprint: JSON.stringify({ connection: connector.id, endpoint: connector.endpoint, address, dataType: tag.dataType, access: tag.access }),
  }
}

const isLinkUp = (connector: Connector): boolean => connector.state() === 'connected' || connector.state() === 'degraded'

/** Whether the device holds what was written: exact where the connector predicted the read-back, float32 precision otherwise. */
function sameValue(expected: Value, actual: Value, dataType: string, predicted: boolean): boolean {
  if (Array.isArray(actual)) {
    // An array node was written from text (`[1, 2.5]` or `1, 2.5`): element by element.
    const wanted = Array.isArray(expected) ? expected : arrayFromText(expected)
    return wanted !== undefined && wanted.length === actual.length && actual.every((item, index) => sameValue(wanted[index], item, dataType, predicted))
  }
  if (typeof expected !== 'number' || typeof actual !== 'number') return expected === actual
  if (predicted || !['float', 'float32'].includes(dataType.toLowerCase())) return expected === actual
  return Math.abs(expected - actual) <= 1e-6 * Math.max(1, Math.abs(expected))
}

function arrayFromText(value: Value): Value[] | undefined {
  if (typeof value !== 'string') return undefined
  const text = value.trim()
  try {
    const parsed: unknown = text.startsWith('[') ? JSON.parse(text) : text.split(',').map((item) => item.trim())
    if (!Array.isArray(parsed)) return undefined
    return parsed.map((item: unknown) => (typeof item === 'string' && item !== '' && Number.isFinite(Number(item)) ? Number(item) : (item as Value)))
  } catch {
    return undefined
  }
}

/** What the device should hold after the write, as the connector encodes it (the value itself where it cannot say). */
function expectedReadBack(driver: Connector, tagId: string, value: number | boolean | string): { value: Value; predicted: boolean } {
  try {
    if (driver.readBackOf) return { value: driver.readBackOf(tagId, value), predicted: true }
  } catch {
    // The write already went out; comparing with the value as sent is the best left.
  }
  return { value, predicted: false }
}

/** A value as the refusal names it, short enough for one line. */
function describeValue(value: unknown): string {
  const text = value === undefined ? 'no value' : (JSON.stringify(value) ?? String(value))
  return text.length > 80 ? `${text.slice(0, 80)}… (${text.length} characters)` : text
}

/** An armed action other than a tag write, as the audit log names it (`target`) and as a refusal words it. */
export type ArmedAction =
  | { kind: 'write'; target: string; value: string; where: string }
  | { kind: 'call'; target: string; method: string }
  | { kind: 'publish'; target: string; topic: string; clearsRetained?: boolean }

/** Why an unarmed connection refused, in the words of what was asked: writing, calling or publishing. */
export function armRefusal(name: string, action: ArmedAction): string {
  const doing =
    action.kind === 'write'
      ? `writing ${action.value} to ${action.where}`
      : action.kind === 'call'
        ? `calling method ${action.method}`
        : action.clearsRetained
          ? `clearing the retained message of ${action.topic}`
          : `publishing to ${action.topic}`
  return `${name} is not armed — arm it in Connections (Arm writes, ${DEFAULT_ARM_MINUTES} minutes) before ${doing}`
}

/**
 * Connections are read-only until armed for a while; each write is prepared (read the current value, check type and
 * range) and then committed with the prepared id. Every attempt lands in the audit log.
 */
export class WriteGuard {
  private readonly armed = new Map<string, { until: number; timer: NodeJS.Timeout }>()
  private readonly pending = new Map<string, Pending>()
  private readonly cancelled = new Map<string, { pending: Pending; reason: string }>()
  private readonly listeners = new Set<(status: ArmStatus[]) => void>()
  private readonly now: () => number
  private readonly user: string

  constructor(private readonly options: WriteGuardOptions) {
    this.now = options.now ?? Date.now
    this.user = options.user ?? osUser()
  }

  arm(connectionId: string, minutes = DEFAULT_ARM_MINUTES): ArmStatus {
    const connector = this.requireConnector(connectionId)
    if (!driverOf(connector).write && !driverOf(connector).publish) {
      throw new WorkbenchError(
        'WRITE_REFUSED',
        `${connector.status().name}: ${connector.protocol.toUpperCase()} connections here are read-only — nothing to arm`,
      )
    }
    this.clear(connectionId)
    const ms = Math.round(minutes * 60_000)
    const until = this.now() + ms
    // The timer only tells listeners; armedUntil() compares with the clock, so a late timer never leaves writes open.
    const timer = setTimeout(() => this.disarm(connectionId, `arming ran out after ${minutes} min`), ms)
    timer.unref?.()
    this.armed.set(connectionId, { until, timer })
    this.notify()
    return { connectionId, armedUntil: until }
  }

  disarm(connectionId: string, reason = 'writes were disarmed'): ArmStatus {
    this.clear(connectionId)
    this.cancelPending(connectionId, reason)
    this.notify()
    return { connectionId, armedUntil: null }
  }

  /**
   * Drops the prepared writes of a connection and audits each: the connection or a tag changed (or arming ended), so
   * what the person confirmed may no longer be what would be written.
   */
  cancelPending(connectionId: string, reason: string): void {
    for (const [id, { prepared, connector, target }] of this.pending) {
      if (prepared.connectionId !== connectionId) continue
      this.pending.delete(id)
      this.remember(id, { prepared, connector, target }, reason)
      this.audit(
        { connector, tagId: prepared.tag.id, address: target.address },
        prepared.oldValue,
        prepared.newValue,
        'cancelled',
        `cancelled before it was confirmed: ${reason}`,
      )
    }
  }

  armedUntil(connectionId: string): number | null {
    const entry = this.armed.get(connectionId)
    if (!entry) return null
    if (entry.until <= this.now()) {
      this.clear(connectionId)
      this.cancelPending(connectionId, 'arming ran out')
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

  /**
   * Step 1: nothing is sent. Reads the current value and checks the new one; refused (and audited) when the tag is
   * unknown, the value is not one a tag can take, or the connection is not armed.
   */
  async prepare(tagId: string, value: unknown): Promise<PreparedWrite> {
    const { connector, tag } = this.findTag(tagId, value)
    const name = connector.status().name
    const target = targetOf(connector, tag)
    const place: AuditPlace = { connector, tagId, address: target.address }
    const parsed = writeValueSchema.safeParse(value)
    if (!parsed.success) {
      const message = `${name}: ${describeValue(value)} cannot be written to ${tag.name} — send a number, true or false, or text of up to 1000 characters`
      this.audit(place, null, value, 'refused', message)
      throw new WorkbenchError('INVALID_INPUT', message, { tagId })
    }
    const newValue = parsed.data
    if (this.armedUntil(connector.id) === null) {
      // Where the connection is up, the refusal records what the device held, as any other attempt does.
      const oldValue = isLinkUp(connector) ? (await this.readCurrent(connector, tagId)).value : null
      const message = `${name} is not armed for writes — arm it in Connections (Arm writes, ${DEFAULT_ARM_MINUTES} minutes) and try again`
      this.audit(place, oldValue, newValue, 'refused', message)
      throw new WorkbenchError('WRITE_REFUSED', message, { connectionId: connector.id, tagId })
    }
    const current = await this.readCurrent(connector, tagId)
    if (current.error !== undefined) {
      const message = `${name}: could not read the current value of ${tag.name}: ${current.error}`
      this.audit(place, null, newValue, 'failed', message)
      throw new WorkbenchError('CONNECTION_FAILED', message, { tagId })
    }
    const oldValue = current.value
    const checks = checkWriteValue(tag, newValue)
    const ok = checks.every((c) => c.ok)
    const prepared: PreparedWrite = {
      id: randomUUID(),
      connectionId: connector.id,
      tag,
      address: target.address,
      oldValue,
      newValue,
      checks,
      ok,
      expiresAt: this.now() + PREPARED_WRITE_TTL_MS,
    }
    if (ok) this.pending.set(prepared.id, { prepared, connector, target })
    else
      this.audit(
        place,
        oldValue,
        newValue,
        'refused',
        checks
          .filter((c) => !c.ok)
          .map((c) => c.message)
          .join('; '),
      )
    return prepared
  }

  /** Step 2: the person confirmed. Sends the prepared value, reads it back and says whether the device holds it. */
  async commit(preparedId: string): Promise<WriteResult> {
    const pending = this.pending.get(preparedId)
    this.pending.delete(preparedId)
    if (!pending) {
      const cancelled = this.cancelled.get(preparedId)
      if (cancelled) {
        const { prepared, connector, target } = cancelled.pending
        const message = `${connector.status().name}: the write of ${JSON.stringify(prepared.newValue)} to ${prepared.tag.name} was cancelled before it was confirmed (${cancelled.reason}) — nothing was sent; check the tag and prepare the write again`
        this.audit({ connector, tagId: prepared.tag.id, address: target.address }, prepared.oldValue, prepared.newValue, 'refused', message)
        throw new WorkbenchError('WRITE_REFUSED', message, { tagId: prepared.tag.id })
      }
      throw new WorkbenchError('NOT_FOUND', 'This write was not prepared or was already sent — prepare it again')
    }
    const { prepared, connector, target } = pending
    const { tag, oldValue, newValue } = prepared
    const name = connector.status().name
    const place: AuditPlace = { connector, tagId: tag.id, address: target.address }
    if (prepared.expiresAt <= this.now()) {
      const message = `${name}: the confirmation for ${tag.name} came too late (over ${PREPARED_WRITE_TTL_MS / 1000} s) — prepare it again so the old value is current`
      this.audit(place, oldValue, newValue, 'refused', message)
      throw new WorkbenchError('WRITE_REFUSED', message)
    }
    if (this.armedUntil(connector.id) === null) {
      const message = `${name} was disarmed before the write was confirmed — arm it in Connections (Arm writes) and try again`
      this.audit(place, oldValue, newValue, 'refused', message)
      throw new WorkbenchError('WRITE_REFUSED', message)
    }
    const current = connector.tags().find((t) => t.id === tag.id)
    const now = current && targetOf(connector, current)
    if (!now || now.fingerprint !== target.fingerprint) {
      const message = now
        ? `${name}: ${tag.name} changed after the write was prepared (confirmed for ${target.address}, now ${now.address}${now.address === target.address ? ', with another type, byte order or scaling' : ''}) — nothing was sent; check the tag and prepare the write again`
        : `${name}: ${tag.name} was removed after the write was prepared — nothing was sent`
      this.audit(place, oldValue, newValue, 'refused', message)
      throw new WorkbenchError('WRITE_REFUSED', message, { tagId: tag.id })
    }
    const driver = driverOf(connector)
    try {
      await driver.write!(tag.id, newValue)
    } catch (error) {
      const message = `${name}: writing ${JSON.stringify(newValue)} to ${tag.name} failed: ${error instanceof Error ? error.message : String(error)}`
      this.audit(place, oldValue, newValue, 'failed', message)
      throw error instanceof WorkbenchError ? new WorkbenchError(error.code, message, error.details) : new WorkbenchError('CONNECTION_FAILED', message)
    }
    const back = await this.readCurrent(connector, tag.id)
    const readBack = back.value
    const expected = expectedReadBack(driver, tag.id, newValue)
    let result: WriteResult['result'] = 'ok'
    let message: string
    if (back.error !== undefined) message = `written; the read-back failed (${back.error}), so the device's value is not confirmed`
    else if (readBack === null) message = 'written'
    else if (sameValue(expected.value, readBack, tag.dataType, expected.predicted)) message = `written, read back ${JSON.stringify(readBack)}`
    else {
      result = 'mismatch'
      message = `written, but ${tag.name} reads back ${JSON.stringify(readBack)} instead of ${JSON.stringify(expected.value)} — the device changed or limited the value; check it there`
    }
    const auditId = this.audit(place, oldValue, newValue, result, message)
    return { tagId: tag.id, oldValue, newValue, readBack, result, message, auditId }
  }

  /**
   * An action on the device other than a tag write (an OPC UA method call): refused unless the connection is armed,
   * and audited with what was asked (`action.target`, `input`) and what came of it.
   */
  async armedAction<T>(
    connectionId: string,
    action: ArmedAction,
    input: unknown,
    run: () => Promise<T>,
    outcome: (result: T) => string,
    /** What the person was shown before (a register monitor's cell) and how the outcome is audited (default ok). */
    { oldValue = null, resultOf }: { oldValue?: unknown; resultOf?: (result: T) => AuditEntry['result'] } = {},
  ): Promise<T & { auditId: number }> {
    const connector = this.requireConnector(connectionId)
    const name = connector.status().name
    const target = action.target
    const place: KnownPlace = { connector, tagId: target, address: target }
    if (this.armedUntil(connectionId) === null) {
      const message = armRefusal(name, action)
      this.audit(place, oldValue, input, 'refused', message)
      throw new WorkbenchError('WRITE_REFUSED', message, { connectionId, target })
    }
    let result: T
    try {
      result = await run()
    } catch (error) {
      const message = `${name}: ${target} failed: ${error instanceof Error ? error.message : String(error)}`
      this.audit(place, oldValue, input, 'failed', message)
      throw error instanceof WorkbenchError ? new WorkbenchError(error.code, message, error.details) : new WorkbenchError('CONNECTION_FAILED', message)
    }
    return { ...result, auditId: this.audit(place, oldValue, input, resultOf?.(result) ?? 'ok', outcome(result)) }
  }

  close(): void {
    for (const id of [...this.armed.keys()]) this.clear(id)
    this.pending.clear()
  }

  private remember(preparedId: string, pending: Pending, reason: string): void {
    this.cancelled.set(preparedId, { pending, reason })
    if (this.cancelled.size > REMEMBERED_CANCELLATIONS) this.cancelled.delete(this.cancelled.keys().next().value!)
  }

  private audit(place: AuditPlace, oldValue: unknown, newValue: unknown, result: AuditEntry['result'], message: string): number {
    const [connectionId, connectionName] =
      'connector' in place ? [place.connector.id, place.connector.status().name] : [place.connectionId, place.connectionName]
    return this.options.audit.append({
      time: this.now(),
      user: this.user,
      connectionId,
      connectionName,
      tagId: place.tagId,
      address: place.address,
      oldValue,
      newValue,
      result,
      message,
    })
  }

  /** The device's current value of a tag (null where the protocol cannot read on demand); never throws. */
  private async readCurrent(connector: Connector, tagId: string): Promise<{ value: Value; error?: string }> {
    const driver = driverOf(connector)
    if (!driver.read) return { value: null }
    try {
      const [current] = await driver.read([tagId])
      // A failed poll keeps the last good value beside a bad quality; that value is not what the device holds now.
      if (current?.quality.status === 'bad') return { value: null, error: current.quality.reason ?? 'bad quality' }
      return { value: current?.value ?? null }
    } catch (error) {
      return { value: null, error: error instanceof Error ? error.message : String(error) }
    }
  }

  /** The tag and its connection; an unknown tag is refused and audited under whatever connection its id names. */
  private findTag(tagId: string, value: unknown): { connector: Connector; tag: TagInfo } {
    const connectionId = tagId.includes(':') ? tagId.slice(0, tagId.indexOf(':')) : ''
    const connector = connectionId ? this.options.connector(connectionId) : undefined
    const tag = connector?.tags().find((t) => t.id === tagId)
    if (connector && tag) return { connector, tag }
    const message = connector
      ? `${connector.status().name} has no tag ${tagId} — pick a tag from Tags, or add it to the connection first`
      : `No tag ${tagId}: ${connectionId ? `there is no connection "${connectionId}"` : 'a tag id is <connection id>:<tag name>'} — pick a tag from a connection added in Connections`
    const place: AuditPlace = connector
      ? { connector, tagId, address: null }
      : { connectionId, connectionName: connectionId || '(no connection)', tagId, address: null }
    this.audit(place, null, value, 'refused', message)
    throw new WorkbenchError('NOT_FOUND', message, { tagId })
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
