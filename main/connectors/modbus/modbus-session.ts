import ModbusRTU from 'modbus-serial'
import { formatModicon, type ModbusTable } from '../../../preload/contract/modbus-address'
import { modbusCounterSet, modbusTrafficLog, type ModbusCounterSet, type ModbusTrafficLog } from './modbus-diagnostics'
import { describeTransport, type ModbusTransport } from './modbus-endpoint'
import * as frames from './modbus-frames'
import { classifyModbusError, exceptionName, ModbusRequestError } from './modbus-request-error'
import { toHex } from '../traffic-diagnostics'

// One open link to a Modbus device: requests go out strictly one at a time (devices hate concurrency),
// each one counted and logged in hex.

export const DEFAULT_TIMEOUT_MS = 1000

type Client = InstanceType<typeof ModbusRTU>

interface InFlight {
  unitId: number
  functionCode: number
  verb: 'reading' | 'writing'
  subject: string
  requestPdu: number[]
}

export interface ModbusSessionOptions {
  transport: ModbusTransport
  timeoutMs?: number
  counters?: ModbusCounterSet
  traffic?: ModbusTrafficLog
}

/** `40001` or `40001-40010`: the range a request covers, in the numbers people read off a register map. */
export function describeRange(table: ModbusTable, offset: number, count: number): string {
  const first = formatModicon({ table, offset })
  return count <= 1 ? first : `${first}-${formatModicon({ table, offset: offset + count - 1 })}`
}

export class ModbusSession {
  readonly where: string
  readonly counters: ModbusCounterSet
  readonly traffic: ModbusTrafficLog
  private timeoutMs: number
  private client?: Client
  private queue: Promise<unknown> = Promise.resolve()
  private closed = false
  private rejectInFlight?: (error: Error) => void
  private readonly closeListeners = new Set<(reason: string) => void>()
  private readonly framing: frames.FrameFraming
  private ownTransactionId = 0

  constructor(private readonly options: ModbusSessionOptions) {
    this.where = describeTransport(options.transport)
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
    this.counters = options.counters ?? modbusCounterSet()
    this.traffic = options.traffic ?? modbusTrafficLog()
    this.framing = options.transport.kind === 'tcp' ? 'tcp' : 'rtu'
  }

  get isOpen(): boolean {
    return !this.closed && this.client?.isOpen === true
  }

  get timeout(): number {
    return this.timeoutMs
  }

  /** Scans shorten the timeout per probe; applies to the next request. */
  setTimeout(ms: number): void {
    this.timeoutMs = ms
    this.client?.setTimeout(ms)
  }

  async open(): Promise<void> {
    const client = new ModbusRTU()
    client.setTimeout(this.timeoutMs)
    // The port re-emits socket errors; without a listener an EventEmitter 'error' would crash the app.
    client.on('error', () => undefined)
    const { transport } = this.options
    try {
      if (transport.kind === 'tcp') await client.connectTCP(transport.host, { port: transport.port })
      // modbus-serial's connectTcpRTUBuffered still frames with MBAP; its telnet port sends raw RTU frames with CRC, as serial gateways expect.
      else if (transport.kind === 'rtu-over-tcp') await client.connectTelnet(transport.host, { port: transport.port })
      else {
        await client.connectRTUBuffered(transport.path, {
          baudRate: transport.baudRate,
          parity: transport.parity,
          dataBits: transport.dataBits,
          stopBits: transport.stopBits,
        })
      }
    } catch (error) {
      destroyQuietly(client)
      const reason = (error as Error)?.message ?? String(error)
      throw new ModbusRequestError(
        `Modbus ${this.where}: cannot connect (${reason}) — check the address, port and that the device is on the network`,
        'disconnected',
      )
    }
    this.client = client
    client.on('close', () => this.onClosed(`Modbus ${this.where}: connection closed by the device or network`))
  }

  onClose(listener: (reason: string) => void): () => void {
    this.closeListeners.add(listener)
    return () => this.closeListeners.delete(listener)
  }

  async close(): Promise<void> {
    this.closed = true
    this.closeListeners.clear()
    this.rejectInFlight?.(new ModbusRequestError(`Modbus ${this.where}: connection closed`, 'disconnected'))
    const client = this.client
    this.client = undefined
    if (client) destroyQuietly(client)
  }

  readRegisters(unitId: number, table: 'hr' | 'ir', offset: number, count: number): Promise<number[]> {
    const functionCode = table === 'hr' ? 3 : 4
    return this.request(
      { unitId, functionCode, verb: 'reading', subject: describeRange(table, offset, count), requestPdu: frames.readRequestPdu(functionCode, offset, count) },
      async (client) => {
        const result = table === 'hr' ? await client.readHoldingRegisters(offset, count) : await client.readInputRegisters(offset, count)
        return { value: result.data.slice(0, count), replyPdu: frames.readReplyPdu(functionCode, result.buffer) }
      },
    )
  }

  readBits(unitId: number, table: 'co' | 'di', offset: number, count: number): Promise<boolean[]> {
    const functionCode = table === 'co' ? 1 : 2
    return this.request(
      { unitId, functionCode, verb: 'reading', subject: describeRange(table, offset, count), requestPdu: frames.readRequestPdu(functionCode, offset, count) },
      async (client) => {
        const result = table === 'co' ? await client.readCoils(offset, count) : await client.readDiscreteInputs(offset, count)
        return { value: result.data.slice(0, count), replyPdu: frames.readReplyPdu(functionCode, result.buffer) }
      },
    )
  }

  writeCoil(unitId: number, offset: number, on: boolean): Promise<void> {
    const pdu = frames.writeSingleCoilPdu(offset, on)
    return this.request({ unitId, functionCode: 5, verb: 'writing', subject: describeRange('co', offset, 1), requestPdu: pdu }, async (client) => {
      await client.writeCoil(offset, on)
      return { value: undefined, replyPdu: pdu }
    })
  }

  writeCoils(unitId: number, offset: number, bits: boolean[]): Promise<void> {
    return this.request(
      { unitId, functionCode: 15, verb: 'writing', subject: describeRange('co', offset, bits.length), requestPdu: frames.writeCoilsPdu(offset, bits) },
      async (client) => {
        await client.writeCoils(offset, bits)
        return { value: undefined, replyPdu: frames.writeMultipleReplyPdu(15, offset, bits.length) }
      },
    )
  }

  writeRegister(unitId: number, offset: number, value: number): Promise<void> {
    const pdu = frames.writeSingleRegisterPdu(offset, value)
    return this.request({ unitId, functionCode: 6, verb: 'writing', subject: describeRange('hr', offset, 1), requestPdu: pdu }, async (client) => {
      await client.writeRegister(offset, value)
      return { value: undefined, replyPdu: pdu }
    })
  }

  writeRegisters(unitId: number, offset: number, values: number[]): Promise<void> {
    return this.request(
      { unitId, functionCode: 16, verb: 'writing', subject: describeRange('hr', offset, values.length), requestPdu: frames.writeRegistersPdu(offset, values) },
      async (client) => {
        await client.writeRegisters(offset, values)
        return { value: undefined, replyPdu: frames.writeMultipleReplyPdu(16, offset, values.length) }
      },
    )
  }

  /**
   * Read Device Identification (function 43, MEI type 14), one read-device-id code (1 basic, 2 regular): object id →
   * text. Follow-on requests ("more follows") are made by modbus-serial on the same queue slot.
   */
  readDeviceIdentification(unitId: number, code: 1 | 2): Promise<Record<number, string>> {
    const pdu = [43, 14, code, 0]
    return this.request(
      { unitId, functionCode: 43, verb: 'reading', subject: `device identification (43/14, code ${code})`, requestPdu: pdu },
      async (client) => {
        const result = await client.readDeviceIdentification(code, 0)
        const objects = result.data as unknown as Record<number, string>
        const reply = [43, 14, code, result.conformityLevel, 0, 0, Object.keys(objects).length]
        for (const [id, text] of Object.entries(objects)) reply.push(Number(id), text.length, ...Buffer.from(text, 'latin1'))
        return { value: { ...objects }, replyPdu: reply }
      },
    )
  }

  private request<T>(inFlight: InFlight, call: (client: Client) => Promise<{ value: T; replyPdu: number[] }>): Promise<T> {
    const run = () => this.send(inFlight, call)
    const result = this.queue.then(run, run)
    this.queue = result.catch(() => undefined)
    return result
  }

  private async send<T>(inFlight: InFlight, call: (client: Client) => Promise<{ value: T; replyPdu: number[] }>): Promise<T> {
    const { unitId, functionCode, verb, subject, requestPdu } = inFlight
    const client = this.client
    if (!client || this.closed || !client.isOpen) {
      throw new ModbusRequestError(
        `Modbus ${this.where} unit ${unitId}: not connected, ${verb} ${subject} skipped — waiting for the connection`,
        'disconnected',
      )
    }
    const transactionId = this.nextTransactionId(client)
    client.setID(unitId)
    this.counters.request()
    this.traffic.add({
      time: Date.now(),
      direction: 'tx',
      unitId,
      functionCode,
      hex: toHex(frames.frame(this.framing, unitId, requestPdu, transactionId)),
      result: 'sent',
    })
    const started = performance.now()
    try {
      const aborted = new Promise<never>((_, reject) => (this.rejectInFlight = reject))
      const { value, replyPdu } = await Promise.race([call(client), aborted])
      const rttMs = performance.now() - started
      this.counters.answered(rttMs)
      this.traffic.add({
        time: Date.now(),
        direction: 'rx',
        unitId,
        functionCode,
        hex: toHex(frames.frame(this.framing, unitId, replyPdu, transactionId)),
        result: 'ok',
        rttMs,
      })
      return value
    } catch (raw) {
      const rttMs = performance.now() - started
      const error = classifyModbusError(raw, this.where, unitId, verb, subject, this.timeoutMs)
      if (error.kind === 'exception') {
        this.counters.answered(rttMs, 'exceptions')
        const code = error.exceptionCode!
        const hex = toHex(frames.frame(this.framing, unitId, frames.exceptionPdu(functionCode, code), transactionId))
        this.traffic.add({ time: Date.now(), direction: 'rx', unitId, functionCode, hex, result: `exception ${code} (${exceptionName(code)})`, rttMs })
      } else {
        if (error.kind === 'timeout') this.counters.timeout()
        if (error.kind === 'crc') this.counters.count('crcErrors')
        this.traffic.add({ time: Date.now(), direction: 'rx', unitId, functionCode, hex: '', result: error.kind === 'crc' ? 'CRC error' : error.kind })
      }
      throw error
    } finally {
      this.rejectInFlight = undefined
    }
  }

  // modbus-serial numbers TCP transactions itself and keeps the next id on its port; mirror it for the log.
  private nextTransactionId(client: Client): number {
    const port = (client as unknown as { _port?: { _transactionIdWrite?: unknown } })._port
    if (typeof port?._transactionIdWrite === 'number') return port._transactionIdWrite
    this.ownTransactionId = (this.ownTransactionId + 1) % 0x10000
    return this.ownTransactionId
  }

  private onClosed(reason: string): void {
    if (this.closed) return
    this.closed = true
    this.rejectInFlight?.(new ModbusRequestError(reason, 'disconnected'))
    const client = this.client
    this.client = undefined
    if (client) destroyQuietly(client)
    for (const listener of [...this.closeListeners]) listener(reason)
  }
}

function destroyQuietly(client: Client): void {
  // Serial ports have no destroy in modbus-serial; ModbusRTU.destroy would then leave the port open.
  const port = (client as unknown as { _port?: { destroy?: unknown } })._port
  try {
    if (typeof port?.destroy === 'function') client.destroy(() => undefined)
    else client.close(() => undefined)
  } catch {
    // Already gone: nothing left to release.
  }
}
