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
