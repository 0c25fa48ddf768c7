// Snap7's S7Server (node-snap7, built by build-snap7-peer.sh) on 127.0.0.1 and a free port, for tests and the bench.
import { createRequire } from 'node:module'
import { createServer } from 'node:net'

/** The part of node-snap7's S7Server the tests use (the package ships no types). */
interface Snap7Server {
  LocalPort: number
  PDURequest: number
  MaxClients: number
  srvAreaPE: number
  srvAreaPA: number
  srvAreaMK: number
  srvAreaDB: number
  SetParam(param: number, value: number): boolean
  RegisterArea(area: number, indexOrBuffer: number | Buffer, buffer?: Buffer): boolean
  StartTo(ip: string, callback: (error: unknown) => void): void
  Stop(callback?: (error: unknown) => void): void
  GetArea(area: number, index?: number): Buffer
  SetArea(area: number, index: number, buffer: Buffer): void
  ErrorText(code: number): string
}

const require = createRequire(import.meta.url)

function loadSnap7(): { S7Server: new () => Snap7Server } {
  try {
    return require('node-snap7') as { S7Server: new () => Snap7Server }
  } catch (error) {
    throw new Error(`node-snap7 is not built (${(error as Error).message.split('\n')[0]}) — run npm run peer:s7 first`)
  }
}

export interface Snap7PeerAreas {
  /** DB number → its initial bytes (the server keeps its own copy). */
  dbs?: Record<number, Buffer>
  merkers?: Buffer
  inputs?: Buffer
  outputs?: Buffer
}

export type Snap7Area = 'M' | 'I' | 'Q'

export interface Snap7Peer {
  host: string
  port: number
  url: string
  /** A copy of the server's memory of DB n now. */
  db(n: number): Buffer
  /** A copy of the server's M, I or Q memory now. */
  area(area: Snap7Area): Buffer
  /** Replaces the server's memory of DB n (same length as registered). */
  setDb(n: number, bytes: Buffer): void
  stop(): Promise<void>
  /** Starts again on the same port with the same memory (after stop). */
  start(): Promise<void>
}

async function freePort(): Promise<number> {
  const probe = createServer()
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
  const address = probe.address()
  await new Promise<void>((resolve) => probe.close(() => resolve()))
  return typeof address === 'object' && address ? address.port : 0
}

export async function startSnap7Peer(areas: Snap7PeerAreas = {}): Promise<Snap7Peer> {
  const { S7Server } = loadSnap7()
  const server = new S7Server()
  const areaCodes: Record<Snap7Area, number> = { M: server.srvAreaMK, I: server.srvAreaPE, Q: server.srvAreaPA }
  // Non-DB areas register without an index.
  server.RegisterArea(server.srvAreaMK, areas.merkers ?? Buffer.alloc(256))
  server.RegisterArea(server.srvAreaPE, areas.inputs ?? Buffer.alloc(128))
  server.RegisterArea(server.srvAreaPA, areas.outputs ?? Buffer.alloc(128))
  for (const [n, buffer] of Object.entries(areas.dbs ?? {})) server.RegisterArea(server.srvAreaDB, Number(n), buffer)
  let port = 0
  let running = false

  const start = async (): Promise<void> => {
    for (let attempt = 0; ; attempt++) {
      const candidate = port || (await freePort())
      server.SetParam(server.LocalPort, candidate)
      const error = await new Promise<unknown>((resolve) => server.StartTo('127.0.0.1', resolve))
      if (!error) {
        port = candidate
        running = true
        return
      }
      if (port || attempt >= 5) throw new Error(`Snap7 server cannot listen on 127.0.0.1:${candidate}: ${server.ErrorText(error as number)}`)
    }
  }
  await start()
  return {
    host: '127.0.0.1',
    get port() {
      return port
    },
    get url() {
      return `s7://127.0.0.1:${port}?rack=0&slot=1`
    },
    db: (n) => server.GetArea(server.srvAreaDB, n),
    area: (area) => server.GetArea(areaCodes[area]),
    setDb: (n, bytes) => server.SetArea(server.srvAreaDB, n, bytes),
    async stop() {
      if (!running) return
      running = false
      await new Promise<void>((resolve) => server.Stop(() => resolve()))
    },
    start,
  }
}
