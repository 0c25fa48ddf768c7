import type { ConnectionStatus, TagInfo, TagValue } from '../../../preload/contract'
import { ConnectionStatusTracker } from '../connection-status'
import type { Connector, DeviceIdentity, WriteTarget, WriteValue } from '../connector'
import { formatBoth, isRegisterTable, parseModbusAddress, type ModbusAddress } from '../../../preload/contract/modbus-address'
import { decodeTagValue, encodeTagValue } from '../../tags/modbus-codec'
import { planPolls, pollPointFromTag, sliceResponse, type PollPlanOptions, type PollRequest, type PollSlice } from '../../tags/poll-plan'
import { toTagInfo, type Tag } from '../../tags/tag'
import { MODBUS_COUNTER_LABELS, modbusCounterSet, modbusTrafficLog, type ModbusCounters, type ModbusTrafficLog } from './modbus-diagnostics'
import { describeTransport, formatModbusEndpoint, parseModbusEndpoint, type ModbusEndpoint } from './modbus-endpoint'
import { ModbusRequestError } from './modbus-request-error'
import { DEFAULT_TIMEOUT_MS, ModbusSession } from './modbus-session'
import { backoffDelay, type BackoffOptions } from '../reconnect-backoff'
import { diagnosticsOf, type ConnectionDiagnostics } from '../traffic-diagnostics'

/** A tag served by this connection, optionally on another unit id or in a named scan group. */
export interface ModbusTagBinding {
  tag: Tag
  unitId?: number
  scanGroup?: string
}

/** Tags in a scan group are polled at the group's rate, whatever their own scanRateMs says. */
export interface ModbusScanGroup {
  id: string
  rateMs: number
}

export interface ModbusConnectorOptions {
  id: string
  name: string
  /** `modbus://host:502?unit=1`, `modbus+rtu-tcp://…`, `modbus+rtu:///dev/ttyUSB0?baud=…`, or the parsed form. */
  endpoint: string | ModbusEndpoint
  tags: readonly (Tag | ModbusTagBinding)[]
  scanGroups?: readonly ModbusScanGroup[]
  /** Poll period of tags without a scan group or scanRateMs; default 1000 ms. */
  defaultScanRateMs?: number
  /** Reply timeout per request; default 1000 ms. */
  timeoutMs?: number
  pollOptions?: PollPlanOptions
  reconnect?: BackoffOptions
  /** Consecutive timeouts after which the link is treated as dead and reopened (half-open TCP); default 5. */
  maxConsecutiveTimeouts?: number
  trafficLogSize?: number
}

interface Binding {
  tag: Tag
  unitId: number
  rateMs: number
  address: ModbusAddress
}

/** A read and the tags that take their values from it. */
interface PollJob {
  key: string
  request: PollRequest
  slices: Map<string, PollSlice>
}

export const DEFAULT_SCAN_RATE_MS = 1000

export class ModbusConnector implements Connector {
  readonly protocol = 'modbus' as const
  readonly endpoint: string
  private readonly target: ModbusEndpoint
  private readonly where: string
  private readonly tracker: ConnectionStatusTracker
  private readonly bindings = new Map<string, Binding>()
  private readonly jobsByRate = new Map<number, PollJob[]>()
  /** Merged reads that answered exception 2, replaced by one read per tag so the good tags keep updating. */
  private readonly splitJobs = new Map<string, PollJob[]>()
  private readonly failing = new Map<string, string>()
  private readonly lastValues = new Map<string, TagValue>()
  private readonly valueListeners = new Set<(values: TagValue[]) => void>()
  private counterSet = modbusCounterSet()
  private traffic: ModbusTrafficLog
  private readonly timeoutMs: number
  private session?: ModbusSession
  private pollTimers: NodeJS.Timeout[] = []
  private reconnectTimer?: NodeJS.Timeout
  private reconnectAttempt = 0
  private consecutiveTimeouts = 0
  private wanted = false
  /** Bumped when polling stops, so a cycle still waiting on a reply does not schedule itself again. */
  private pollGeneration = 0

  constructor(private readonly options: ModbusConnectorOptions) {
    this.target = typeof options.endpoint === 'string' ? parseModbusEndpoint(options.endpoint) : options.endpoint
    this.endpoint = formatModbusEndpoint(this.target)
    this.where = describeTransport(this.target.transport)
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
    this.traffic = modbusTrafficLog(options.trafficLogSize)
    this.tracker = new ConnectionStatusTracker({ id: options.id, name: options.name, protocol: 'modbus', endpoint: this.endpoint })

    const groupRates = new Map((options.scanGroups ?? []).map((g) => [g.id, g.rateMs]))
    const defaultRate = options.defaultScanRateMs ?? DEFAULT_SCAN_RATE_MS
    for (const entry of options.tags) {
      const binding: ModbusTagBinding = 'tag' in entry ? entry : { tag: entry }
      const { tag } = binding
      if (this.bindings.has(tag.id)) throw new Error(`Modbus connection "${options.name}": tag "${tag.id}" is listed twice`)
      let rateMs = tag.scanRateMs ?? defaultRate
      if (binding.scanGroup !== undefined) {
        const groupRate = groupRates.get(binding.scanGroup)
        if (groupRate === undefined) {
          throw new Error(`Modbus connection "${options.name}": tag "${tag.id}" names scan group "${binding.scanGroup}", which is not configured`)
        }
        rateMs = groupRate
      }
      this.bindings.set(tag.id, { tag, unitId: binding.unitId ?? this.target.unitId, rateMs, address: parseModbusAddress(tag.address) })
    }
    const plan = planPolls(
      [...this.bindings.values()].map((b) => pollPointFromTag({ ...b.tag, scanRateMs: b.rateMs }, b.unitId, defaultRate)),
      options.pollOptions,
    )
    plan.requests.forEach((request, index) => {
      const slices = new Map(request.pointIds.map((id) => [id, plan.slices.get(id)!]))
      const jobs = this.jobsByRate.get(request.scanRateMs) ?? []
      jobs.push({ key: String(index), request, slices })
      this.jobsByRate.set(request.scanRateMs, jobs)
    })
  }

  get id(): string {
    return this.options.id
  }
  state() {
    return this.tracker.status.state
  }
  status(): ConnectionStatus {
    return this.tracker.status
  }
  tags(): TagInfo[] {
    return [...this.bindings.values()].map((b) => ({ ...toTagInfo(b.tag), unitId: b.unitId }))
  }
  /** Requests, responses, timeouts, exceptions, CRC errors and round-trip times since the connector was made. */
  counters(): ModbusCounters {
    return this.counterSet.snapshot()
  }
  resetCounters(): void {
    this.counterSet.reset()
  }

  /** The last frames on the wire, in hex; exportText() / exportCsv() for a support ticket. */
  trafficLog(): ModbusTrafficLog {
    return this.traffic
  }
  /** The log and counters for the traffic view (the protocol tools' `diagnostics`). */
  diagnostics(): ConnectionDiagnostics {
    return diagnosticsOf(this.traffic, this.counterSet, MODBUS_COUNTER_LABELS)
  }
  /**
   * Takes over the counters and traffic log of the driver this one replaces (same connection, new tag list), so
   * editing tags does not wipe the diagnostics. Call before connect().
   */
  adoptDiagnostics(previous: ModbusConnector): void {
    this.counterSet = previous.counterSet
    this.traffic = previous.traffic
  }

  /**
   * Takes over the tag list and poll plan of `next` (same endpoint, new tags) while the link stays open: polling
   * restarts on the same session, so counters, the traffic log and the connection state carry on.
   */
  adoptTags(next: ModbusConnector): void {
    this.stopPolling()
    this.bindings.clear()
    for (const [id, binding] of next.bindings) this.bindings.set(id, binding)
    this.jobsByRate.clear()
    for (const [rate, jobs] of next.jobsByRate) this.jobsByRate.set(rate, jobs)
    this.splitJobs.clear()
    this.failing.clear()
    for (const id of [...this.lastValues.keys()]) if (!this.bindings.has(id)) this.lastValues.delete(id)
    if (this.session?.isOpen) {
      if (this.tracker.status.state === 'degraded') this.tracker.set('connected')
      this.startPolling(this.session)
    }
  }

  /** The open link, for scans that share it with the polls (their frames show in the same traffic log and counters). */
  scanSession(): ModbusSession {
    return this.requireSession('read')
  }

  /** How many reads one poll cycle of every group sends (after any exception-2 splits). */
  requestsPerCycle(): number {
    let count = 0
    for (const jobs of this.jobsByRate.values()) for (const job of jobs) count += this.splitJobs.get(job.key)?.length ?? 1
    return count
  }

  onValues(listener: (values: TagValue[]) => void): () => void {
    this.valueListeners.add(listener)
    return () => this.valueListeners.delete(listener)
  }

  onStatus(listener: (status: ConnectionStatus) => void): () => void {
    return this.tracker.onChange(listener)
  }

  /** Opens the link and starts polling; when the device is unreachable it keeps retrying with backoff. */
  async connect(): Promise<void> {
    if (this.wanted) return
    this.wanted = true
    this.tracker.set('connecting')
    await this.openSession()
  }

  async disconnect(): Promise<void> {
    this.wanted = false
    clearTimeout(this.reconnectTimer)
    this.stopPolling()
    const session = this.session
    this.session = undefined
    await session?.close()
    this.tracker.set('disconnected')
  }

  async read(tagIds: readonly string[]): Promise<TagValue[]> {
    const session = this.requireSession('read')
    const bindings = tagIds.map((id) => this.requireBinding(id))
    const plan = planPolls(
      bindings.map((b) => pollPointFromTag(b.tag, b.unitId, 1)),
      this.options.pollOptions,
    )
    const byId = new Map<string, TagValue>()
    for (const [index, request] of plan.requests.entries()) {
      const job: PollJob = { key: `read-${index}`, request, slices: new Map(request.pointIds.map((id) => [id, plan.slices.get(id)!])) }
      for (const value of await this.runJob(session, job, { split: true, track: false })) byId.set(value.tagId, value)
    }
    return tagIds.map((id) => byId.get(id)!)
  }

  async write(tagId: string, value: WriteValue): Promise<void> {
    const { tag, unitId, address } = this.requireBinding(tagId)
    const where = `Modbus ${this.where} unit ${unitId}: tag "${tag.name}" (${formatBoth(address)})`
    if (tag.access !== 'read-write') throw new Error(`${where} is read-only in the tag list — set access to read-write to allow writes`)
    if (address.table === 'di' || address.table === 'ir')
      throw new Error(`${where}: discrete inputs and input registers cannot be written (use a coil or holding register)`)
    const session = this.requireSession('write')
    if (address.table === 'co') {
      const [bit] = encodeTagValue(value, tag)
      await session.writeCoil(unitId, address.offset, bit === 1)
      return
    }
    if (address.bit !== undefined) {
      // Read-modify-write so the other 15 bits of the register keep their state.
      const [current] = await session.readRegisters(unitId, 'hr', address.offset, 1)
      const [word] = encodeTagValue(value, tag, current)
      await session.writeRegister(unitId, address.offset, word!)
      return
    }
    const words = encodeTagValue(value, tag)
    if (words.length === 1) await session.writeRegister(unitId, address.offset, words[0]!)
    else await session.writeRegisters(unitId, address.offset, words)
  }

  writeTarget(tagId: string): WriteTarget {
    const { tag, unitId, address } = this.requireBinding(tagId)
    return {
      address: `unit ${unitId} ${formatBoth(address)}`,
      fingerprint: JSON.stringify({
        connection: this.options.id,
        transport: this.target.transport,
        unitId,
        table: address.table,
        offset: address.offset,
        bit: address.bit ?? null,
        dataType: tag.dataType,
        byteOrder: tag.byteOrder,
        stringLength: tag.stringLength ?? null,
        scaling: tag.scaling ?? null,
        access: tag.access,
      }),
    }
  }

  readBackOf(tagId: string, value: WriteValue): TagValue['value'] {
    const { tag, address } = this.requireBinding(tagId)
    if (address.table === 'co' || address.table === 'di' || address.bit !== undefined) return value === true || value === 1
    return decodeTagValue(encodeTagValue(value, tag), tag)
  }

  /**
   * Function 43/14 to every unit id this connection reads: the regular objects (vendor, product code, revision, URL,
   * product and model name), or the basic ones where a device only has those. A device without it is still listed.
   */
  async identify(): Promise<DeviceIdentity[]> {
    const session = this.requireSession('read')
    const units = [...new Set([this.target.unitId, ...[...this.bindings.values()].map((b) => b.unitId)])].sort((a, b) => a - b)
    const found: DeviceIdentity[] = []
    for (const unitId of units) {
      const device: DeviceIdentity = { key: `unit ${unitId}`, kind: 'modbus-unit', facts: { unitId: String(unitId) }, seenAt: Date.now() }
      try {
        let objects: Record<number, string>
        try {
          objects = await session.readDeviceIdentification(unitId, 2)
        } catch (error) {
          if (!(error instanceof ModbusRequestError) || error.kind !== 'exception') throw error
          objects = await session.readDeviceIdentification(unitId, 1)
        }
        for (const [id, text] of Object.entries(objects)) {
          const field = DEVICE_ID_OBJECTS[Number(id)] ?? `object${id}`
          if (text.trim()) device.facts[field] = text.trim()
        }
      } catch (error) {
        device.note = `device identification (function 43/14) not answered: ${error instanceof Error ? error.message : String(error)}`
      }
      found.push(device)
    }
    return found
  }

  private requireBinding(tagId: string): Binding {
    const binding = this.bindings.get(tagId)
    if (!binding) throw new Error(`Modbus connection "${this.options.name}": no tag "${tagId}" on this connection`)
    return binding
  }

  private requireSession(what: 'read' | 'write'): ModbusSession {
    const session = this.session
    if (!session?.isOpen) {
      throw new ModbusRequestError(
        `Modbus ${this.where}: cannot ${what}, the connection is ${this.tracker.status.state} — wait for it to reconnect`,
        'disconnected',
      )
    }
    return session
  }

  private async openSession(): Promise<void> {
    const session = new ModbusSession({ transport: this.target.transport, timeoutMs: this.timeoutMs, counters: this.counterSet, traffic: this.traffic })
    try {
      await session.open()
    } catch (error) {
      this.tracker.count('errors')
      if (this.wanted) this.scheduleReconnect((error as Error).message)
      return
    }
    if (!this.wanted) {
      await session.close()
      return
    }
    this.session = session
    this.reconnectAttempt = 0
    this.consecutiveTimeouts = 0
    this.failing.clear()
    session.onClose((reason) => this.onDropped(session, reason))
    this.tracker.set('connected')
    this.startPolling(session)
  }

  private scheduleReconnect(reason: string): void {
    const delay = backoffDelay(this.reconnectAttempt++, this.options.reconnect)
    this.tracker.set('reconnecting', `${reason} — retrying in ${formatDelay(delay)}`)
    clearTimeout(this.reconnectTimer)
    this.reconnectTimer = setTimeout(() => void this.openSession(), delay)
  }

  private onDropped(session: ModbusSession, reason: string): void {
    if (this.session !== session) return
    this.session = undefined
    this.stopPolling()
    void session.close()
    this.tracker.count('errors')
    // Last values stay, marked stale and bad, so screens keep showing what was last known.
    const now = Date.now()
    const stale = [...this.lastValues.values()].map((v) => ({ ...v, quality: { status: 'bad' as const, reason }, receiveTime: now, stale: true }))
    for (const value of stale) this.lastValues.set(value.tagId, value)
    if (stale.length > 0) this.emit(stale)
    if (this.wanted) this.scheduleReconnect(reason)
  }

  private startPolling(session: ModbusSession): void {
    const generation = this.pollGeneration
    const current = () => this.session === session && this.pollGeneration === generation
    for (const [rateMs, jobs] of this.jobsByRate) {
      const cycle = async () => {
        const started = Date.now()
        for (const job of jobs) {
          if (!current()) return
          const values = await this.runJob(session, job, { split: true, track: true })
          if (!current()) return
          if (values.length > 0) this.emit(values)
        }
        if (!current()) return
        this.pollTimers.push(setTimeout(() => void cycle(), Math.max(0, rateMs - (Date.now() - started))))
      }
      void cycle()
    }
  }

  private stopPolling(): void {
    this.pollGeneration++
    for (const timer of this.pollTimers) clearTimeout(timer)
    this.pollTimers = []
  }

  /** Reads one job (or its per-tag replacements) and turns the reply into tag values; never throws. */
  private async runJob(session: ModbusSession, job: PollJob, mode: { split: boolean; track: boolean }): Promise<TagValue[]> {
    const replacement = mode.track ? this.splitJobs.get(job.key) : undefined
    if (replacement) return (await Promise.all(replacement.map((sub) => this.runJob(session, sub, { split: false, track: mode.track })))).flat()
    const { request } = job
    try {
      const data = isRegisterTable(request.table)
        ? await session.readRegisters(request.unitId, request.table, request.offset, request.count)
        : await session.readBits(request.unitId, request.table as 'co' | 'di', request.offset, request.count)
      const receiveTime = Date.now()
      this.consecutiveTimeouts = 0
      this.tracker.count('messages')
      if (mode.track) this.settle(job.key)
      // A reply that comes back after the tag list changed only fills the tags still served.
      return [...job.slices]
        .filter(([tagId]) => this.bindings.has(tagId))
        .map(([tagId, slice]) => this.decode(tagId, sliceResponse<number | boolean>(data, slice), receiveTime))
    } catch (raw) {
      const error = raw instanceof ModbusRequestError ? raw : new ModbusRequestError(String((raw as Error)?.message ?? raw), 'protocol')
      if (error.kind === 'exception' && error.exceptionCode === 2 && mode.split && job.slices.size > 1) {
        const parts = splitJob(job)
        if (mode.track) {
          this.splitJobs.set(job.key, parts)
          this.failing.delete(job.key)
        }
        return (await Promise.all(parts.map((part) => this.runJob(session, part, { split: false, track: mode.track })))).flat()
      }
      this.tracker.count('errors')
      if (error.kind === 'disconnected') {
        if (!mode.track) throw error
        this.onDropped(session, error.message)
        return []
      }
      if (error.kind === 'timeout') this.consecutiveTimeouts++
      if (mode.track) this.settle(job.key, error.message)
      const receiveTime = Date.now()
      const values = [...job.slices.keys()].map((tagId) =>
        this.record({ tagId, value: null, quality: { status: 'bad', reason: error.message }, sourceTime: receiveTime, receiveTime, stale: false }),
      )
      if (mode.track && this.consecutiveTimeouts >= (this.options.maxConsecutiveTimeouts ?? 5)) {
        this.emit(values)
        this.onDropped(session, `${error.message} (${this.consecutiveTimeouts} in a row, reopening the connection)`)
        return []
      }
      return values
    }
  }

  private decode(tagId: string, data: (number | boolean)[], receiveTime: number): TagValue {
    const { tag } = this.bindings.get(tagId)!
    try {
      return this.record({ tagId, value: decodeTagValue(data, tag), quality: { status: 'good' }, sourceTime: receiveTime, receiveTime, stale: false })
    } catch (error) {
      return this.record({
        tagId,
        value: null,
        quality: { status: 'bad', reason: (error as Error).message },
        sourceTime: receiveTime,
        receiveTime,
        stale: false,
      })
    }
  }

  private record(value: TagValue): TagValue {
    const previous = this.lastValues.get(value.tagId)
    // A bad reading keeps showing the last good value beside the reason, as the core expects.
    const kept = value.value === null && previous ? { ...value, value: previous.value } : value
    this.lastValues.set(value.tagId, kept)
    return kept
  }

  /** Degraded while any read fails, with the latest reason; connected again when all answer. */
  private settle(key: string, failure?: string): void {
    if (failure === undefined) this.failing.delete(key)
    else this.failing.set(key, failure)
    if (this.tracker.status.state !== 'connected' && this.tracker.status.state !== 'degraded') return
    if (this.failing.size === 0) this.tracker.set('connected')
    else this.tracker.set('degraded', failure ?? [...this.failing.values()].at(-1))
  }

  private emit(values: TagValue[]): void {
    for (const listener of this.valueListeners) listener(values)
  }
}

/** One read per tag, so an address the device rejects only takes its own tag down. */
function splitJob(job: PollJob): PollJob[] {
  return [...job.slices].map(([tagId, slice]) => ({
    key: `${job.key}/${tagId}`,
    request: { ...job.request, offset: job.request.offset + slice.start, count: slice.count, pointIds: [tagId] },
    slices: new Map([[tagId, { ...slice, start: 0 }]]),
  }))
}

function formatDelay(ms: number): string {
  return ms >= 1000 ? `${ms / 1000} s` : `${ms} ms`
}

// Modbus Application Protocol 1.1b3, 6.21: the basic and regular device identification objects.
const DEVICE_ID_OBJECTS: Record<number, string> = {
  0: 'vendor',
  1: 'productCode',
  2: 'revision',
  3: 'vendorUrl',
  4: 'productName',
  5: 'modelName',
  6: 'userApplicationName',
}
