import { randomBytes, timingSafeEqual } from 'node:crypto'
import { createReadStream, existsSync, statSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { extname, join, normalize, resolve, sep } from 'node:path'
import { WebSocketServer, type WebSocket } from 'ws'
import { MAX_MESSAGE_BYTES, WorkbenchError } from '../preload/contract'
import { contentSecurityPolicy } from './content-security-policy'
import { mimeTypeOf } from './mime-types'
import type { Router } from './ipc/router'
import { createSession } from './ipc/session'

export interface HeadlessHostOptions {
  router: Router
  /** Built renderer (out/renderer); the page is served from here. */
  staticDir: string
  host?: string
  port?: number
  /** Fixed token (tests); a fresh random one otherwise. */
  token?: string
}

export interface HeadlessHost {
  url: string
  token: string
  port: number
  host: string
  clients(): number
  close(): Promise<void>
}

const sameToken = (given: string | null, expected: string): boolean => {
  if (!given) return false
  const a = Buffer.from(given)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}

function serveStatic(staticDir: string, req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://localhost')
  const root = resolve(staticDir)
  let file = normalize(join(root, decodeURIComponent(url.pathname)))
  if (file !== root && !file.startsWith(root + sep)) {
    res.writeHead(403).end('Forbidden')
    return
  }
  if (!existsSync(file) || statSync(file).isDirectory()) file = join(root, 'index.html')
  if (!existsSync(file)) {
    res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' }).end('The renderer is not built yet: run `npm run build` (or `npm run serve`, which builds first).')
    return
  }
  res.writeHead(200, {
    'content-type': mimeTypeOf(file),
    'content-security-policy': contentSecurityPolicy(),
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': extname(file) === '.html' ? 'no-store' : 'public, max-age=3600',
  })
  createReadStream(file).pipe(res)
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolveListen, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      server.off('listening', onListening)
      if (error.code === 'EADDRINUSE') {
        reject(new WorkbenchError('PORT_IN_USE', `Headless host: port ${port} on ${host} is already in use — stop the other process or pass --port <port> (0 picks a free one)`, { port, host }))
      } else reject(error)
    }
    const onListening = (): void => {
      server.off('error', onError)
      resolveListen()
    }
    server.once('error', onError)
    server.once('listening', onListening)
    server.listen(port, host)
  })
}

/**
 * Browser mode: the static renderer plus the contract over a WebSocket, bound to 127.0.0.1 by default
 * and refusing any socket without the token it prints, or from a foreign Origin.
 */
export async function startHeadlessHost(options: HeadlessHostOptions): Promise<HeadlessHost> {
  const host = options.host ?? '127.0.0.1'
  const token = options.token ?? randomBytes(24).toString('base64url')
  const server = createServer((req, res) => serveStatic(options.staticDir, req, res))
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES * 4 })
  const sockets = new Set<WebSocket>()
  let port = options.port ?? 7420

  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://localhost')
    const refuse = (status: number, reason: string): void => {
      socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain\r\n\r\n${reason}\n`)
    }
    if (url.pathname !== '/ws') return refuse(404, 'Not Found')
    if (!sameToken(url.searchParams.get('token'), token)) return refuse(401, 'Missing or wrong token')
    const origin = req.headers.origin
    const allowed = [`http://${host}:${port}`, `http://localhost:${port}`, `http://127.0.0.1:${port}`]
    if (origin !== undefined && !allowed.includes(origin)) return refuse(403, 'Foreign origin')
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws)
      const session = createSession({
        router: options.router,
        send: (message) => {
          if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message))
        },
        bufferedBytes: () => ws.bufferedAmount,
      })
      ws.on('message', (data, isBinary) => {
        const size = Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : (data as Buffer).byteLength
        const text = isBinary ? null : data.toString()
        session.receive(size > MAX_MESSAGE_BYTES ? null : text ?? Buffer.from(data as Buffer), size)
      })
      ws.on('close', () => {
        sockets.delete(ws)
        session.close()
      })
      ws.on('error', () => {
        sockets.delete(ws)
        session.close()
      })
    })
  })

  await listen(server, port, host)
  port = (server.address() as AddressInfo).port
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host
  return {
    url: `http://${shownHost}:${port}/?token=${token}`,
    token,
    port,
    host,
    clients: () => sockets.size,
    close: () =>
      new Promise<void>((resolveClose) => {
        for (const ws of sockets) ws.terminate()
        wss.close()
        server.closeAllConnections?.()
        server.close(() => resolveClose())
      }),
  }
}
