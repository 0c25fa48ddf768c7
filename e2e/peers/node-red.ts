import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

// Node-RED 5 from the devDependency, as a gateway a person deploys to: its own userDir, an admin login, 127.0.0.1,
// a free port, node-red-contrib-modbus from the project's node_modules. Node 22 runs the specs (process.execPath).

export interface NodeRedGateway {
  url: string
  username: string
  password: string
  stop(): Promise<void>
}

const ROOT = resolve(import.meta.dirname, '../..')
const require = createRequire(join(ROOT, 'package.json'))

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const address = server.address()
  await new Promise<void>((r) => server.close(() => r()))
  return typeof address === 'object' && address ? address.port : 0
}

export async function startNodeRedGateway(username: string, password: string): Promise<NodeRedGateway> {
  const userDir = mkdtempSync(join(tmpdir(), 'otw-e2e-node-red-'))
  mkdirSync(join(userDir, 'node_modules'))
  symlinkSync(join(ROOT, 'node_modules/node-red-contrib-modbus'), join(userDir, 'node_modules/node-red-contrib-modbus'), 'dir')
  const port = await freePort()
  const bcrypt = require('bcryptjs') as { hashSync(p: string, rounds: number): string }
  writeFileSync(
    join(userDir, 'settings.cjs'),
    `module.exports = { uiHost: '127.0.0.1', uiPort: ${port}, flowFile: 'flows.json', credentialSecret: 'e2e',
  adminAuth: { type: 'credentials', users: [{ username: ${JSON.stringify(username)}, password: ${JSON.stringify(bcrypt.hashSync(password, 8))}, permissions: '*' }] },
  logging: { console: { level: 'warn' } }, diagnostics: { enabled: false }, telemetry: { enabled: false, updateNotification: false },
  externalModules: { autoInstall: false }, editorTheme: { tours: false } }\n`,
  )
  const child = spawn(process.execPath, [require.resolve('node-red/red.js'), '--settings', join(userDir, 'settings.cjs'), '--userDir', userDir], {
    cwd: userDir,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout?.on('data', (d) => (output += String(d)))
  child.stderr?.on('data', (d) => (output += String(d)))
  const url = `http://127.0.0.1:${port}`
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`Node-RED exited with ${child.exitCode}:\n${output}`)
    const ready = await fetch(`${url}/flows`, { signal: AbortSignal.timeout(1000) }).then(
      (r) => r.status === 401,
      () => false,
    )
    if (ready) break
    if (i > 300) throw new Error(`Node-RED did not answer on ${url}:\n${output}`)
    await new Promise((r) => setTimeout(r, 200))
  }
  return {
    url,
    username,
    password,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r))
        child.kill('SIGTERM')
        await exited
      }
      rmSync(userDir, { recursive: true, force: true })
    },
  }
}

/** Someone at the gateway changes one of the workbench's nodes in Node-RED (through its own admin API, as the editor does). */
export async function editNodeOnGateway(gateway: NodeRedGateway, nodeName: string, property: string, value: unknown): Promise<void> {
  const headers = { 'Content-Type': 'application/json', 'Node-RED-API-Version': 'v2' }
  const token = (await (
    await fetch(`${gateway.url}/auth/token`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ client_id: 'node-red-admin', grant_type: 'password', scope: '*', username: gateway.username, password: gateway.password }),
    })
  ).json()) as { access_token: string }
  const auth = { ...headers, Authorization: `Bearer ${token.access_token}` }
  const { rev, flows } = (await (await fetch(`${gateway.url}/flows`, { headers: auth })).json()) as { rev: string; flows: Array<Record<string, unknown>> }
  const edited = flows.map((n) => (n.name === nodeName ? { ...n, [property]: value } : n))
  const response = await fetch(`${gateway.url}/flows`, {
    method: 'POST',
    headers: { ...auth, 'Node-RED-Deployment-Type': 'flows' },
    body: JSON.stringify({ rev, flows: edited }),
  })
  if (!response.ok) throw new Error(`Node-RED refused the edit: ${response.status}`)
}
