// Modbus addressing both ways: 0-based protocol offsets (`hr:99`) and 1-based Modicon numbers
// (`40100`), so the two conventions are never mixed up silently.

export const MODBUS_TABLES = ['co', 'di', 'ir', 'hr'] as const
/** co = coils (0x), di = discrete inputs (1x), ir = input registers (3x), hr = holding registers (4x). */
export type ModbusTable = (typeof MODBUS_TABLES)[number]

export interface ModbusAddress {
  table: ModbusTable
  /** 0-based protocol offset, 0..65535, as sent on the wire. */
  offset: number
  /** Bit inside a 16-bit register, 0 = least significant; only for ir and hr. */
  bit?: number
}

export const MAX_MODBUS_OFFSET = 65535

const MODICON_PREFIX: Record<ModbusTable, string> = { co: '0', di: '1', ir: '3', hr: '4' }
const TABLE_BY_PREFIX: Record<string, ModbusTable> = { '0': 'co', '1': 'di', '3': 'ir', '4': 'hr' }

const TABLE_NAMES: Record<ModbusTable, string> = {
  co: 'coil',
  di: 'discrete input',
  ir: 'input register',
  hr: 'holding register',
}

export function isRegisterTable(table: ModbusTable): table is 'ir' | 'hr' {
  return table === 'ir' || table === 'hr'
}

export function describeTable(table: ModbusTable): string {
  return TABLE_NAMES[table]
}

const VALID_FORMS =
  'valid forms: hr:99, ir:0, co:0, di:0 (0-based offset 0..65535), 40001/30001/00001/10001 ' +
  '(5-digit Modicon, 1..9999), 400001..465536 (6-digit Modicon), and a bit in a register as ' +
  'hr:99.3 or 40100.3 (bit 0..15)'

export class ModbusAddressError extends Error {
  constructor(
    readonly input: string,
    problem: string,
  ) {
    super(`Modbus address "${input}": ${problem} — ${VALID_FORMS}`)
    this.name = 'ModbusAddressError'
  }
}

const EXPLICIT = /^(hr|ir|co|di):(\d+)(?:\.(\d+))?$/i
const MODICON = /^(\d+)(?:\.(\d+))?$/

/** Parses `hr:99`, `hr:99.3`, `40100`, `400100`, `40100.3`, `00001`, `10001`, `30001`. */
export function parseModbusAddress(text: string): ModbusAddress {
  const input = text.trim()
  const explicit = EXPLICIT.exec(input)
  if (explicit) {
    const table = explicit[1]!.toLowerCase() as ModbusTable
    const offset = Number(explicit[2])
    if (offset > MAX_MODBUS_OFFSET) {
      throw new ModbusAddressError(text, `offset ${offset} is above ${MAX_MODBUS_OFFSET}`)
    }
    return withBit(text, { table, offset }, explicit[3])
  }
  const modicon = MODICON.exec(input)
  if (!modicon) {
    throw new ModbusAddressError(text, 'not a recognised address')
  }
  const digits = modicon[1]!
  if (digits.length !== 5 && digits.length !== 6) {
    throw new ModbusAddressError(
      text,
      `${digits.length} digits; Modicon numbers have 5 or 6 digits with the table as first digit ` + `(a bare offset needs a table, e.g. hr:${Number(digits)})`,
    )
  }
  const table = TABLE_BY_PREFIX[digits[0]!]
  if (!table) {
    throw new ModbusAddressError(text, `first digit ${digits[0]} is not a table (0 = coil, 1 = discrete input, 3 = input register, 4 = holding register)`)
  }
  const number = Number(digits.slice(1))
  const max = digits.length === 5 ? 9999 : MAX_MODBUS_OFFSET + 1
  if (number < 1) {
    throw new ModbusAddressError(text, `Modicon numbering starts at ${MODICON_PREFIX[table]}${'1'.padStart(digits.length - 1, '0')} (= ${table}:0)`)
  }
  if (number > max) {
    throw new ModbusAddressError(text, `number ${number} is above ${max} for ${digits.length}-digit form`)
  }
  return withBit(text, { table, offset: number - 1 }, modicon[2])
}

function withBit(text: string, address: ModbusAddress, bitText: string | undefined): ModbusAddress {
  if (bitText === undefined) return address
  if (!isRegisterTable(address.table)) {
    throw new ModbusAddressError(text, `a ${TABLE_NAMES[address.table]} is a single bit already; drop ".${bitText}"`)
  }
  const bit = Number(bitText)
  if (bit > 15) {
    throw new ModbusAddressError(text, `bit ${bit} is outside 0..15`)
  }
  return { ...address, bit }
}

function bitSuffix(address: ModbusAddress): string {
  return address.bit === undefined ? '' : `.${address.bit}`
}

/** `hr:99` — the 0-based offset as sent on the wire. */
export function formatOffset(address: ModbusAddress): string {
  return `${address.table}:${address.offset}${bitSuffix(address)}`
}

/** `40100` — 1-based Modicon; 6-digit when the offset needs it (above 9998) or when asked. */
export function formatModicon(address: ModbusAddress, digits: 5 | 6 = 5): string {
  const number = address.offset + 1
  const width = digits === 6 || number > 9999 ? 5 : 4
  return `${MODICON_PREFIX[address.table]}${String(number).padStart(width, '0')}${bitSuffix(address)}`
}

/** `hr:99 (40100)` — both conventions side by side, so nobody is off by one. */
export function formatBoth(address: ModbusAddress): string {
  return `${formatOffset(address)} (${formatModicon(address)})`
}
