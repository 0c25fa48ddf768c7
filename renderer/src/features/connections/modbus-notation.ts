// The two Modbus address conventions side by side (0-based wire offset and 1-based Modicon), so nobody is off by one.

const PREFIX: Record<string, string> = { co: '0', di: '1', ir: '3', hr: '4' }
const TABLE: Record<string, string> = { '0': 'co', '1': 'di', '3': 'ir', '4': 'hr' }

export interface ModbusNotation {
  offset: string
  modicon: string
}

/** `hr:4` ⇄ `40005`; undefined when the text is neither. */
export function modbusNotation(text: string): ModbusNotation | undefined {
  const input = text.trim()
  const explicit = /^(hr|ir|co|di):(\d+)(\.\d+)?$/i.exec(input)
  if (explicit) {
    const table = explicit[1]!.toLowerCase()
    const offset = Number(explicit[2])
    if (offset > 65535) return undefined
    const n = offset + 1
    const bit = explicit[3] ?? ''
    return { offset: `${table}:${offset}${bit}`, modicon: `${PREFIX[table]}${String(n).padStart(n > 9999 ? 5 : 4, '0')}${bit}` }
  }
  const modicon = /^(\d{5,6})(\.\d+)?$/.exec(input)
  if (!modicon) return undefined
  const digits = modicon[1]!
  const table = TABLE[digits[0]!]
  const n = Number(digits.slice(1))
  if (!table || n < 1) return undefined
  const bit = modicon[2] ?? ''
  return { offset: `${table}:${n - 1}${bit}`, modicon: `${digits}${bit}` }
}
