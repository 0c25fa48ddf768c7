import type { S7Session } from './s7-session'

// What the CPU says about itself, from the SZL lists 0x0011 (module identification) and 0x001C (component
// identification), for the inventory of an assessment report. A CPU that does not provide a list leaves its fields out.

export interface S7CpuIdentity {
  /** MLFB, e.g. `6ES7 315-2EH14-0AB0`. */
  orderNumber?: string
  /** Firmware as STEP 7 shows it, e.g. `V3.2.6`. */
  firmware?: string
  hardwareVersion?: number
  moduleName?: string
  moduleTypeName?: string
  serialNumber?: string
  /** Name of the automation system (the station name). */
  systemName?: string
  plantId?: string
  copyright?: string
  memoryCardSerial?: string
  /** The PDU size negotiated on this connection. */
  pduSize: number
  /** SZL lists the CPU refused or does not have, e.g. `0x001C (error 0xd401)`. */
  unavailable: string[]
}

const MODULE_IDENTIFICATION = 0x0011
const COMPONENT_IDENTIFICATION = 0x001c

export async function readCpuIdentity(session: S7Session): Promise<S7CpuIdentity> {
  const identity: S7CpuIdentity = { pduSize: session.pduSize, unavailable: [] }
  const modules = await session.readSzl(MODULE_IDENTIFICATION, 0)
  if (modules.errorCode !== 0 || modules.records.length === 0) identity.unavailable.push(describeMissing(MODULE_IDENTIFICATION, modules.errorCode))
  for (const record of modules.records) applyModuleRecord(identity, record)
  const components = await session.readSzl(COMPONENT_IDENTIFICATION, 0)
  if (components.errorCode !== 0 || components.records.length === 0) identity.unavailable.push(describeMissing(COMPONENT_IDENTIFICATION, components.errorCode))
  for (const record of components.records) applyComponentRecord(identity, record)
  return identity
}

/** An SZL 0x0011 record: index, MLFB (20 chars), module type, version bytes. */
export function applyModuleRecord(identity: S7CpuIdentity, record: Uint8Array): void {
  if (record.length < 28) return
  const index = (record[0]! << 8) | record[1]!
  const mlfb = text(record.subarray(2, 22))
  if (index === 0x0001 && mlfb) identity.orderNumber = mlfb
  if (index === 0x0006) {
    identity.orderNumber ??= mlfb || undefined
    identity.hardwareVersion = (record[26]! << 8) | record[27]!
  }
  // Index 7 is the firmware: 'V' and the major version, then minor and patch.
  if (index === 0x0007 && record[24] === 0x56) identity.firmware = `V${record[25]}.${record[26]}.${record[27]}`
}

/** An SZL 0x001C record: index and up to 32 characters. */
export function applyComponentRecord(identity: S7CpuIdentity, record: Uint8Array): void {
  if (record.length < 4) return
  const index = (record[0]! << 8) | record[1]!
  const value = text(record.subarray(2, 34)) || undefined
  if (value === undefined) return
  if (index === 1) identity.systemName = value
  else if (index === 2) identity.moduleName = value
  else if (index === 3) identity.plantId = value
  else if (index === 4) identity.copyright = value
  else if (index === 5) identity.serialNumber = value
  else if (index === 7) identity.moduleTypeName = value
  else if (index === 8) identity.memoryCardSerial = value
}

function text(bytes: Uint8Array): string {
  let end = bytes.indexOf(0)
  if (end < 0) end = bytes.length
  return String.fromCharCode(...bytes.subarray(0, end)).trim()
}

function describeMissing(szlId: number, errorCode: number): string {
  const id = `0x${szlId.toString(16).padStart(4, '0').toUpperCase()}`
  return errorCode === 0 ? `${id} (empty)` : `${id} (error 0x${errorCode.toString(16).padStart(4, '0')})`
}
