// The two Modbus address conventions side by side (0-based wire offset and 1-based Modicon), so nobody is off by one.
// Parsed by the same code main uses (preload/contract/modbus-address.ts), so the form accepts exactly what main does.
import { formatModicon, formatOffset, parseModbusAddress } from '../../../../preload/contract/modbus-address'

export interface ModbusNotation {
  offset: string
  modicon: string
}

/** `hr:4` ⇄ `40005`; undefined when the text is neither. */
export function modbusNotation(text: string): ModbusNotation | undefined {
  try {
    const address = parseModbusAddress(text)
    return { offset: formatOffset(address), modicon: formatModicon(address) }
  } catch {
    return undefined
  }
}
