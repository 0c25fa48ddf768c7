// Why one Modbus request failed, classified so the connector can decide: mark tags bad, degrade, or reconnect.

export const MODBUS_EXCEPTION_NAMES: Readonly<Record<number, string>> = {
  1: 'illegal function',
  2: 'illegal data address',
  3: 'illegal data value',
  4: 'slave device failure',
  5: 'acknowledge',
  6: 'slave device busy',
  8: 'memory parity error',
  10: 'gateway path unavailable',
  11: 'gateway target failed to respond',
}

const EXCEPTION_ADVICE: Readonly<Record<number, string>> = {
  1: 'the device does not support this function code',
  2: 'check the register map',
  3: 'check the value and the register count',
  4: 'check the device diagnostics',
  6: 'the device is busy, it will be retried',
  10: 'check the gateway routing for this unit id',
  11: 'check the unit id and the serial line behind the gateway',
}

export type ModbusFailureKind = 'exception' | 'timeout' | 'crc' | 'disconnected' | 'protocol'

export function exceptionName(code: number): string {
  return MODBUS_EXCEPTION_NAMES[code] ?? `exception ${code}`
}

/** A failed request; the message follows `Modbus <where> unit <n>: <what> — <what to do>`. */
export class ModbusRequestError extends Error {
  constructor(
    message: string,
    readonly kind: ModbusFailureKind,
    readonly exceptionCode?: number,
  ) {
    super(message)
    this.name = 'ModbusRequestError'
  }

  static exception(where: string, unitId: number, code: number, subject: string): ModbusRequestError {
    const advice = EXCEPTION_ADVICE[code]
    return new ModbusRequestError(
      `Modbus ${where} unit ${unitId}: ${exceptionName(code)} ${subject} (exception ${code})${advice ? ` — ${advice}` : ''}`,
      'exception',
      code,
    )
  }
}

/** Maps what modbus-serial rejects with (err.modbusCode, errno, message) onto a ModbusRequestError. */
export function classifyModbusError(
  error: unknown,
  where: string,
  unitId: number,
  verb: 'reading' | 'writing',
  subject: string,
  timeoutMs: number,
): ModbusRequestError {
  if (error instanceof ModbusRequestError) return error
  const e = (error ?? {}) as { modbusCode?: unknown; errno?: unknown; code?: unknown; message?: unknown; name?: unknown }
  const message = typeof e.message === 'string' ? e.message : String(error)
  if (typeof e.modbusCode === 'number') return ModbusRequestError.exception(where, unitId, e.modbusCode, subject)
  if (e.errno === 'ETIMEDOUT' || message === 'Timed out') {
    return new ModbusRequestError(
      `Modbus ${where} unit ${unitId}: timeout after ${timeoutMs} ms ${verb} ${subject} — check the unit id, wiring and that the device is powered`,
      'timeout',
    )
  }
  if (message.includes('CRC error')) {
    return new ModbusRequestError(
      `Modbus ${where} unit ${unitId}: CRC error in the reply ${verb} ${subject} — check baud rate, parity, termination and shielding`,
      'crc',
    )
  }
  if (e.name === 'PortNotOpenError' || e.errno === 'ECONNREFUSED' || e.code === 'ECONNRESET' || e.code === 'EPIPE' || message === 'Port Not Open') {
    return new ModbusRequestError(`Modbus ${where} unit ${unitId}: connection lost ${verb} ${subject} (${message}) — reconnecting`, 'disconnected')
  }
  return new ModbusRequestError(`Modbus ${where} unit ${unitId}: ${verb} ${subject} failed: ${message}`, 'protocol')
}
