import { Socket } from 'node:net'
import { describeS7Endpoint, formatTsap, type S7Endpoint } from './s7-endpoint'
import { s7CounterSet, s7TrafficLog, type S7CounterSet, type S7TrafficLog } from './s7-diagnostics'
import {
  blockInfoPdu,
  connectionRequestFrame,
  cotpType,
  dataFrame,
  dataPayload,
  listBlocksPdu,
  parseBlockInfoSize,
  parseBlockList,
  parseReadVarData,
  parseS7Pdu,
  parseSetupCommunication,
  parseSzlReply,
  parseWriteVarData,
  readSzlPdu,
  readVarPdu,
  RETURN_CODE,
  ROSCTR,
  setupCommunicationPdu,
  TPKT_HEADER,
  writeVarPdu,
  type ReadItemResult,
  type ReadItemSpec,
  type S7Pdu,
  type WriteItemSpec,
} from './s7-frames'
import { describeHeaderError, S7RequestError } from './s7-request-error'
import { toHex } from '../traffic-diagnostics'

// One ISO-on-TCP link to a CPU: connect (COTP + setup communication), then jobs matched to replies by PDU reference,
// as many in flight as the CPU granted.

export const DEFAULT_TIMEOUT_MS = 2000
/** Parallel jobs we ask for; the CPU grants its own number (S7-300: 1, S7-1500: 3 or more). */
const REQUESTED_PARALLEL_JOBS = 8

export interface S7SessionOptions {
  timeoutMs?: number
  counters?: S7CounterSet
  traffic?: S7TrafficLog
}

interface Pending {
  service: string
  /** The traffic log's word for a reply that passed the header check: ok, or which items were refused. */
  summarize(reply: S7Pdu): string
  started: number
  timer: NodeJS.Timeout
  resolve(pdu: S7Pdu): void
  reject(error: Error): void
}

export class S7Session {
  readonly where: string
  /** Negotiated in setup communication. */
  pduSize = 0
  maxParallelJobs = 1
  private readonly socket = new Socket()
  private readonly timeoutMs: number
  private readonly counters: S7CounterSet
  private readonly traffic: S7TrafficLog
  private received: Buffer = Buffer.alloc(0)
  private fragments: Uint8Array[] = []
  private onFrame?: (frame: Uint8Array) => void
  private readonly pending = new Map<number, Pending>()
  private readonly waiting: (() => void)[] = []
  private nextRef = 0
  private closed = false
  private readonly closeListeners = new Set<(reason: string) => void>()

  private constructor(
    private readonly endpoint: S7Endpoint,
    options: S7SessionOptions,
  ) {
    this.where = describeS7Endpoint(endpoint)
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
    this.counters = options.counters ?? s7CounterSet()
    this.traffic = options.traffic ?? s7TrafficLog()
  }

  /** Connects and negotiates; throws an S7RequestError that says what to check when the CPU cannot be reached or refuses. */
  static async open(endpoint: S7Endpoint, options: S7SessionOptions = {}): Promise<S7Session> {
    const session = new S7Session(endpoint, options)
    try {
      await session.connectSocket()
      await session.connectIso()
      await session.setupCommunication()
    } catch (error) {
      session.shutdown((error as Error).message)
      throw error
    }
    return session
  }

  get isOpen(): boolean {
    return !this.closed
  }

  onClose(listener: (reason: string) => void): () => void {
    this.closeListeners.add(listener)
    return () => this.closeListeners.delete(listener)
  }

  async close(): Promise<void> {
    this.shutdown('closed')
  }

  /** One read var job; the items must fit the negotiated PDU (the read plan sees to that). */
  async readItems(items: readonly ReadItemSpec[]): Promise<ReadItemResult[]> {
    const reply = await this.job(
      'read var',
      (ref) => readVarPdu(ref, items),
      (pdu) => countItemErrors(parseReadVarData(pdu, items.length).map((r) => r.returnCode)),
    )
    return parseReadVarData(reply, items.length)
  }

  /** One write var job; returns each item's return code (0xFF is success). */
  async writeItems(items: readonly WriteItemSpec[]): Promise<number[]> {
    const reply = await this.job(
      'write var',
      (ref) => writeVarPdu(ref, items),
      (pdu) => countItemErrors(parseWriteVarData(pdu, items.length)),
    )
    return parseWriteVarData(reply, items.length)
  }

  /** One SZL list (id, index) as the CPU returns it; records are empty when the CPU does not provide that list. */
  async readSzl(szlId: number, szlIndex: number): Promise<{ errorCode: number; records: Uint8Array[] }> {
    const reply = await this.job(
      'read SZL',
      (ref) => readSzlPdu(ref, szlId, szlIndex),
      (pdu) => (parseSzlReply(pdu).errorCode === 0 ? 'ok' : 'not provided'),
    )
    return parseSzlReply(reply)
  }

  /** Numbers of the DBs in the CPU, where it answers block functions (S7-300/400; S7-1200/1500 mostly do not). */
  async listDbs(): Promise<{ errorCode: number; numbers: number[] }> {
    const reply = await this.job(
      'list blocks',
      (ref) => listBlocksPdu(ref),
      (pdu) => (parseBlockList(pdu).errorCode === 0 ? 'ok' : 'not provided'),
    )
    return parseBlockList(reply)
  }

  /** A DB's length in bytes from its block info, where the CPU answers block functions. */
  async dbSize(db: number): Promise<{ errorCode: number; size?: number }> {
    const reply = await this.job(
      'block info',
      (ref) => blockInfoPdu(ref, db),
      (pdu) => (parseBlockInfoSize(pdu).errorCode === 0 ? 'ok' : 'not provided'),
    )
    return parseBlockInfoSize(reply)
  }

  private connectSocket(): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(
          new S7RequestError(
            `S7 ${this.where}: no answer to the TCP connect within ${this.timeoutMs} ms — check the IP address, cabling and that port ${this.endpoint.port} is open`,
            'timeout',
          ),
        )
      }, this.timeoutMs)
      this.socket.once('error', (error: NodeJS.ErrnoException) => {
        clearTimeout(timer)
        const advice =
          error.code === 'ECONNREFUSED'
            ? ` — nothing listens on port ${this.endpoint.port}; check the IP address and that the device speaks S7 (ISO-on-TCP)`
            : ' — check the network'
        reject(new S7RequestError(`S7 ${this.where}: cannot connect (${error.code ?? error.message})${advice}`, 'disconnected'))
      })
      this.socket.setNoDelay(true)
      this.socket.connect(this.endpoint.port, this.endpoint.host, () => {
        clearTimeout(timer)
        this.socket.removeAllListeners('error')
        this.socket.on('error', (error) => this.shutdown(`S7 ${this.where}: connection lost (${error.message}) — reconnecting`))
        this.socket.on('close', () => this.shutdown(`S7 ${this.where}: the CPU closed the connection — reconnecting`))
        this.socket.on('data', (chunk) => this.receive(chunk))
        resolve()
      })
    })
  }

  private async connectIso(): Promise<void> {
    const { localTsap, remoteTsap } = this.endpoint
    const request = connectionRequestFrame(localTsap, remoteTsap)
    const refused = () =>
      new S7RequestError(
        `S7 ${this.where}: the device refused the ISO connection (TSAP ${formatTsap(localTsap)}→${formatTsap(remoteTsap)}) — ` +
          (this.endpoint.explicitTsaps
            ? 'check the TSAPs configured in the device (LOGO!: the server connection in LOGO!Soft; S7-200: the CP settings)'
            : 'check rack and slot (S7-1200/1500: rack 0 slot 1; S7-300: rack 0 slot 2; S7-400: see the hardware configuration)'),
        'refused',
      )
    const reply = await this.exchangeRaw('connect', request, refused)
    if (cotpType(reply) !== 0xd0) throw refused()
  }

  private async setupCommunication(): Promise<void> {
    const reply = await this.job(
      'setup communication',
      (ref) => setupCommunicationPdu(ref, this.endpoint.pduSize, REQUESTED_PARALLEL_JOBS),
      () => 'ok',
      true,
    )
    const granted = parseSetupCommunication(reply)
    this.pduSize = Math.min(granted.pduSize, this.endpoint.pduSize)
    this.maxParallelJobs = Math.max(1, Math.min(granted.maxParallelJobs, REQUESTED_PARALLEL_JOBS))
  }

  /** Sends a COTP frame and waits for the next frame (the connection phase, before any PDU reference exists). */
  private exchangeRaw(service: string, frame: Uint8Array, onClosed: () => Error): Promise<Uint8Array> {
    return new Promise((resolve, reject) => {
      const started = performance.now()
      const finish = (error?: Error, reply?: Uint8Array) => {
        clearTimeout(timer)
        this.onFrame = undefined
        this.closeListeners.delete(closed)
        if (error) reject(error)
        else resolve(reply!)
      }
      const closed = () => finish(onClosed())
      const timer = setTimeout(() => {
        this.traffic.add({ time: Date.now(), direction: 'rx', pduRef: 0, service, hex: '', result: 'timeout' })
        finish(
          new S7RequestError(
            `S7 ${this.where}: no answer to the ISO connection request within ${this.timeoutMs} ms — check rack and slot or the TSAPs`,
            'timeout',
          ),
        )
      }, this.timeoutMs)
      this.closeListeners.add(closed)
      this.onFrame = (reply) => {
        this.traffic.add({
          time: Date.now(),
          direction: 'rx',
          pduRef: 0,
          service,
          hex: toHex(reply),
          result: cotpType(reply) === 0xd0 ? 'ok' : 'refused',
          rttMs: performance.now() - started,
        })
        finish(undefined, reply)
      }
      this.traffic.add({ time: Date.now(), direction: 'tx', pduRef: 0, service, hex: toHex(frame), result: 'sent' })
      this.socket.write(frame)
    })
  }

  /** Sends one S7 job and resolves with its reply; a refused header rejects with the CPU's reason. */
  private async job(service: string, build: (pduRef: number) => Uint8Array, summarize: (reply: S7Pdu) => string, setup = false): Promise<S7Pdu> {
    if (this.closed) throw new S7RequestError(`S7 ${this.where}: not connected, ${service} skipped — waiting for the connection`, 'disconnected')
    if (!setup) await this.slot()
    if (this.closed) throw new S7RequestError(`S7 ${this.where}: not connected, ${service} skipped — waiting for the connection`, 'disconnected')
    this.nextRef = (this.nextRef % 0xffff) + 1
    const pduRef = this.nextRef
    const frame = dataFrame(build(pduRef))
    this.counters.request()
    this.traffic.add({ time: Date.now(), direction: 'tx', pduRef, service, hex: toHex(frame), result: 'sent' })
    try {
      const reply = await new Promise<S7Pdu>((resolve, reject) => {
        const timer = setTimeout(() => {
          this.pending.delete(pduRef)
          this.counters.timeout()
          this.traffic.add({ time: Date.now(), direction: 'rx', pduRef, service, hex: '', result: 'timeout' })
          const error = new S7RequestError(`S7 ${this.where}: no answer to ${service} within ${this.timeoutMs} ms — reconnecting`, 'timeout')
          reject(error)
          // A CPU that drops one job on TCP is no longer answering this link; a fresh connection is the way back.
          this.shutdown(error.message)
        }, this.timeoutMs)
        this.pending.set(pduRef, { service, summarize, started: performance.now(), timer, resolve, reject })
        this.socket.write(frame)
      })
      if (reply.errorClass !== 0 || reply.errorCode !== 0) {
        this.counters.count('refusals')
        throw new S7RequestError(
          `S7 ${this.where}: ${service}: ${describeHeaderError(reply.errorClass, reply.errorCode)}`,
          'refused',
          (reply.errorClass << 8) | reply.errorCode,
        )
      }
      return reply
    } finally {
      this.waiting.shift()?.()
    }
  }

  /** Waits until fewer jobs are in flight than the CPU granted. */
  private async slot(): Promise<void> {
    if (this.pending.size < this.maxParallelJobs && this.waiting.length === 0) return
    await new Promise<void>((resolve) => this.waiting.push(resolve))
  }

  private receive(chunk: Buffer): void {
    this.received = this.received.length === 0 ? chunk : Buffer.concat([this.received, chunk])
    while (this.received.length >= TPKT_HEADER) {
      if (this.received[0] !== 3) {
        this.shutdown(`S7 ${this.where}: the device sent something that is not ISO-on-TCP (first byte 0x${this.received[0]!.toString(16)}) — check the port`)
        return
      }
      const length = this.received.readUInt16BE(2)
      if (length < TPKT_HEADER + 2 || this.received.length < length) return
      const frame = new Uint8Array(this.received.subarray(0, length))
      this.received = this.received.subarray(length)
      this.frame(frame)
    }
  }

  private frame(frame: Uint8Array): void {
    if (this.onFrame) {
      this.onFrame(frame)
      return
    }
    if (cotpType(frame) !== 0xf0) {
      this.shutdown(`S7 ${this.where}: the CPU ended the ISO connection — reconnecting`)
      return
    }
    const { pdu, last } = dataPayload(frame)
    this.fragments.push(pdu)
    if (!last) return
    const whole = this.fragments.length === 1 ? this.fragments[0]! : Buffer.concat(this.fragments)
    this.fragments = []
    let parsed: S7Pdu
    try {
      parsed = parseS7Pdu(whole)
    } catch (error) {
      this.shutdown(`S7 ${this.where}: unreadable reply (${(error as Error).message}) — reconnecting`)
      return
    }
    if (parsed.rosctr !== ROSCTR.ackData && parsed.rosctr !== ROSCTR.ack && parsed.rosctr !== ROSCTR.userData) return
    const pending = this.pending.get(parsed.pduRef)
    if (!pending) return
    this.pending.delete(parsed.pduRef)
    clearTimeout(pending.timer)
    const rttMs = performance.now() - pending.started
    this.counters.answered(rttMs)
    const result = parsed.errorClass !== 0 || parsed.errorCode !== 0 ? describeHeaderError(parsed.errorClass, parsed.errorCode) : pending.summarize(parsed)
    this.traffic.add({ time: Date.now(), direction: 'rx', pduRef: parsed.pduRef, service: pending.service, hex: toHex(frame), result, rttMs })
    pending.resolve(parsed)
  }

  private shutdown(reason: string): void {
    if (this.closed) return
    this.closed = true
    this.socket.destroy()
    for (const [ref, pending] of this.pending) {
      clearTimeout(pending.timer)
      this.pending.delete(ref)
      pending.reject(new S7RequestError(reason, 'disconnected'))
    }
    for (const wake of this.waiting.splice(0)) wake()
    for (const listener of [...this.closeListeners]) listener(reason)
  }
}

function countItemErrors(returnCodes: readonly number[]): string {
  const failed = returnCodes.filter((code) => code !== RETURN_CODE.ok)
  if (failed.length === 0) return 'ok'
  return `${failed.length} of ${returnCodes.length} item${returnCodes.length === 1 ? '' : 's'} refused (${[...new Set(failed)].map((c) => `0x${c.toString(16).padStart(2, '0')}`).join(', ')})`
}
