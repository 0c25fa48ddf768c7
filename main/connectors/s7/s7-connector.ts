import type { ConnectionState, ConnectionStatus, TagInfo, TagValue } from '../../../preload/contract'
import { ConnectionStatusTracker } from '../connection-status'
import type { Connector, DeviceIdentity, WriteTarget, WriteValue } from '../connector'
import { AREA_CODES, describeS7Item, parseS7Address, type S7Item } from './s7-address'
import { byteSize, decodeS7Value, encodeS7Value, formatS7DataType } from './s7-data-types'
import { describeS7Endpoint, formatS7Endpoint, parseS7Url, resolveS7Endpoint, type S7ConnectionSettings, type S7Endpoint } from './s7-endpoint'
import { S7_COUNTER_LABELS, s7CounterSet, s7TrafficLog, type S7Counters, type S7TrafficLog } from './s7-diagnostics'
import { browseS7, type S7BrowseResult } from './s7-browse'
import { RETURN_CODE, type WriteItemSpec } from './s7-frames'
import { readCpuIdentity, type S7CpuIdentity } from './s7-identity'
import { areaKey, planReads, type ReadPlan, type ReadPoint } from './s7-read-plan'
import { describeItemFailure, S7RequestError } from './s7-request-error'
import { DEFAULT_TIMEOUT_MS, S7Session } from './s7-session'
import { backoffDelay, type BackoffOptions } from '../reconnect-backoff'
import { diagnosticsOf, type ConnectionDiagnostics } from '../traffic-diagnostics'

/** A tag as configured on an S7 connection (no zod here: the contract validates before it reaches us). */
export interface S7TagConfig {
  id: string
  name: string
  /** `DB1.DBD0`, `MW20`, `I0.0`, `DB1,REAL0` … */
  address: string
  /** `REAL`, `STRING[20]` …; without it the address's width decides (DBX → BOOL, DBW → WORD, DBD → DWORD). */
  dataType?: string
  access?: 'read' | 'read-write'
  scanRateMs?: number
  unit?: string
  range?: { low: number; high: number }
  description?: string
  /** Folder path shown in the tag tree (a DB source import puts the DB and struct names here). */
  path?: string[]
}

export interface S7ConnectorOptions {
  id: string
  name: string
  /** `s7://host:102?rack=0&slot=1`, or the settings. */
  endpoint: string | S7ConnectionSettings
  tags: readonly S7TagConfig[]
  /** Poll period of tags without scanRateMs; default 1000 ms. */
  defaultScanRateMs?: number
  timeoutMs?: number
  reconnect?: BackoffOptions
  /** Items per read request (CPU limit); default 20. */
  maxItemsPerRequest?: number
  /** Gap in bytes up to which neighbouring tags are read as one range; default 16 (-1: not even adjacent tags merge). */
  mergeGapBytes?: number
  trafficLogSize?: number
}

interface Binding {
  tag: S7TagConfig
  item: S7Item
  rateMs: number
}

interface RangeOutcome {
  data?: Uint8Array
  /** Return code of the first refused chunk, or the request's error. */
  returnCode?: number
  error?: string
}

export const DEFAULT_SCAN_RATE_MS = 1000

export class S7Connector implements Connector {
  readonly protocol = 's7' as const
  readonly endpoint: string
  private readonly target: S7Endpoint
  private readonly where: string
  private readonly tracker: ConnectionStatusTracker
  private readonly bindings = new Map<string, Binding>()
  private readonly rates = new Map<number, string[]>()
  private readonly plans = new Map<number, ReadPlan>()
  /** Area/DB keys whose merged reads ran past the end: read tag by tag there. */
  private readonly isolated = new Set<string>()
  private readonly dbSizes = new Map<number, number>()
  private readonly failing = new Map<string, string>()
  private readonly lastValues = new Map<string, TagValue>()
  private readonly valueListeners = new Set<(values: TagValue[]) => void>()
  private counterSet = s7CounterSet()
  private traffic: S7TrafficLog
  private readonly timeoutMs: number
  private session?: S7Session
  private pollTimers: NodeJS.Timeout[] = []
  private reconnectTimer?: NodeJS.Timeout
  private reconnectAttempt = 0
  private wanted = false
  private readonly cycleListeners = new Set<(cycle: { rateMs: number; requests: number; durationMs: number }) => void>()

  constructor(private readonly options: S7ConnectorOptions) {
    this.target = typeof options.endpoint === 'string' ? parseS7Url(options.endpoint) : resolveS7Endpoint(options.endpoint)
    this.endpoint = formatS7Endpoint(this.target)
    this.where = describeS7Endpoint(this.target)
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
    this.traffic = s7TrafficLog(options.trafficLogSize)
    this.tracker = new ConnectionStatusTracker({ id: options.id, name: options.name, protocol: 's7', endpoint: this.endpoint })
    const defaultRate = options.defaultScanRateMs ?? DEFAULT_SCAN_RATE_MS
    for (const tag of options.tags) {
      if (this.bindings.has(tag.id)) throw new Error(`S7 connection "${options.name}": tag "${tag.id}" is listed twice`)
      let item: S7Item
      try {
        item = parseS7Address(tag.address, tag.dataType)
      } catch (error) {
        throw new Error(`S7 connection "${options.name}": tag "${tag.name}": ${(error as Error).message}`)
      }
      const rateMs = tag.scanRateMs ?? defaultRate
      this.bindings.set(tag.id, { tag, item, rateMs })
      this.rates.set(rateMs, [...(this.rates.get(rateMs) ?? []), tag.id])
    }
  }

  get id(): string {
    return this.options.id
  }
  state(): ConnectionState {
    return this.tracker.status.state
  }
  status(): ConnectionStatus {
    return this.tracker.status
  }
  tags(): TagInfo[] {
    return [...this.bindings.values()].map(({ tag, item }) => ({
      id: tag.id,
      name: tag.name,
      path: tag.path ?? [],
      connectionId: this.options.id,
      address: tag.address,
      dataType: formatS7DataType(item.dataType),
      unit: tag.unit,
      range: tag.range,
      access: tag.access ?? 'read',
      description: tag.description,
    }))
  }
  counters(): S7Counters {
    return this.counterSet.snapshot()
  }
  resetCounters(): void {
    this.counterSet.reset()
  }
  /** The last frames on the wire, in hex; exportText() / exportCsv() for a support ticket. */
  trafficLog(): S7TrafficLog {
    return this.traffic
  }
  /** The log and counters for the traffic view (the protocol tools' `diagnostics`). */
  diagnostics(): ConnectionDiagnostics {
    return diagnosticsOf(this.traffic, this.counterSet, S7_COUNTER_LABELS)
  }
  /** Takes over the counters and traffic log of the driver this one replaces (same connection, new tags). Call before connect(). */
  adoptDiagnostics(previous: S7Connector): void {
    this.counterSet = previous.counterSet
    this.traffic = previous.traffic
  }
  /** PDU size negotiated with the CPU (0 while not connected). */
  pduSize(): number {
    return this.session?.isOpen ? this.session.pduSize : 0
  }
  /** Read requests one cycle of every scan class sends with the current plans (built on connect). */
  requestsPerCycle(): number {
    let count = 0
    for (const plan of this.plans.values()) count += plan.requests.length
    return count
  }
  /** Called after each poll cycle, with how many read requests it sent and how long it took. */
  onCycle(listener: (cycle: { rateMs: number; requests: number; durationMs: number }) => void): () => void {
    this.cycleListeners.add(listener)
    return () => this.cycleListeners.delete(listener)
  }

  onValues(listener: (values: TagValue[]) => void): () => void {
    this.valueListeners.add(listener)
    return () => this.valueListeners.delete(listener)
  }
  onStatus(listener: (status: ConnectionStatus) => void): () => void {
    return this.tracker.onChange(listener)
  }

  /** Opens the link and starts polling; when the CPU is unreachable it keeps retrying with backoff. */
  async connect(): Promise<void> {
    if (this.wanted) return
    this.wanted = true
    this.setState('connecting')
    await this.openSession()
  }

  async disconnect(): Promise<void> {
    this.wanted = false
    clearTimeout(this.reconnectTimer)
    this.stopPolling()
    const session = this.session
    this.session = undefined
    await session?.close()
    this.setState('disconnected')
  }

  /** What the CPU says about itself (SZL 0x0011 and 0x001C), for the inventory. */
  async identity(): Promise<S7CpuIdentity> {
    return readCpuIdentity(this.requireSession('read the CPU identity'))
  }

  async identify(): Promise<DeviceIdentity[]> {
    const { unavailable, pduSize, ...fields } = await this.identity()
    const facts: Record<string, string> = { pduSize: String(pduSize) }
    for (const [field, value] of Object.entries(fields)) if (value !== undefined && value !== '') facts[field] = String(value)
    return [{ key: 'cpu', kind: 's7-cpu', facts, note: unavailable.length > 0 ? `not answered: ${unavailable.join(', ')}` : undefined, seenAt: Date.now() }]
  }

  /** The CPU's identity and the DBs it lists (with their sizes), where it answers. */
  async browse(): Promise<S7BrowseResult> {
    return browseS7(this.requireSession('browse the CPU'))
  }

  async read(tagIds: readonly string[]): Promise<TagValue[]> {
    const session = this.requireSession('read')
    const bindings = tagIds.map((id) => this.requireBinding(id))
    const values = await this.readBindings(session, bindings, this.buildPlan(session, bindings), false)
    const byId = new Map(values.map((v) => [v.tagId, v]))
    return tagIds.map((id) => byId.get(id)!)
  }

  async write(tagId: string, value: WriteValue): Promise<void> {
    const { tag, item } = this.requireBinding(tagId)
    const where = `S7 ${this.where}: tag "${tag.name}" ${describeS7Item(item)}`
    if ((tag.access ?? 'read') !== 'read-write') throw new Error(`${where} is read-only in the tag list — set access to read-write to allow writes`)
    if (item.area === 'I') throw new Error(`${where}: inputs are written by the I/O, not by a client — write a memory bit or DB variable instead`)
    let data: Uint8Array
    try {
      data = encodeS7Value(value, item.dataType)
    } catch (error) {
      throw new Error(`${where}: ${(error as Error).message}`)
    }
    const session = this.requireSession('write')
    const base = { areaCode: AREA_CODES[item.area], db: item.db }
    // A bit goes with transport size BIT: the CPU changes that one bit and leaves the other seven of the byte alone.
    const specs: WriteItemSpec[] =
      item.bit !== undefined ? [{ ...base, offset: item.offset, bit: item.bit, data }] : splitWrite(base, item.offset, data, session.pduSize)
    for (const spec of specs) {
      const [code] = await session.writeItems([spec])
      if (code !== RETURN_CODE.ok) {
        this.counterSet.count('itemErrors')
        const dbSize = code === RETURN_CODE.addressOutOfRange && item.area === 'DB' ? await this.probeDbSize(session, item.db) : undefined
        throw new S7RequestError(`S7 ${this.where}: writing tag "${tag.name}" ${describeItemFailure(code!, item, dbSize)}`, 'item', code)
      }
    }
  }

  /** Where a write to the tag lands: what the person confirms, and what must not change before the commit. */
  writeTarget(tagId: string): WriteTarget {
    const { tag, item } = this.requireBinding(tagId)
    const { host, port, localTsap, remoteTsap } = this.target
    return {
      address: describeS7Item(item),
      fingerprint: JSON.stringify({
        connection: this.options.id,
        endpoint: { host, port, localTsap, remoteTsap },
        area: item.area,
        db: item.db,
        offset: item.offset,
        bit: item.bit ?? null,
        dataType: formatS7DataType(item.dataType),
        access: tag.access ?? 'read',
      }),
    }
  }

  /** The value reading the tag returns after a write of `value`: encoded and decoded as the CPU stores it (REAL as float32). */
  readBackOf(tagId: string, value: WriteValue): TagValue['value'] {
    const { item } = this.requireBinding(tagId)
    // A BOOL encodes as one byte holding the bit at position 0, wherever the tag's bit is.
    return decodeS7Value(encodeS7Value(value, item.dataType), item.dataType, 0)
  }

  private requireBinding(tagId: string): Binding {
    const binding = this.bindings.get(tagId)
    if (!binding) throw new Error(`S7 connection "${this.options.name}": no tag "${tagId}" on this connection`)
    return binding
  }

  private requireSession(what: string): S7Session {
    const session = this.session
    if (!session?.isOpen) {
      throw new S7RequestError(`S7 ${this.where}: cannot ${what}, the connection is ${this.tracker.status.state} — wait for it to reconnect`, 'disconnected')
    }
    return session
  }

  private buildPlan(session: S7Session, bindings: readonly Binding[]): ReadPlan {
    const points: ReadPoint[] = bindings.map(({ tag, item }) => ({ id: tag.id, area: item.area, db: item.db, offset: item.offset, size: item.size }))
    return planReads(points, {
      pduSize: session.pduSize,
      maxItems: this.options.maxItemsPerRequest,
      mergeGapBytes: this.options.mergeGapBytes,
      isolate: this.isolated,
    })
  }

  private async openSession(): Promise<void> {
    let session: S7Session
    try {
      session = await S7Session.open(this.target, { timeoutMs: this.timeoutMs, counters: this.counterSet, traffic: this.traffic })
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
    this.failing.clear()
    this.dbSizes.clear()
    session.onClose((reason) => this.onDropped(session, reason))
    this.setState('connected')
    this.startPolling(session)
  }

  private scheduleReconnect(reason: string): void {
    const delay = backoffDelay(this.reconnectAttempt++, this.options.reconnect)
    this.setState('reconnecting', `${reason} — retrying in ${delay >= 1000 ? `${delay / 1000} s` : `${delay} ms`}`)
    clearTimeout(this.reconnectTimer)
    this.reconnectTimer = setTimeout(() => void this.openSession(), delay)
  }

  private onDropped(session: S7Session, reason: string): void {
    if (this.session !== session) return
    this.session = undefined
    this.stopPolling()
    this.tracker.count('errors')
    // Last values stay, marked stale and bad, so screens keep showing what was last known.
    const now = Date.now()
    const stale = [...this.lastValues.values()].map((v) => ({ ...v, quality: { status: 'bad' as const, reason }, receiveTime: now, stale: true }))
    for (const value of stale) this.lastValues.set(value.tagId, value)
    if (stale.length > 0) this.emit(stale)
    if (this.wanted) this.scheduleReconnect(reason)
  }

  private startPolling(session: S7Session): void {
    for (const [rateMs, tagIds] of this.rates) {
      const bindings = tagIds.map((id) => this.bindings.get(id)!)
      this.plans.set(rateMs, this.buildPlan(session, bindings))
      const cycle = async () => {
        const started = performance.now()
        const plan = this.plans.get(rateMs)!
        try {
          const values = await this.readBindings(session, bindings, plan, true)
          if (this.session !== session) return
          if (values.length > 0) this.emit(values)
          this.settle(`cycle@${rateMs}`)
        } catch (error) {
          // A reply we could not make sense of fails this cycle only; the next one tries again.
          if (this.session !== session) return
          this.tracker.count('errors')
          this.settle(`cycle@${rateMs}`, `S7 ${this.where}: poll cycle failed: ${(error as Error).message}`)
        }
        const durationMs = performance.now() - started
        for (const listener of this.cycleListeners) listener({ rateMs, requests: plan.requests.length, durationMs })
        this.pollTimers.push(setTimeout(() => void cycle(), Math.max(0, rateMs - durationMs)))
      }
      void cycle()
    }
  }

  private stopPolling(): void {
    for (const timer of this.pollTimers) clearTimeout(timer)
    this.pollTimers = []
  }

  /**
   * Runs a plan and turns the replies into tag values; never throws for the CPU's refusals (they become bad values).
   * A merged range that ran past the end of its DB is read again tag by tag, so the tags that exist keep their values.
   */
  private async readBindings(session: S7Session, bindings: readonly Binding[], plan: ReadPlan, polling: boolean): Promise<TagValue[]> {
    let outcomes: RangeOutcome[]
    try {
      outcomes = await this.runPlan(session, plan)
    } catch (error) {
      if (error instanceof S7RequestError && (error.kind === 'disconnected' || error.kind === 'timeout')) {
        if (!polling) throw error
        return []
      }
      throw error
    }
    const overrun = new Set<string>()
    plan.ranges.forEach((range, index) => {
      if (outcomes[index]!.returnCode === RETURN_CODE.addressOutOfRange && range.pointIds.length > 1) overrun.add(areaKey(range.area, range.db))
    })
    if (overrun.size > 0) {
      for (const key of overrun) this.isolated.add(key)
      const again = bindings.filter((b) => overrun.has(areaKey(b.item.area, b.item.db)))
      const rest = bindings.filter((b) => !overrun.has(areaKey(b.item.area, b.item.db)))
      if (polling)
        for (const [rateMs, tagIds] of this.rates)
          this.plans.set(
            rateMs,
            this.buildPlan(
              session,
              tagIds.map((id) => this.bindings.get(id)!),
            ),
          )
      const first = await this.decodeOutcomes(session, rest, plan, outcomes, polling)
      return [...first, ...(await this.readBindings(session, again, this.buildPlan(session, again), polling))]
    }
    return this.decodeOutcomes(session, bindings, plan, outcomes, polling)
  }

  private async runPlan(session: S7Session, plan: ReadPlan): Promise<RangeOutcome[]> {
    const outcomes: RangeOutcome[] = plan.ranges.map((range) => ({ data: new Uint8Array(range.length) }))
    // All requests of a cycle go out together; the session keeps as many in flight as the CPU granted.
    await Promise.all(
      plan.requests.map(async (chunks) => {
        const specs = chunks.map((chunk) => {
          const range = plan.ranges[chunk.range]!
          return { areaCode: AREA_CODES[range.area], db: range.db, offset: range.offset + chunk.start, length: chunk.length }
        })
        let results
        try {
          results = await session.readItems(specs)
        } catch (error) {
          if (!(error instanceof S7RequestError) || error.kind !== 'refused') throw error
          for (const chunk of chunks) outcomes[chunk.range]!.error ??= error.message
          return
        }
        chunks.forEach((chunk, i) => {
          const result = results[i]!
          const outcome = outcomes[chunk.range]!
          if (result.returnCode !== RETURN_CODE.ok) {
            this.counterSet.count('itemErrors')
            outcome.returnCode ??= result.returnCode
          } else if (result.data.length < chunk.length) {
            outcome.error ??= `S7 ${this.where}: the CPU answered ${result.data.length} of ${chunk.length} bytes — reading again next cycle`
          } else outcome.data!.set(result.data.subarray(0, chunk.length), chunk.start)
        })
      }),
    )
    return outcomes
  }

  private async decodeOutcomes(
    session: S7Session,
    bindings: readonly Binding[],
    plan: ReadPlan,
    outcomes: RangeOutcome[],
    polling: boolean,
  ): Promise<TagValue[]> {
    const wanted = new Set(bindings.map((b) => b.tag.id))
    const receiveTime = Date.now()
    const values: TagValue[] = []
    for (const [index, range] of plan.ranges.entries()) {
      if (!range.pointIds.some((id) => wanted.has(id))) continue
      const outcome = outcomes[index]!
      let failure = outcome.error
      if (failure === undefined && outcome.returnCode !== undefined) {
        const item = this.bindings.get(range.pointIds[0]!)!.item
        const dbSize = outcome.returnCode === RETURN_CODE.addressOutOfRange && item.area === 'DB' ? await this.probeDbSize(session, item.db) : undefined
        failure = `S7 ${this.where}: ${describeItemFailure(outcome.returnCode, item, dbSize)}`
      }
      if (polling) this.settle(areaKey(range.area, range.db) + `@${range.offset}`, failure)
      for (const tagId of range.pointIds) {
        if (!wanted.has(tagId)) continue
        if (failure !== undefined) {
          values.push(this.record({ tagId, value: null, quality: { status: 'bad', reason: failure }, sourceTime: receiveTime, receiveTime, stale: false }))
          continue
        }
        const { item } = this.bindings.get(tagId)!
        const start = item.offset - range.offset
        const value = decodeS7Value(outcome.data!.subarray(start, start + byteSize(item.dataType)), item.dataType, item.bit)
        values.push(this.record({ tagId, value, quality: { status: 'good' }, sourceTime: receiveTime, receiveTime, stale: false }))
      }
    }
    if (polling) this.tracker.count('messages', plan.requests.length)
    return values
  }

  /** The DB's length in bytes from its block info, or else by reading single bytes (binary search); once per DB and connection. */
  private async probeDbSize(session: S7Session, db: number): Promise<number | undefined> {
    const known = this.dbSizes.get(db)
    if (known !== undefined) return known
    try {
      const info = await session.dbSize(db)
      if (info.size !== undefined) {
        this.dbSizes.set(db, info.size)
        return info.size
      }
    } catch (error) {
      if (!(error instanceof S7RequestError) || error.kind !== 'refused') return undefined
    }
    const exists = async (offset: number) => {
      const [result] = await session.readItems([{ areaCode: AREA_CODES.DB, db, offset, length: 1 }])
      return result!.returnCode === RETURN_CODE.ok
    }
    try {
      if (!(await exists(0))) return undefined
      let low = 0
      let high = 0x10000
      while (high - low > 1) {
        const middle = (low + high) >> 1
        if (await exists(middle)) low = middle
        else high = middle
      }
      this.dbSizes.set(db, high)
      return high
    } catch {
      return undefined
    }
  }

  private record(value: TagValue): TagValue {
    const previous = this.lastValues.get(value.tagId)
    // A bad reading keeps showing the last good value beside the reason, as the core expects.
    const kept = value.value === null && previous ? { ...value, value: previous.value } : value
    this.lastValues.set(value.tagId, kept)
    return kept
  }

  /** Degraded while any range fails, with the latest reason; connected again when all answer. */
  private settle(key: string, failure?: string): void {
    if (failure === undefined) this.failing.delete(key)
    else this.failing.set(key, failure)
    const state = this.tracker.status.state
    if (state !== 'connected' && state !== 'degraded') return
    if (this.failing.size === 0) this.setState('connected')
    else this.setState('degraded', failure ?? [...this.failing.values()].at(-1))
  }

  private setState(state: ConnectionState, lastError?: string): void {
    this.tracker.set(state, lastError)
  }

  private emit(values: TagValue[]): void {
    for (const listener of this.valueListeners) listener(values)
  }
}

/** Byte writes longer than one PDU carries, as consecutive write var jobs. */
function splitWrite(base: { areaCode: number; db: number }, offset: number, data: Uint8Array, pduSize: number): WriteItemSpec[] {
  // Job header 10, param 2 + 12 per item, data header 4 per item.
  const max = (pduSize - 28) & ~1
  const specs: WriteItemSpec[] = []
  for (let at = 0; at < data.length; at += max) specs.push({ ...base, offset: offset + at, data: data.subarray(at, at + max) })
  return specs
}
