import { resolve } from 'node:path'
import { WorkbenchError } from '../../../preload/contract'
import { withoutUrlUserinfo } from '../url-userinfo'
import { type BrowsedNode, browseChildren, OBJECTS_FOLDER } from './browse'
import { type OpcUaEndpointOptions, withOpcUaSession } from './open-session'
import { OpcUaCertificateStore } from './certificate-store'
import { readEngineeringInfo } from './read-eu-range'
import { dataTypeName } from './node-data-type'
import { readNodeValues } from './read-node-values'
import { isSecurityModeName, isSecurityPolicyName } from './security'
import { writeNodeValue } from './write-node-value'

export interface CliIo {
  stdout(s: string): void
  stderr(s: string): void
}

/** Exit codes of the otw command line: 0 ok, 1 the operation failed, 2 the command was used wrongly. */
type ExitCode = 0 | 1 | 2

interface ParsedArgs {
  positional: string[]
  flags: Map<string, string | true>
}

const VALUE_FLAGS = new Set(['--data-dir', '--node', '--depth', '--policy', '--mode', '--user', '--password'])

function parseArgs(args: readonly string[]): ParsedArgs {
  const positional: string[] = []
  const flags = new Map<string, string | true>()
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index]
    if (VALUE_FLAGS.has(arg)) {
      const value = args[index + 1]
      if (value === undefined) throw new UsageError(`${arg} needs a value`)
      flags.set(arg, value)
      index += 1
    } else if (arg.startsWith('--')) flags.set(arg, true)
    else positional.push(arg)
  }
  return { positional, flags }
}

class UsageError extends Error {}

const COMMON_USAGE =
  '[--data-dir <dir>] [--policy None|Basic256Sha256|Aes128_Sha256_RsaOaep|Aes256_Sha256_RsaPss] [--mode None|Sign|SignAndEncrypt] [--user <name> --password <pw>] [--json]'

function endpointOptions(url: string, parsed: ParsedArgs): OpcUaEndpointOptions {
  if (!/^opc\.tcp:\/\//i.test(url)) throw new UsageError(`"${url}" is not an OPC UA address — write it like opc.tcp://127.0.0.1:4840`)
  const policy = parsed.flags.get('--policy')
  const mode = parsed.flags.get('--mode')
  if (policy !== undefined && (policy === true || !isSecurityPolicyName(policy))) throw new UsageError(`unknown security policy ${String(policy)}`)
  if (mode !== undefined && (mode === true || !isSecurityModeName(mode))) throw new UsageError(`unknown security mode ${String(mode)}`)
  const user = parsed.flags.get('--user')
  const password = parsed.flags.get('--password')
  const dataDir = parsed.flags.get('--data-dir')
  return {
    endpointUrl: url,
    dataDir: resolve(typeof dataDir === 'string' ? dataDir : '.otw-data'),
    securityPolicy: policy,
    securityMode: mode,
    identity: typeof user === 'string' ? { kind: 'username', username: user, password: typeof password === 'string' ? password : '' } : { kind: 'anonymous' },
    reconnect: false,
  }
}

async function run(io: CliIo, usage: string, action: () => Promise<void>): Promise<ExitCode> {
  try {
    await action()
    return 0
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`${error.message}\nusage: ${usage}\n`)
      return 2
    }
    io.stderr(`${error instanceof WorkbenchError || error instanceof Error ? error.message : String(error)}\n`)
    return 1
  }
}

function formatValue(value: unknown): string {
  return typeof value === 'string' || Array.isArray(value) ? JSON.stringify(value) : String(value)
}

/** otw read opc.tcp://host:port <nodeId>… [--json]: value, quality, source time, unit and range. */
export async function runOpcUaRead(url: string, args: string[], io: CliIo): Promise<number> {
  const usage = `otw read opc.tcp://host:port <nodeId> [<nodeId>…] ${COMMON_USAGE}`
  return run(io, usage, async () => {
    const parsed = parseArgs(args)
    const options = endpointOptions(url, parsed)
    if (parsed.positional.length === 0) throw new UsageError('give at least one NodeId, like "ns=1;s=Line1.Filler.Speed"')
    const rows = await withOpcUaSession(options, async (session) => {
      const values = await readNodeValues(
        session,
        parsed.positional.map((nodeId) => ({ tagId: nodeId, nodeId })),
      )
      const infos = await Promise.all(parsed.positional.map((nodeId) => readEngineeringInfo(session, nodeId).catch(() => ({}))))
      return values.map((value, index) => ({ ...value, ...infos[index] }))
    })
    if (parsed.flags.has('--json')) {
      io.stdout(`${JSON.stringify(rows, null, 2)}\n`)
    } else {
      for (const row of rows) {
        const unit = row.unit ? ` ${row.unit}` : ''
        const range = row.range ? `  range ${row.range.low}…${row.range.high}` : ''
        const quality = row.quality.reason ? `${row.quality.status} (${row.quality.reason})` : row.quality.status
        io.stdout(`${row.tagId}  ${formatValue(row.value)}${unit}  ${quality}  ${new Date(row.sourceTime).toISOString()}${range}\n`)
      }
    }
    if (rows.some((row) => row.quality.status === 'bad'))
      throw new Error(`OPC UA ${withoutUrlUserinfo(url)}: ${rows.filter((row) => row.quality.status === 'bad').length} value(s) read with bad quality`)
  })
}

/** otw browse opc.tcp://host:port [--node <nodeId>] [--depth n] [--json]: the address space as an indented tree. */
export async function runOpcUaBrowse(url: string, args: string[], io: CliIo): Promise<number> {
  const usage = `otw browse opc.tcp://host:port [--node <nodeId>] [--depth n] ${COMMON_USAGE}`
  return run(io, usage, async () => {
    const parsed = parseArgs(args)
    const options = endpointOptions(url, parsed)
    const node = parsed.flags.get('--node')
    const depthFlag = parsed.flags.get('--depth')
    const depth = depthFlag === undefined ? 1 : Number(depthFlag)
    if (!Number.isInteger(depth) || depth < 1 || depth > 20) throw new UsageError('--depth must be a whole number from 1 to 20')
    type TreeNode = BrowsedNode & { children?: TreeNode[] }
    const tree = await withOpcUaSession(options, async (session) => {
      const walk = async (nodeId: string, level: number): Promise<TreeNode[]> => {
        const children: TreeNode[] = await browseChildren(session, nodeId)
        if (level < depth) {
          for (const child of children) if (child.hasChildren) child.children = await walk(child.nodeId, level + 1)
        }
        return children
      }
      return walk(typeof node === 'string' ? node : OBJECTS_FOLDER, 1)
    })
    if (parsed.flags.has('--json')) {
      io.stdout(`${JSON.stringify(tree, null, 2)}\n`)
      return
    }
    const print = (nodes: TreeNode[], indent: string) => {
      for (const child of nodes) {
        const type = child.dataType ? ` : ${child.dataType}` : ''
        io.stdout(`${indent}${child.displayName}  [${child.nodeClass}${type}]  ${child.nodeId}\n`)
        if (child.children) print(child.children, `${indent}  `)
      }
    }
    print(tree, '')
  })
}

/** otw write opc.tcp://host:port <nodeId> <value> --yes: writes in the node's DataType, prints old and new value. */
export async function runOpcUaWrite(url: string, args: string[], io: CliIo): Promise<number> {
  const usage = `otw write opc.tcp://host:port <nodeId> <value> --yes ${COMMON_USAGE}`
  return run(io, usage, async () => {
    const parsed = parseArgs(args)
    const options = endpointOptions(url, parsed)
    const [nodeId, value, ...extra] = parsed.positional
    if (nodeId === undefined || value === undefined || extra.length > 0) throw new UsageError('give exactly one NodeId and one value')
    if (!parsed.flags.has('--yes')) throw new UsageError('writing to a live device needs --yes to confirm')
    const result = await withOpcUaSession(options, async (session) => {
      const [before] = await readNodeValues(session, [{ tagId: nodeId, nodeId }])
      const { dataType } = await writeNodeValue(session, nodeId, value)
      const [after] = await readNodeValues(session, [{ tagId: nodeId, nodeId }])
      return { nodeId, dataType: dataTypeName(dataType), old: before.value, new: after.value, quality: after.quality }
    })
    if (parsed.flags.has('--json')) io.stdout(`${JSON.stringify(result, null, 2)}\n`)
    else io.stdout(`${nodeId}: ${formatValue(result.old)} → ${formatValue(result.new)}\n`)
  })
}

/**
 * otw certs list|trust <thumbprint>|reject <thumbprint> [--own] [--json]: the OPC UA server certificates the app has
 * seen (trusted or rejected) in the data folder's PKI, and the workbench's own certificate a server has to trust.
 */
export async function runOpcUaCerts(args: string[], io: CliIo): Promise<number> {
  const usage = 'otw certs list [--json] | otw certs trust <thumbprint> | otw certs reject <thumbprint> | otw certs own [--json]  [--data-dir <dir>]'
  return run(io, usage, async () => {
    const parsed = parseArgs(args)
    const [action, thumbprint, ...extra] = parsed.positional
    const dataDir = parsed.flags.get('--data-dir')
    const store = new OpcUaCertificateStore(resolve(typeof dataDir === 'string' ? dataDir : '.otw-data'))
    const json = parsed.flags.has('--json')
    const line = (c: { trust?: string; thumbprint: string; subject: string; notAfter: string; applicationUri?: string }) =>
      `${c.trust ? c.trust.padEnd(8) : ''}${c.thumbprint}  ${c.subject}  valid until ${c.notAfter.slice(0, 10)}${c.applicationUri ? `  ${c.applicationUri}` : ''}\n`
    try {
      if (action === 'list' && thumbprint === undefined) {
        const own = await store.ownCertificate()
        const list = (await store.list()).map(({ file: _file, subjectFull: _full, ...c }) => c)
        if (json) {
          const { subjectFull: _ownFull, ...ownShown } = own
          io.stdout(`${JSON.stringify({ own: { ...ownShown, pkiFolder: store.rootFolder }, servers: list }, null, 2)}\n`)
          return
        }
        io.stdout(`own     ${line(own)}`)
        if (list.length === 0) io.stdout('No server certificates yet: connect to a secured endpoint once and its certificate is recorded as rejected.\n')
        for (const c of list) io.stdout(line(c))
        io.stdout(`PKI folder: ${store.rootFolder}\n`)
        return
      }
      if (action === 'own' && thumbprint === undefined) {
        const { subjectFull: _full, ...own } = await store.ownCertificate()
        if (json) io.stdout(`${JSON.stringify({ ...own, pkiFolder: store.rootFolder }, null, 2)}\n`)
        else
          io.stdout(
            `own     ${line(own)}File: ${store.rootFolder}/own/certs/client_certificate.pem — a server that rejects the workbench must trust this one\n`,
          )
        return
      }
      if ((action === 'trust' || action === 'reject') && thumbprint !== undefined && extra.length === 0) {
        const moved = action === 'trust' ? await store.trust(thumbprint) : await store.reject(thumbprint)
        const { file: _file, subjectFull: _full, ...shown } = moved
        if (json) io.stdout(`${JSON.stringify(shown, null, 2)}\n`)
        else io.stdout(line(shown))
        return
      }
      throw new UsageError(
        action === 'trust' || action === 'reject' ? `otw certs ${action} needs exactly one thumbprint (see otw certs list)` : 'use list, own, trust or reject',
      )
    } finally {
      await store.close()
    }
  })
}
