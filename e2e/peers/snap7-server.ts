// A test peer for the end-to-end specs: Snap7's own S7 server (node-snap7, built by `npm run peer:s7`) on 127.0.0.1.
// DB1 holds a REAL 21.5 at byte 0 and an INT 7 at byte 4; M and the process images are registered too.
// Usage: tsx snap7-server.ts; prints `LISTENING <port>` and runs until stdin closes.
import { createRequire } from 'node:module'
import { createServer } from 'node:net'

interface Snap7Server {
  LocalPort: number
  srvAreaPE: number
  srvAreaPA: number
  srvAreaMK: number
  srvAreaDB: number
  SetParam(param: number, value: number): boolean
  RegisterArea(area: number, indexOrBuffer: number | Buffer, buffer?: Buffer): boolean
  StartTo(ip: string, callback: (error: unknown) => void): void
  Stop(callback?: () => void): void
  ErrorText(code: number): string
}

async function freePort(): Promise<number> {
  const probe = createServer()
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
  const address = probe.address()
  await new Promise<void>((resolve) => probe.close(() => resolve()))
  return typeof address === 'object' && address ? address.port : 0
}

const { S7Server } = createRequire(import.meta.url)('node-snap7') as { S7Server: new () => Snap7Server }
const server = new S7Server()
const db1 = Buffer.alloc(32)
db1.writeFloatBE(21.5, 0)
db1.writeInt16BE(7, 4)
server.RegisterArea(server.srvAreaMK, Buffer.alloc(64))
server.RegisterArea(server.srvAreaPE, Buffer.alloc(16))
server.RegisterArea(server.srvAreaPA, Buffer.alloc(16))
server.RegisterArea(server.srvAreaDB, 1, db1)
const port = await freePort()
server.SetParam(server.LocalPort, port)
const error = await new Promise<unknown>((resolve) => server.StartTo('127.0.0.1', resolve))
if (error) throw new Error(`Snap7 server cannot listen on 127.0.0.1:${port}: ${server.ErrorText(error as number)}`)
process.stdout.write(`LISTENING ${port}\n`)
process.stdin.resume()
process.stdin.on('end', () => server.Stop(() => process.exit(0)))
