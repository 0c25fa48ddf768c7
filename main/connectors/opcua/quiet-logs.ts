import { setErrorLogger, setWarningLogger } from 'node-opcua'

// node-opcua prints its warnings and errors straight to the console, some of them as multi-line dumps of whole
// DataValues and requests (on reconnect, on a republish the server refused). The workbench reports what matters
// through the connection's status; on the console each of those messages becomes one short line.

// The escape character of terminal colour codes, built so the pattern holds no control character literally.
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g')
const MAX_LINE = 200
let installed = false

/** The first line of what node-opcua wanted to print, without colours, context or the dump after it. */
export function oneLine(args: readonly unknown[]): string | undefined {
  const text = args
    .map((arg) => (typeof arg === 'string' ? arg : arg instanceof Error ? arg.message : typeof arg === 'number' || typeof arg === 'boolean' ? String(arg) : ''))
    .map((part) => withoutDump(part.replace(ANSI, '')))
    .filter(Boolean)
    .join(' ')
  const first = text
    .split('\n')
    .map((line) => line.replace(/\s+/g, ' ').trim())
    .find((line) => line.length > 0)
  if (!first) return undefined
  return first.length > MAX_LINE ? `${first.slice(0, MAX_LINE)}…` : first
}

/**
 * A part that is a whole object printed over several lines (`{ /* DataValue *\/ … statusCode: BadNodeIdUnknown …}`)
 * becomes the status it carries, or nothing.
 */
function withoutDump(part: string): string {
  if (!part.includes('\n') || !/^\s*[{[]/.test(part)) return part
  const status = /statusCode\W+(\w+)/.exec(part)
  return status ? status[1] : ''
}

/** Routes node-opcua's warnings and errors through `print` (stderr by default) as one line each; once unless a printer is given. */
export function quietOpcUaLogs(printer?: (line: string) => void): void {
  if (installed && !printer) return
  const print = printer ?? ((line: string) => process.stderr.write(`${line}\n`))
  installed = true
  // The logger gets the caller's context first, then the message parts.
  const log = (_context: unknown, ...parts: unknown[]) => {
    const line = oneLine(parts)
    if (line) print(`node-opcua: ${line}`)
  }
  setWarningLogger(log)
  setErrorLogger(log)
}
