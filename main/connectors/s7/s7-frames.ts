// S7comm over ISO-on-TCP (RFC 1006): TPKT, COTP connection request / data, and the S7 PDUs we send and parse.

export const TPKT_HEADER = 4
const COTP_DATA_HEADER = 3
/** S7 header of a job (10 bytes) and of an ack-data reply, which adds error class and code (12 bytes). */
export const JOB_HEADER = 10
export const ACK_DATA_HEADER = 12
/** A read-var item in the request: 12 bytes; in the reply: return code, transport size, length (4 bytes) + data. */
export const READ_ITEM_REQUEST = 12
export const READ_ITEM_REPLY_HEADER = 4

export const ROSCTR = { job: 1, ack: 2, ackData: 3, userData: 7 } as const
export const FUNCTION = { setupCommunication: 0xf0, readVar: 0x04, writeVar: 0x05 } as const

/** Item return codes of read/write var replies. */
export const RETURN_CODE = {
  ok: 0xff,
  hardwareFault: 0x01,
  accessDenied: 0x03,
  addressOutOfRange: 0x05,
  dataTypeNotSupported: 0x06,
  dataTypeInconsistent: 0x07,
  objectDoesNotExist: 0x0a,
} as const

export interface S7Pdu {
  rosctr: number
  pduRef: number
  /** Error class and code of an ack / ack-data header (0 when fine). */
  errorClass: number
  errorCode: number
  param: Uint8Array
  data: Uint8Array
}

/** One area range for read var (whole bytes). */
export interface ReadItemSpec {
  areaCode: number
  db: number
  offset: number
  length: number
}

/** One write var item: whole bytes, or a single bit with transport size BIT (the PLC leaves the other 7 alone). */
export interface WriteItemSpec {
  areaCode: number
  db: number
  offset: number
  bit?: number
  data: Uint8Array
}

export interface ReadItemResult {
  returnCode: number
  data: Uint8Array
}

function tpkt(payload: Uint8Array): Uint8Array {
  const frame = new Uint8Array(TPKT_HEADER + payload.length)
  frame[0] = 3
  frame[2] = frame.length >> 8
  frame[3] = frame.length & 0xff
  frame.set(payload, TPKT_HEADER)
  return frame
}

/** COTP connection request with the calling (local) and called (remote) TSAP and a 1024-byte TPDU. */
export function connectionRequestFrame(localTsap: number, remoteTsap: number): Uint8Array {
  const cotp = [17, 0xe0, 0, 0, 0, 1, 0, 0xc0, 1, 0x0a, 0xc1, 2, localTsap >> 8, localTsap & 0xff, 0xc2, 2, remoteTsap >> 8, remoteTsap & 0xff]
  return tpkt(Uint8Array.from(cotp))
}

/** The COTP PDU type of a TPKT frame: 0xD0 connection confirm, 0xF0 data, 0x80 disconnect request. */
export function cotpType(frame: Uint8Array): number {
  return frame[TPKT_HEADER + 1]! & 0xf0
}

/** Wraps one S7 PDU in COTP data (last fragment) and TPKT. */
export function dataFrame(pdu: Uint8Array): Uint8Array {
  const payload = new Uint8Array(COTP_DATA_HEADER + pdu.length)
  payload.set([2, 0xf0, 0x80])
  payload.set(pdu, COTP_DATA_HEADER)
  return tpkt(payload)
}

/** The S7 part of a COTP data frame and whether it is the last fragment. */
export function dataPayload(frame: Uint8Array): { pdu: Uint8Array; last: boolean } {
  const headerLength = frame[TPKT_HEADER]! + 1
  return { pdu: frame.subarray(TPKT_HEADER + headerLength), last: (frame[TPKT_HEADER + 2]! & 0x80) !== 0 }
}

function s7Pdu(rosctr: number, pduRef: number, param: number[] | Uint8Array, data: number[] | Uint8Array = []): Uint8Array {
  const pdu = new Uint8Array(JOB_HEADER + param.length + data.length)
  pdu.set([0x32, rosctr, 0, 0, pduRef >> 8, pduRef & 0xff, param.length >> 8, param.length & 0xff, data.length >> 8, data.length & 0xff])
  pdu.set(param, JOB_HEADER)
  pdu.set(data, JOB_HEADER + param.length)
  return pdu
}

export function setupCommunicationPdu(pduRef: number, pduSize: number, maxParallelJobs: number): Uint8Array {
  const amq = [maxParallelJobs >> 8, maxParallelJobs & 0xff]
  return s7Pdu(ROSCTR.job, pduRef, [FUNCTION.setupCommunication, 0, ...amq, ...amq, pduSize >> 8, pduSize & 0xff])
}

function itemAddress(spec: { areaCode: number; db: number; offset: number; bit?: number }, transportSize: number, count: number): number[] {
  const bitAddress = spec.offset * 8 + (spec.bit ?? 0)
  return [
    0x12,
    0x0a,
    0x10,
    transportSize,
    count >> 8,
    count & 0xff,
    spec.db >> 8,
    spec.db & 0xff,
    spec.areaCode,
    bitAddress >> 16,
    (bitAddress >> 8) & 0xff,
    bitAddress & 0xff,
  ]
}

export function readVarPdu(pduRef: number, items: readonly ReadItemSpec[]): Uint8Array {
  // Transport size 0x02 (BYTE): every item is read as whole bytes; the connector decodes the types.
  const param = [FUNCTION.readVar, items.length, ...items.flatMap((item) => itemAddress(item, 0x02, item.length))]
  return s7Pdu(ROSCTR.job, pduRef, param)
}

export function writeVarPdu(pduRef: number, items: readonly WriteItemSpec[]): Uint8Array {
  const param = [FUNCTION.writeVar, items.length]
  const data: number[] = []
  items.forEach((item, index) => {
    const isBit = item.bit !== undefined
    param.push(...itemAddress(item, isBit ? 0x01 : 0x02, isBit ? 1 : item.data.length))
    // Data transport size 0x03 (BIT, length in bits) or 0x04 (BYTE/WORD/DWORD, length in bits too).
    const bits = isBit ? 1 : item.data.length * 8
    data.push(0, isBit ? 0x03 : 0x04, bits >> 8, bits & 0xff, ...(isBit ? [item.data[0]! ? 1 : 0] : item.data))
    const length = isBit ? 1 : item.data.length
    if (length % 2 === 1 && index < items.length - 1) data.push(0)
  })
  return s7Pdu(ROSCTR.job, pduRef, param, data)
}

/** Userdata request "read SZL" (CPU functions, subfunction 1) for one SZL id and index. */
export function readSzlPdu(pduRef: number, szlId: number, szlIndex: number): Uint8Array {
  const param = [0x00, 0x01, 0x12, 0x04, 0x11, 0x44, 0x01, 0x00]
  const data = [0xff, 0x09, 0x00, 0x04, szlId >> 8, szlId & 0xff, szlIndex >> 8, szlIndex & 0xff]
  return s7Pdu(ROSCTR.userData, pduRef, param, data)
}

/** Userdata request "list blocks of type" (block functions, subfunction 2); `0A` is the DB block type. */
export function listBlocksPdu(pduRef: number, blockType = 0x41): Uint8Array {
  return s7Pdu(ROSCTR.userData, pduRef, [0x00, 0x01, 0x12, 0x04, 0x11, 0x43, 0x02, 0x00], [0xff, 0x09, 0x00, 0x02, 0x30, blockType])
}

/** Userdata request "block info" (block functions, subfunction 3) for one block of the active file system. */
export function blockInfoPdu(pduRef: number, blockNumber: number, blockType = 0x41): Uint8Array {
  const digits = Array.from(String(blockNumber).padStart(5, '0'), (c) => c.charCodeAt(0))
  return s7Pdu(ROSCTR.userData, pduRef, [0x00, 0x01, 0x12, 0x04, 0x11, 0x43, 0x03, 0x00], [0xff, 0x09, 0x00, 0x08, 0x30, blockType, ...digits, 0x41])
}

/** The error code of a userdata reply's parameter (0 when fine) and its data after the 4-byte data header. */
export function parseUserData(reply: S7Pdu): { errorCode: number; data: Uint8Array } {
  const errorCode = reply.param.length >= 12 ? (reply.param[10]! << 8) | reply.param[11]! : 0
  if (errorCode !== 0 || reply.data[0] !== 0xff) return { errorCode: errorCode || 0xffff, data: new Uint8Array(0) }
  return { errorCode: 0, data: reply.data.subarray(4) }
}

/** Block numbers of a list blocks reply (4 bytes each: number, flags, language). */
export function parseBlockList(reply: S7Pdu): { errorCode: number; numbers: number[] } {
  const { errorCode, data } = parseUserData(reply)
  const numbers: number[] = []
  for (let at = 0; at + 4 <= data.length; at += 4) numbers.push((data[at]! << 8) | data[at + 1]!)
  return { errorCode, numbers }
}

/** The MC7 (work memory) size of a block info reply: for a DB, its length in bytes. */
export function parseBlockInfoSize(reply: S7Pdu): { errorCode: number; size?: number } {
  const { errorCode, data } = parseUserData(reply)
  if (errorCode !== 0 || data.length < 42) return { errorCode }
  return { errorCode, size: (data[40]! << 8) | data[41]! }
}

export function parseS7Pdu(pdu: Uint8Array): S7Pdu {
  if (pdu.length < JOB_HEADER || pdu[0] !== 0x32) throw new Error(`not an S7 PDU (starts ${hexStart(pdu)})`)
  const rosctr = pdu[1]!
  const header = rosctr === ROSCTR.ack || rosctr === ROSCTR.ackData ? ACK_DATA_HEADER : JOB_HEADER
  const paramLength = (pdu[6]! << 8) | pdu[7]!
  const dataLength = (pdu[8]! << 8) | pdu[9]!
  if (pdu.length < header + paramLength + dataLength) throw new Error(`S7 PDU shorter than its header says (${pdu.length} bytes)`)
  return {
    rosctr,
    pduRef: (pdu[4]! << 8) | pdu[5]!,
    errorClass: header === ACK_DATA_HEADER ? pdu[10]! : 0,
    errorCode: header === ACK_DATA_HEADER ? pdu[11]! : 0,
    param: pdu.subarray(header, header + paramLength),
    data: pdu.subarray(header + paramLength, header + paramLength + dataLength),
  }
}

/** The PDU size and parallel jobs the partner granted in its setup communication reply. */
export function parseSetupCommunication(reply: S7Pdu): { pduSize: number; maxParallelJobs: number } {
  const p = reply.param
  if (p[0] !== FUNCTION.setupCommunication || p.length < 8) throw new Error('the reply to setup communication is not one')
  // Parallel jobs granted to the calling and the called side; the smaller is safe for both.
  return { maxParallelJobs: Math.min((p[2]! << 8) | p[3]!, (p[4]! << 8) | p[5]!), pduSize: (p[6]! << 8) | p[7]! }
}

export function parseReadVarData(reply: S7Pdu, itemCount: number): ReadItemResult[] {
  const results: ReadItemResult[] = []
  const data = reply.data
  let at = 0
  for (let i = 0; i < itemCount; i++) {
    if (at + 4 > data.length) {
      results.push({ returnCode: data[at] ?? 0, data: new Uint8Array(0) })
      at += 4
      continue
    }
    const returnCode = data[at]!
    const transportSize = data[at + 1]!
    const rawLength = (data[at + 2]! << 8) | data[at + 3]!
    // Transport sizes 3 (BIT), 4 (BYTE/WORD/DWORD) and 5 (INTEGER) count bits; 7 (REAL) and 9 (octet string) bytes.
    const length = transportSize === 3 || transportSize === 4 || transportSize === 5 ? Math.ceil(rawLength / 8) : rawLength
    at += 4
    if (returnCode !== RETURN_CODE.ok) {
      results.push({ returnCode, data: new Uint8Array(0) })
      continue
    }
    results.push({ returnCode, data: data.slice(at, at + length) })
    at += length + (length % 2)
  }
  return results
}

export function parseWriteVarData(reply: S7Pdu, itemCount: number): number[] {
  return Array.from({ length: itemCount }, (_, i) => reply.data[i] ?? 0)
}

/** The records of a read SZL reply, or the userdata error code when the CPU refused. */
export function parseSzlReply(reply: S7Pdu): { errorCode: number; recordLength: number; records: Uint8Array[] } {
  const { errorCode, data: d } = parseUserData(reply)
  if (errorCode !== 0 || d.length < 8) return { errorCode: errorCode || 0xffff, recordLength: 0, records: [] }
  // SZL id, index, record length, record count, then the records.
  const recordLength = (d[4]! << 8) | d[5]!
  const count = (d[6]! << 8) | d[7]!
  const records: Uint8Array[] = []
  for (let i = 0; i < count && 8 + (i + 1) * recordLength <= d.length; i++) records.push(d.slice(8 + i * recordLength, 8 + (i + 1) * recordLength))
  return { errorCode: 0, recordLength, records }
}

function hexStart(bytes: Uint8Array): string {
  return Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ')
}
