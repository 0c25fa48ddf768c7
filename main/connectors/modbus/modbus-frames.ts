// Rebuilds the bytes of a request or reply, because modbus-serial does not hand its raw frames to callers.
// TCP frames are MBAP header + PDU, RTU frames are address + PDU + CRC; byte-identical for well-formed traffic.

export type FrameFraming = 'tcp' | 'rtu'

/** Modbus RTU CRC-16 (polynomial 0xA001, initial 0xFFFF), appended low byte first. */
export function crc16(bytes: Uint8Array): number {
  let crc = 0xffff
  for (const byte of bytes) {
    crc ^= byte
    for (let i = 0; i < 8; i++) crc = crc & 1 ? (crc >>> 1) ^ 0xa001 : crc >>> 1
  }
  return crc
}

export function frame(framing: FrameFraming, unitId: number, pdu: readonly number[], transactionId: number): Uint8Array {
  if (framing === 'tcp') {
    const length = pdu.length + 1
    return Uint8Array.from([(transactionId >> 8) & 0xff, transactionId & 0xff, 0, 0, length >> 8, length & 0xff, unitId, ...pdu])
  }
  const body = Uint8Array.from([unitId, ...pdu])
  const crc = crc16(body)
  return Uint8Array.from([...body, crc & 0xff, crc >> 8])
}

const word = (value: number): number[] => [(value >> 8) & 0xff, value & 0xff]

export function packBits(bits: readonly boolean[]): number[] {
  const bytes = new Array<number>(Math.ceil(bits.length / 8)).fill(0)
  bits.forEach((on, i) => {
    if (on) bytes[i >> 3]! |= 1 << (i & 7)
  })
  return bytes
}

export function readRequestPdu(functionCode: number, offset: number, count: number): number[] {
  return [functionCode, ...word(offset), ...word(count)]
}

export function readReplyPdu(functionCode: number, data: Uint8Array): number[] {
  return [functionCode, data.length, ...data]
}

export function writeSingleCoilPdu(offset: number, on: boolean): number[] {
  return [5, ...word(offset), on ? 0xff : 0, 0]
}

export function writeSingleRegisterPdu(offset: number, value: number): number[] {
  return [6, ...word(offset), ...word(value)]
}

export function writeCoilsPdu(offset: number, bits: readonly boolean[]): number[] {
  const packed = packBits(bits)
  return [15, ...word(offset), ...word(bits.length), packed.length, ...packed]
}

export function writeRegistersPdu(offset: number, values: readonly number[]): number[] {
  return [16, ...word(offset), ...word(values.length), values.length * 2, ...values.flatMap(word)]
}

export function writeMultipleReplyPdu(functionCode: 15 | 16, offset: number, count: number): number[] {
  return [functionCode, ...word(offset), ...word(count)]
}

export function exceptionPdu(functionCode: number, code: number): number[] {
  return [functionCode | 0x80, code]
}
