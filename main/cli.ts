import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { withoutUrlUserinfo } from './connectors/url-userinfo'
import { defaultDataDir } from './data-dir'
import { APP_NAME, APP_VERSION } from './version'
import { REPORT_HELP } from './report/cli-report'

/** Exit codes every otw command keeps: scripts rely on them. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const

export interface CliIo {
  stdout(text: string): void
  stderr(text: string): void
  /** Resolves when the user asks a long-running command to stop (Ctrl+C). */
  untilInterrupted(): Promise<void>
}

const processIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  untilInterrupted: () =>
    new Promise((resolveStop) => {
      process.once('SIGINT', () => resolveStop())
      process.once('SIGTERM', () => resolveStop())
    }),
}

/** One option per line, the flag padded so the descriptions line up. */
const optionLines = (indent: number, options: readonly (readonly [string, string])[]): string =>
  options.map(([flag, text]) => `${' '.repeat(indent)}${flag.padEnd(21)}${text}`).join('\n')

const SERVE_OPTIONS = [
  ['--host <addr>', 'bind address (default 127.0.0.1; see "Browser mode on a network" in the README before using 0.0.0.0)'],
  ['--port <n>', 'HTTP/WebSocket port (default 7420, 0 = any free port)'],
  ['--data-dir <dir>', `where databases and certificates live (default: ${defaultDataDir()})`],
  ['--no-demo', 'do not start the embedded demo plant'],
  ['--demo-ports auto', 'let the demo plant pick free ports instead of 4840/5020/1883'],
  ['--seed <n>', 'demo plant seed (default 1)'],
] as const

const SIM_OPTIONS = [
  ['--host <addr>', 'bind address (default 127.0.0.1)'],
  ['--opcua-port <n>', 'OPC UA port (default 4840)'],
  ['--modbus-port <n>', 'Modbus TCP port (default 5020)'],
  ['--mqtt-port <n>', 'MQTT port (default 1883)'],
  ['--seed <n>', 'seed that makes a run repeatable (default 1)'],
  ['--data-dir <dir>', 'where the simulator keeps its OPC UA certificate'],
] as const

const MODBUS_FORMAT_OPTIONS = [
  ['--type <type>', 'bool, int16, uint16 (default), int32, uint32, int64, uint64, float32, float64, string'],
  ['--order <order>', 'byte order of multi-register values: ABCD (default), BADC, CDAB, DCBA'],
  ['--length <n>', 'registers of a string value'],
  ['--timeout <ms>', 'per request (default 1000)'],
] as const

const OPCUA_OPTIONS = [
  ['--policy <name>', 'None, Basic256Sha256, Aes128_Sha256_RsaOaep, Aes256_Sha256_RsaPss'],
  ['--mode <mode>', 'None, Sign, SignAndEncrypt'],
  ['--user <name>', 'with --password <pw>: sign in as this user (anonymous otherwise)'],
  ['--data-dir <dir>', `the app's certificate and trust lists (default: ${defaultDataDir()})`],
] as const

const JSON_OPTION = [['--json', 'machine-readable output for scripts']] as const

const S7_OPTIONS: readonly (readonly [string, string])[] = [
  ['--type <type>', 'BOOL, BYTE, CHAR, WORD, INT, DWORD, DINT, REAL, LREAL, TIME, DATE_AND_TIME, STRING[n], WSTRING[n] (default: the width)'],
  ['--timeout <ms>', 'reply timeout (default 2000)'],
  ...JSON_OPTION,
  ['URL', 's7://host:102?rack=0&slot=1[&type=pg|op|basic][&pdu=960], or ?localTsap=01.00&remoteTsap=02.00 (LOGO!)'],
]

const EXIT_CODES = 'Exit codes: 0 ok, 1 the operation failed (stderr says what and why), 2 usage error.\n'

/** The help of each command that has no parser of its own (oee, alarms and vision print theirs). */
const COMMAND_HELP: Readonly<Record<string, string>> = {
  report: REPORT_HELP,
  serve: `Usage: otw serve [options]

Runs the workstation in browser mode: the headless host (the page and its WebSocket, token-protected) plus the
embedded demo plant, and prints the URL to open.

${optionLines(2, SERVE_OPTIONS)}

${EXIT_CODES}`,
  sim: `Usage: otw sim [options]

Runs the demo plant alone (OPC UA, Modbus TCP and MQTT servers) for UaExpert, mbpoll, mosquitto_sub, ...

${optionLines(2, SIM_OPTIONS)}

${EXIT_CODES}`,
  read: `Usage: otw read modbus://host:port?unit=1 <address> [options]
       otw read opc.tcp://host:port <nodeId> [<nodeId>...] [options]
       otw read s7://host:102?rack=0&slot=1 <address> [--type <S7 type>] [options]

Reads values from a device and prints them with their raw registers (Modbus) or engineering info (OPC UA).
Modbus addresses: 40001 or hr:0 (holding), 30001 or ir:0 (input), 00001 or co:0 (coil), 10001 or di:0 (discrete).
S7 addresses as in TIA Portal: DB1.DBD0, DB1.DBX6.2, DB1.DBW4, MW20, M10.0, I0.0, QW80 (or nodes7 style DB1,REAL0).

Modbus:
${optionLines(2, [...MODBUS_FORMAT_OPTIONS, ['--count <n>', 'read n consecutive values (default 1)'], ...JSON_OPTION])}
OPC UA:
${optionLines(2, [...OPCUA_OPTIONS, ...JSON_OPTION])}
S7:
${optionLines(2, S7_OPTIONS)}

Examples:
  otw read modbus://127.0.0.1:5020?unit=1 40001 --type float32 --order CDAB
  otw read opc.tcp://127.0.0.1:4840 "ns=1;s=Line1.Filler.Speed"
  otw read "s7://192.168.0.1:102?rack=0&slot=1" DB1.DBD0 --type real

${EXIT_CODES}`,
  write: `Usage: otw write modbus://host:port?unit=1 <address> <value>[,<value>...] --yes [options]
       otw write opc.tcp://host:port <nodeId> <value> --yes [options]
       otw write s7://host:102?rack=0&slot=1 <address> <value> --yes [--type <S7 type>] [options]

Writes to a live device and prints the old and the new value, both read back from it. Nothing is written
without --yes.

Modbus:
${optionLines(2, MODBUS_FORMAT_OPTIONS)}
OPC UA:
${optionLines(2, [...OPCUA_OPTIONS, ...JSON_OPTION])}
S7 (a bit is written alone, its neighbours untouched):
${optionLines(
  2,
  S7_OPTIONS.filter(([flag]) => flag !== '--json'),
)}

Examples:
  otw write modbus://127.0.0.1:5020?unit=1 40003 300 --type uint16 --yes
  otw write "s7://192.168.0.1:102?rack=0&slot=1" DB1.DBX6.2 true --yes

${EXIT_CODES}`,
  browse: `Usage: otw browse opc.tcp://host:port [--node <nodeId>] [--depth n] [options]
       otw browse mqtt://host:port [--topic <filter>] [--seconds n] [options]
       otw browse s7://host:102?rack=0&slot=1 [options]

Prints a server's address space (OPC UA), the topics seen on a broker with their message counts and last
payloads (MQTT, retained ones included), or what an S7 CPU says about itself (order number, module, serial,
firmware) and the DBs it lists with their sizes, where it answers (S7).

OPC UA:
${optionLines(2, [['--node <nodeId>', 'where to start (default: the Objects folder)'], ['--depth <n>', 'levels to follow, 1..20 (default 1)'], ...OPCUA_OPTIONS, ...JSON_OPTION])}
MQTT:
${optionLines(2, [['--topic <filter>', 'topic filter (default #)'], ['--seconds <n>', 'how long to listen (default 3)'], ['--username <name>', 'with --password <pw>'], ...JSON_OPTION])}
S7:
${optionLines(
  2,
  S7_OPTIONS.filter(([flag]) => flag !== '--type <type>'),
)}

${EXIT_CODES}`,
  certs: `Usage: otw certs list [--json]
       otw certs own [--json]
       otw certs trust <thumbprint>
       otw certs reject <thumbprint>

The OPC UA certificates in the app's PKI: the server certificates seen (trusted or rejected; a secured
connection to an unknown server records its certificate as rejected) and the workbench's own certificate,
which a server that answers BadCertificateUntrusted has to trust.

${optionLines(2, [['--data-dir <dir>', `the app's certificate and trust lists (default: ${defaultDataDir()})`], ...JSON_OPTION])}

${EXIT_CODES}`,
  scan: `Usage: otw scan modbus://host:port[?unit=1] (--units <first>-<last> | --range <first>-<last>) [options]

Finds which unit ids answer (--units 1-247) or which registers of one unit can be read (--range 30001-30300).
Progress goes to stderr; Ctrl+C stops the scan and still prints what was found.

${optionLines(2, [['--units <a>-<b>', 'unit ids to try'], ['--range <a>-<b>', 'register addresses to read'], ['--timeout <ms>', 'per request (default 300 for --units, 1000 for --range)'], ...JSON_OPTION])}

${EXIT_CODES}`,
}

const HELP = `${APP_NAME} ${APP_VERSION} — otw, the command line

Usage: otw <command> [options]      otw <command> --help shows one command's options

Commands:
  serve     Run the workstation in browser mode (headless host + demo plant)
${optionLines(12, SERVE_OPTIONS)}
  sim       Run the demo plant alone for UaExpert, mbpoll, mosquitto_sub, ...
${optionLines(12, SIM_OPTIONS)}
  oee       Compute OEE and losses from a CSV recording (otw oee --help)
  alarms    Replay alarm rules over recorded history: otw alarms test --rules FILE --data-dir D --from … --to … [--json]
  report    The assessment report of a recording as PDF and HTML (otw report --help)
  session   A recording that travels: otw session export --data-dir D --out FILE | otw session import FILE --data-dir D2
  read      Read from a device:  otw read modbus://127.0.0.1:5020?unit=1 40001 --type float32 --order CDAB
                                 otw read opc.tcp://127.0.0.1:4840 "ns=1;s=Line1.Filler.Speed"
                                 otw read "s7://192.168.0.1:102?rack=0&slot=1" DB1.DBD0 --type real
  write     Write to a device (needs --yes; prints old and new value):
                                 otw write modbus://127.0.0.1:5020?unit=1 40003 300 --type uint16 --yes
  browse    Browse a server:     otw browse opc.tcp://127.0.0.1:4840 [--node <nodeId>] [--depth n]
                                 otw browse mqtt://127.0.0.1:1883 --topic "#" [--seconds 3]
                                 otw browse "s7://192.168.0.1:102?rack=0&slot=1"
  vision    Datasets, labels and models: otw vision demo|export|import|infer|eval|train-anomaly (otw vision --help)
  deploy    Gateway flows to Node-RED: plan (the diff), apply (verified), history, rollback (otw deploy --help)
  tenant    Cloud tenant (PostgreSQL): otw tenant plan|provision|status --pg postgres://user@host/db [--password-env VAR] [--yes]
  sync      Historian → tenant:  otw sync --pg postgres://user@host/db [--password-env VAR] [--data-dir D] [--from T --to T] [--once]
  scan      Scan a Modbus device: otw scan modbus://127.0.0.1:5020 --units 1-10 | --range 30001-30300
  certs     OPC UA certificates: otw certs list | own | trust <thumbprint> | reject <thumbprint> [--data-dir D] [--json]
            read, write, browse and scan take --json for scripts.

Options:
  -h, --help       show this help
  -v, --version    print the version

${EXIT_CODES}`

class UsageError extends Error {}

function parse<T extends ParseArgsConfig['options']>(args: string[], options: T) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }).values
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error))
  }
}

function intOption(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback
  const n = Number(value)
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new UsageError(`--${name} must be an integer 0..65535, got "${value}"`)
  return n
}

const rendererDir = (): string => resolve(fileURLToPath(new URL('.', import.meta.url)), '../out/renderer')

async function serveCommand(args: string[], io: CliIo): Promise<number> {
  const values = parse(args, {
    host: { type: 'string' },
    port: { type: 'string' },
    'data-dir': { type: 'string' },
    'no-demo': { type: 'boolean' },
    'demo-ports': { type: 'string' },
    seed: { type: 'string' },
  })
  const demoPorts = values['demo-ports'] ?? 'default'
  if (demoPorts !== 'auto' && demoPorts !== 'default') throw new UsageError(`--demo-ports must be "auto" or "default", got "${demoPorts}"`)
  const { createWorkbench } = await import('./workbench')
  const { startHeadlessHost } = await import('./serve')
  const dataDir = resolve(values['data-dir'] ?? defaultDataDir())
  const workbench = createWorkbench({
    dataDir,
    host: 'browser',
    demoPlant: values['no-demo'] ? false : { seed: intOption(values.seed, 'seed', 1), ports: demoPorts },
  })
  let host
  try {
    host = await startHeadlessHost({
      router: workbench.router,
      staticDir: rendererDir(),
      host: values.host ?? '127.0.0.1',
      port: intOption(values.port, 'port', 7420),
    })
  } catch (error) {
    await workbench.stop()
    throw error
  }
  await workbench.start()
  io.stdout(`${APP_NAME} ${APP_VERSION} — browser mode\n`)
  io.stdout(`Data folder: ${dataDir}\n`)
  io.stdout(`Open ${host.url}\n`)
  io.stdout(`(the token in this URL is new for every start; anyone with it can use this workstation)\n`)
  await io.untilInterrupted()
  io.stdout('Stopping…\n')
  // Ctrl+C must end the host even if a peer or a browser tab keeps one part from closing: wait a bounded time, then say what hung.
  let stage = 'closing the browser link'
  const stopped = (async () => {
    await host.close()
    stage = 'stopping connections, the demo plant and the historian'
    await workbench.stop()
  })()
  const timedOut = Symbol('timed out')
  let timer: NodeJS.Timeout | undefined
  const outcome = await Promise.race([stopped, new Promise<typeof timedOut>((r) => (timer = setTimeout(() => r(timedOut), SERVE_STOP_TIMEOUT_MS)))])
  clearTimeout(timer)
  if (outcome === timedOut) {
    io.stderr(
      `Stopping took longer than ${SERVE_STOP_TIMEOUT_MS / 1000} s (still ${stage}); exiting anyway. History up to the last flush (at most a second old) is on disk.\n`,
    )
    return EXIT.failed
  }
  return EXIT.ok
}

const SERVE_STOP_TIMEOUT_MS = 8_000

async function simCommand(args: string[], io: CliIo): Promise<number> {
  const values = parse(args, {
    host: { type: 'string' },
    'opcua-port': { type: 'string' },
    'modbus-port': { type: 'string' },
    'mqtt-port': { type: 'string' },
    seed: { type: 'string' },
    'data-dir': { type: 'string' },
  })
  const { startDemoPlant } = await import('./simulator')
  const plant = await startDemoPlant({
    host: values.host ?? '127.0.0.1',
    opcuaPort: intOption(values['opcua-port'], 'opcua-port', 4840),
    modbusPort: intOption(values['modbus-port'], 'modbus-port', 5020),
    mqttPort: intOption(values['mqtt-port'], 'mqtt-port', 1883),
    seed: intOption(values.seed, 'seed', 1),
    dataDir: resolve(values['data-dir'] ?? defaultDataDir()),
  })
  io.stdout(`Demo plant running (seed ${intOption(values.seed, 'seed', 1)}):\n`)
  io.stdout(`  OPC UA       ${plant.endpoints.opcua}\n`)
  io.stdout(`  Modbus TCP   ${plant.endpoints.modbus.host}:${plant.endpoints.modbus.port} unit ${plant.endpoints.modbus.unitId}\n`)
  io.stdout(`  MQTT         ${plant.endpoints.mqtt}\n`)
  io.stdout('Press Ctrl+C to stop.\n')
  await io.untilInterrupted()
  await plant.stop()
  return EXIT.ok
}

async function oeeCommand(args: string[], io: CliIo): Promise<number> {
  const { readFile } = await import('node:fs/promises')
  const { runOeeCommand } = await import('./oee/cli-oee')
  return runOeeCommand(args, { stdout: io.stdout, stderr: io.stderr, readFile: (p) => readFile(p, 'utf8') })
}

async function reportCommand(args: string[], io: CliIo): Promise<number> {
  const { ReportUsageError, runReportCommand } = await import('./report/cli-report')
  const { chromiumPdfRenderer } = await import('./report/chromium-pdf')
  const { createWorkbench } = await import('./workbench')
  const { userInfo } = await import('node:os')
  try {
    return await runReportCommand(
      args,
      io,
      (dataDir) => createWorkbench({ dataDir, host: 'browser', demoPlant: false }),
      chromiumPdfRenderer(),
      userInfo().username,
    )
  } catch (error) {
    throw error instanceof ReportUsageError ? new UsageError(error.message) : error
  }
}

/** otw session export --data-dir D --out FILE | otw session import FILE --data-dir D2 */
async function sessionCommand(args: string[], io: CliIo): Promise<number> {
  const { parseArgs } = await import('node:util')
  const { exportSession, importSession } = await import('./report/session-bundle')
  const [action, ...rest] = args
  const { values, positionals } = parseArgs({ args: rest, options: { 'data-dir': { type: 'string' }, out: { type: 'string' } }, allowPositionals: true })
  const dataDir = values['data-dir']
  if (!dataDir) throw new UsageError('--data-dir is missing')
  if (action === 'export') {
    if (!values.out) throw new UsageError('--out is missing (the bundle to write)')
    const manifest = exportSession(dataDir, values.out)
    io.stdout(`Wrote ${values.out}: ${manifest.files.length} files with their SHA-256\n`)
    return EXIT.ok
  }
  if (action === 'import') {
    if (positionals.length !== 1) throw new UsageError('name the bundle: otw session import FILE --data-dir D2')
    const manifest = importSession(positionals[0], dataDir)
    io.stdout(`Imported ${manifest.files.length} files into ${dataDir} (an imported session for analysis); every hash matched\n`)
    return EXIT.ok
  }
  throw new UsageError('use "otw session export --data-dir D --out FILE" or "otw session import FILE --data-dir D2"')
}

type DeviceCommand = 'read' | 'write' | 'browse' | 'scan'

/** read/write/browse/scan go to the driver the URL names; each driver parses its own arguments. */
async function deviceCommand(command: DeviceCommand, args: string[], io: CliIo): Promise<number> {
  const [url, ...rest] = args
  if (!url) throw new UsageError(`otw ${command} needs a URL: modbus://host:port?unit=1, opc.tcp://host:port, mqtt://host:port or s7://host:102?rack=0&slot=1`)
  const scheme = url.slice(0, url.indexOf(':'))
  if (scheme === 'modbus' || scheme === 'modbus-tcp' || scheme === 'modbus-rtu' || scheme === 'rtu') {
    const modbus = await import('./connectors/modbus/cli-modbus')
    if (command === 'read') return modbus.runModbusRead(url, rest, io)
    if (command === 'write') return modbus.runModbusWrite(url, rest, io)
    if (command === 'scan') {
      // Ctrl+C stops a long scan cleanly and still prints what was found.
      const cancel = new AbortController()
      const onInterrupt = (): void => cancel.abort()
      process.once('SIGINT', onInterrupt)
      try {
        return await modbus.runModbusScan(url, rest, io, cancel.signal)
      } finally {
        process.off('SIGINT', onInterrupt)
      }
    }
  } else if (scheme === 'opc.tcp') {
    const opcua = await import('./connectors/opcua/cli-opcua')
    // The app's own certificate and trust lists live in the data folder, so the CLI trusts what the app trusts.
    if (!rest.includes('--data-dir')) rest.push('--data-dir', defaultDataDir())
    if (command === 'read') return opcua.runOpcUaRead(url, rest, io)
    if (command === 'write') return opcua.runOpcUaWrite(url, rest, io)
    if (command === 'browse') return opcua.runOpcUaBrowse(url, rest, io)
  } else if (scheme === 's7') {
    const s7 = await import('./connectors/s7/cli-s7')
    if (command === 'read') return s7.runS7Read(url, rest, io)
    if (command === 'write') return s7.runS7Write(url, rest, io)
    if (command === 'browse') return s7.runS7Browse(url, rest, io)
  } else if (scheme === 'mqtt' || scheme === 'mqtts') {
    const { runMqttBrowse } = await import('./connectors/mqtt/cli-mqtt')
    if (command === 'browse') return runMqttBrowse(url, rest, io)
  } else {
    throw new UsageError(`"${withoutUrlUserinfo(url)}" is not a device URL: use modbus://, opc.tcp://, mqtt:// or s7://`)
  }
  throw new UsageError(`otw ${command} does not apply to ${scheme}:// (read/write: modbus, opc.tcp, s7; browse: opc.tcp, mqtt, s7; scan: modbus)`)
}

const COMMANDS: Record<string, (args: string[], io: CliIo) => Promise<number>> = {
  serve: serveCommand,
  sim: simCommand,
  oee: oeeCommand,
  alarms: async (args, io) => (await import('./alarms/service/cli-alarms')).runAlarmsCommand(args, io),
  report: reportCommand,
  session: sessionCommand,
  read: (args, io) => deviceCommand('read', args, io),
  write: (args, io) => deviceCommand('write', args, io),
  browse: (args, io) => deviceCommand('browse', args, io),
  scan: (args, io) => deviceCommand('scan', args, io),
  certs: async (args, io) => {
    // The same PKI as the app's: what the CLI trusts is what the app trusts.
    const rest = args.includes('--data-dir') ? args : [...args, '--data-dir', defaultDataDir()]
    return (await import('./connectors/opcua/cli-opcua')).runOpcUaCerts(rest, io)
  },
  vision: async (args, io) => (await import('./vision/cli-vision')).runVisionCommand(args, io),
  deploy: deployCommand,
  tenant: async (args, io) => (await import('./sync/cli-tenant')).runTenantCommand(args, io),
  sync: async (args, io) => (await import('./sync/cli-tenant')).runSyncCommand(args, io),
}

/** `otw deploy` runs on a workbench over the data folder: its connections connect, so the data check has direct reads. */
async function deployCommand(args: string[], io: CliIo): Promise<number> {
  const { runDeployCommand } = await import('./deploy/service/deploy-cli')
  return runDeployCommand(args, io, async (dataDir) => {
    const { createWorkbench } = await import('./workbench')
    const workbench = createWorkbench({ dataDir: resolve(dataDir ?? defaultDataDir()), host: 'browser', demoPlant: false })
    await workbench.start()
    return { router: workbench.router, stop: () => workbench.stop() }
  })
}

export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  const [command, ...rest] = argv
  if (command === 'help' && rest[0] !== undefined && Object.hasOwn(COMMANDS, rest[0])) return main([rest[0], '--help'], io)
  if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
    io.stdout(HELP)
    return command === undefined ? EXIT.usage : EXIT.ok
  }
  if (command === '-v' || command === '--version') {
    io.stdout(`${APP_VERSION}\n`)
    return EXIT.ok
  }
  const run = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined
  if (!run) {
    io.stderr(`otw: unknown command "${command}" — run \`otw --help\` for the list\n`)
    return EXIT.usage
  }
  const ownHelp = Object.hasOwn(COMMAND_HELP, command) ? COMMAND_HELP[command] : undefined
  if (ownHelp && (rest.includes('--help') || rest.includes('-h'))) {
    io.stdout(ownHelp)
    return EXIT.ok
  }
  try {
    return await run(rest, io)
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`otw ${command}: ${error.message}\nRun \`otw ${command} --help\` for usage.\n`)
      return EXIT.usage
    }
    io.stderr(`otw ${command}: ${error instanceof Error ? error.message : String(error)}\n`)
    return EXIT.failed
  }
}

// Run directly (tsx main/cli.ts …) as well as through bin/otw.mjs.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code
    // Servers are closed by then; leave no lingering handle from libraries.
    setTimeout(() => process.exit(code), 200).unref()
  })
}
