import { randomBytes, timingSafeEqual } from 'node:crypto'
import { createReadStream, realpathSync, statSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { hostname, networkInterfaces } from 'node:os'
import type { Duplex } from 'node:stream'
import { extname, join, normalize, resolve, sep } from 'node:path'
import { WebSocketServer, type WebSocket } from 'ws'
import { MAX_MESSAGE_BYTES, WorkbenchError } from '../preload/contract'
import { contentSecurityPolicy } from './content-security-policy'
import { mimeTypeOf } from './mime-types'
import type { Router } from './ipc/router'
import type { OutboxLimits, OutboxStats } from './ipc/outbox'
import { bindWebSocket, type WebSocketBinding } from './ipc/websocket-link'

export interface HeadlessHostOptions {
  router: Router
  /** Built renderer (out/renderer); the page is served from here. */
  staticDir: string
  host?: string
  port?: number
  /** Fixed token (tests); a fresh random one otherwise. */
  token?: string
  /** Per-client outbox limits (tests use small ones); the defaults suit a browser on a LAN. */
  outbox?: Partial<OutboxLimits>
}

export interface HeadlessHost {
  url: string
  token: string
  port: number
  host: string
  clients(): number
  /** Each connected client's outbox, in the order they connected: what the host holds for it. */
  clientStats(): OutboxStats[]
  close(): Promise<void>
}

/** The host keeps serving; the reason goes to stderr so a person can see what happened. */
function reportHostError(where: string, error: unknown): void {
  process.stderr.write(`Headless host: unexpected error in ${where}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
}

const WILDCARD_HOSTS = new Set(['0.0.0.0', '::'])
const urlHost = (name: string): string => (name.includes(':') ? `[${name}]` : name).toLowerCase()

/**
 * The origins this host's own page can have: the bound address and the loopback names; bound to every interface,
 * also each address of this machine and its name (read at each handshake: addresses change with DHCP).
 */
function allowedOrigins(host: string, port: number): Set<string> {
  const names = [host, 'localhost', '127.0.0.1', '::1']
  if (WILDCARD_HOSTS.has(host)) {
    names.push(hostname())
    for (const addresses of Object.values(networkInterfaces())) for (const { address } of addresses ?? []) names.push(address)
  }
  return new Set(names.map((name) => `http://${urlHost(name)}:${port}`))
}

const sameToken = (given: string | null, expected: string): boolean => {
  if (!given) return false
  const a = Buffer.from(given)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}

/** Headers every response carries, refusals included: the app's CSP, no framing, no sniffing, no referrer (the page URL holds the token). */
export function securityHeaders(): Record<string, string> {
  return {
    'content-security-policy': contentSecurityPolicy(),
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
  }
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  417: 'Expectation Failed',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
}

/** A complete plain-text HTTP response for a raw socket (refused upgrades, requests the HTTP parser gave up on). */
function rawResponse(status: number, text: string): string {
  const body = `${text}\n`
  const headers: Record<string, string | number> = {
    ...securityHeaders(),
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
    connection: 'close',
  }
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}`)
  return `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Error'}\r\n${lines.join('\r\n')}\r\n\r\n${body}`
}

/** Answers on a raw socket and closes it once the answer is out; a socket that is already gone is just dropped. */
function refuseOnSocket(socket: Duplex, status: number, text: string): void {
  if (!socket.writable) {
    socket.destroy()
    return
  }
  socket.once('finish', () => socket.destroy())
  socket.end(rawResponse(status, text))
}

function sendText(res: ServerResponse, status: number, text: string, extra: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.destroy()
    return
  }
  // A refused request ends its connection: whatever follows on it is not worth parsing.
  res
    .writeHead(status, { ...securityHeaders(), 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', connection: 'close', ...extra })
    .end(`${text}\n`)
}

/**
 * The decoded path of an origin-form request target ("/a/b?x"), or why it cannot be read. Browsers only ever send
 * origin-form to a server; anything else (absolute URLs, "*", bad percent-escapes, NUL) is a request we refuse.
 */
export function requestPath(req: IncomingMessage): { path: string; url: URL } | { refused: string } {
  if (req.httpVersion === '1.1' && !req.headers.host) return { refused: 'An HTTP/1.1 request needs a Host header' }
  const target = req.url
  if (!target?.startsWith('/')) return { refused: 'The request target must be a path starting with "/"' }
  let url: URL
  try {
    url = new URL(target, 'http://localhost')
  } catch {
    return { refused: 'The request path is not a valid URL path' }
  }
  let path: string
  try {
    path = decodeURIComponent(url.pathname)
  } catch {
    return { refused: 'The request path has a malformed percent-escape (not UTF-8)' }
  }
  if (path.includes('\0')) return { refused: 'The request path contains a NUL character' }
  return { path, url }
}

const regularFile = (file: string): boolean => {
  try {
    return statSync(file).isFile()
  } catch {
    return false
  }
}

function serveStatic(staticDir: string, req: IncomingMessage, res: ServerResponse): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    sendText(res, 405, `${req.method} is not served here: the workstation page only answers GET and HEAD`, { allow: 'GET, HEAD' })
    return
  }
  const target = requestPath(req)
  if ('refused' in target) {
    sendText(res, 400, target.refused)
    return
  }
  const root = resolve(staticDir)
  let file = normalize(join(root, target.path))
  if (file !== root && !file.startsWith(root + sep)) {
    sendText(res, 403, 'Forbidden: the path leaves the folder the page is served from')
    return
  }
  if (!regularFile(file)) file = join(root, 'index.html')
  if (!regularFile(file)) {
    sendText(res, 503, 'The renderer is not built yet: run `npm run build` (or `npm run serve`, which builds first).')
    return
  }
  // A link inside the built renderer must not lead out of it.
  const realRoot = realpathSync(root)
  const realFile = realpathSync(file)
  if (!realFile.startsWith(realRoot + sep)) {
    sendText(res, 403, 'Forbidden: the path leaves the folder the page is served from')
    return
  }
  const stream = createReadStream(realFile)
  stream.once('error', () => sendText(res, 500, 'The file could not be read'))
  stream.once('open', () => {
    res.writeHead(200, {
      ...securityHeaders(),
      'content-type': mimeTypeOf(file),
      // The page is opened with the token in its URL: never keep it in a cache.
      'cache-control': extname(file) === '.html' ? 'no-store' : 'public, max-age=3600',
    })
    stream.pipe(res)
  })
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolveListen, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      server.off('listening', onListening)
      if (error.code === 'EADDRINUSE') {
        reject(
          new WorkbenchError(
            'PORT_IN_USE',
            `Headless host: port ${port} on ${host} is already in use — stop the other process or pass --port <port> (0 picks a free one)`,
            { port, host },
          ),
        )
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
  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    try {
      serveStatic(options.staticDir, req, res)
    } catch (error) {
      // Whatever a request does, it must not take the plant and the historian down with it.
      reportHostError('request', error)
      sendText(res, 500, 'Internal error while serving this request')
    }
  }
  // The missing-Host refusal is ours (with the security headers), not Node's bare 400.
  const server = createServer({ requireHostHeader: false }, onRequest)
  // No request here takes a body: answer "Expect: 100-continue" with the final response instead of inviting one.
  server.on('checkContinue', onRequest)
  server.on('checkExpectation', (_req: IncomingMessage, res: ServerResponse) => sendText(res, 417, 'This server meets no Expect header'))
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES * 4 })
  const links = new Map<WebSocket, WebSocketBinding>()
  let port = options.port ?? 7420

  // What the HTTP parser cannot read (bad request lines, header floods) gets a 400 with the same headers, not Node's bare one.
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (error.code === 'ECONNRESET') {
      socket.destroy()
      return
    }
    const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400
    refuseOnSocket(socket, status, `The request could not be read as HTTP (${error.code ?? 'parse error'})`)
  })
  wss.on('wsClientError', (error, socket) => refuseOnSocket(socket, 400, `WebSocket handshake refused: ${error.message}`))
  wss.on('headers', (headers) => {
    for (const [name, value] of Object.entries(securityHeaders())) headers.push(`${name}: ${value}`)
  })

  server.on('upgrade', (req, socket, head) => {
    // From here on the socket is ours: a reset from the peer must not become an uncaught error.
    socket.on('error', () => socket.destroy())
    try {
      upgrade(req, socket, head)
    } catch (error) {
      reportHostError('WebSocket upgrade', error)
      refuseOnSocket(socket, 500, 'Internal error during the WebSocket handshake')
    }
  })

  const upgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const refuse = (status: number, reason: string): void => refuseOnSocket(socket, status, reason)
    if (req.method !== 'GET') return refuse(405, 'A WebSocket handshake is a GET request')
    const target = requestPath(req)
    if ('refused' in target) return refuse(400, target.refused)
    const { url } = target
    if (url.pathname !== '/ws') return refuse(404, 'Not Found')
    if (!sameToken(url.searchParams.get('token'), token)) return refuse(401, 'Missing or wrong token')
    const origin = req.headers.origin
    if (origin !== undefined && !allowedOrigins(host, port).has(origin.toLowerCase())) return refuse(403, 'Foreign origin')
    wss.handleUpgrade(req, socket, head, (ws) => {
      links.set(ws, bindWebSocket(ws, options.router, options.outbox))
      ws.on('close', () => links.delete(ws))
      ws.on('error', () => links.delete(ws))
    })
  }

  await listen(server, port, host)
  // After listening, an error on the server (e.g. out of file descriptors on accept) is reported, not thrown.
  server.on('error', (error) => reportHostError('server', error))
  port = (server.address() as AddressInfo).port
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host
  return {
    url: `http://${shownHost}:${port}/?token=${token}`,
    token,
    port,
    host,
    clients: () => links.size,
    clientStats: () => [...links.values()].map((link) => link.stats()),
    close: () =>
      new Promise<void>((resolveClose) => {
        for (const ws of links.keys()) ws.terminate()
        wss.close()
        server.closeAllConnections?.()
        server.close(() => resolveClose())
      }),
  }
}
