import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startHeadlessHost, type HeadlessHost } from './serve'
import { TestClient } from './serve-test-client'
import { createWorkbench, type Workbench } from './workbench'

interface RawResponse {
  /** Everything the host sent before it closed the socket or went quiet. */
  text: string
  status?: number
  headers: Record<string, string>
}

/** Sends bytes exactly as given over a plain TCP socket (no client library to tidy them up) and reads the first response. */
function rawRequest(port: number, request: string | Buffer, quietMs = 1500): Promise<RawResponse> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    let text = ''
    let timer: NodeJS.Timeout | undefined
    const finish = (): void => {
      clearTimeout(timer)
      socket.destroy()
      const head = text.split('\r\n\r\n')[0] ?? ''
      const [statusLine, ...headerLines] = head.split('\r\n')
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine ?? '')?.[1]
      const headers: Record<string, string> = {}
      for (const line of headerLines) {
        const colon = line.indexOf(':')
        if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim()
      }
      resolve({ text, status: status === undefined ? undefined : Number(status), headers })
    }
    const quiet = (): void => {
      clearTimeout(timer)
      timer = setTimeout(finish, quietMs)
    }
    socket.on('connect', () => {
      socket.write(request)
      quiet()
    })
    socket.on('data', (chunk) => {
      text += chunk.toString('latin1')
      // One complete response is enough; keep-alive sockets would otherwise stay open until the quiet timer.
      if (/\r\n\r\n/.test(text)) quiet()
    })
    socket.on('error', finish)
    socket.on('close', finish)
  })
}

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
}

function expectSecurityHeaders(response: RawResponse): void {
  expect(response.headers).toMatchObject(SECURITY_HEADERS)
  expect(response.headers['content-security-policy']).toContain("frame-ancestors 'none'")
  expect(response.headers['content-security-policy']).toContain("script-src 'self'")
}

/** A small PRNG so a failing fuzz run can be repeated from its seed. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const PATH_PIECES = [
  '%',
  '%c0%ae',
  '%c0%af',
  '%2e%2e',
  '%2e%2e%2f',
  '..',
  '../',
  '..\\',
  '%5c',
  '%00',
  '\u0000',
  '%ff',
  '%e2%82',
  '%%',
  '%zz',
  '//',
  '\\\\',
  '*',
  '?',
  '#',
  'http://[',
  'http://[::1',
  'http://]',
  'https://x@',
  'ws',
  'ws?token=',
  '?token=%',
  'index.html',
  'assets',
  'app.js',
  ';',
  '&',
  '=',
  '~',
  '%u002e',
  'é',
  '\u2028',
  ' ',
  '\t',
  'a'.repeat(300),
  '%25',
  '%2F',
  'CON',
  'NUL',
  'etc/passwd',
  '.git',
  '%3f',
]
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT', 'PATCH', 'PRI', 'get', 'G ET', '', 'GET\u0000', 'BREW']
const VERSIONS = ['HTTP/1.1', 'HTTP/1.0', 'HTTP/0.9', 'HTTP/2.0', 'HTTP/1.1x', 'HTTP/9.9', '', 'http/1.1']
const HEADER_LINES = [
  'Host: 127.0.0.1',
  'Host:',
  'Host: [',
  'Upgrade: websocket',
  'Upgrade: WebSocket, h2c',
  'Connection: Upgrade',
  'Connection: keep-alive, Upgrade',
  'Connection: close',
  'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
  'Sec-WebSocket-Key: not-a-key',
  'Sec-WebSocket-Version: 13',
  'Sec-WebSocket-Version: 99',
  'Sec-WebSocket-Protocol: ,,,',
  'Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits=99',
  'Origin: http://evil.example',
  'Origin: null',
  'Origin: http://[',
  'Content-Length: 5',
  'Content-Length: -1',
  'Content-Length: 99999999999999999999',
  'Content-Length: 1, 2',
  'Transfer-Encoding: chunked',
  'Transfer-Encoding: gzip, chunked',
  'Expect: 100-continue',
  'Expect: teapot',
  'X-Forwarded-For: 127.0.0.1',
  'Cookie: a=%',
  'Range: bytes=-1',
  'If-None-Match: *',
  'NoColonHere',
  ': empty-name',
  'Bad Name: x',
  `X-Long: ${'x'.repeat(9000)}`,
  'X-Nul: a\u0000b',
  ' folded: continuation',
]

/** `token` lets some requests past the token check, so the WebSocket handshake itself meets the garbage too. */
function randomRequest(random: () => number, token: string): Buffer {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]
  const roll = random()
  if (roll < 0.05) return Buffer.from(Array.from({ length: 1 + Math.floor(random() * 400) }, () => Math.floor(random() * 256)))
  let path = '/'
  for (let i = Math.floor(random() * 5); i > 0; i--) path += pick(PATH_PIECES) + (random() < 0.5 ? '/' : '')
  if (random() < 0.15) path = pick(PATH_PIECES)
  if (random() < 0.1) path = `/ws?token=${token}${random() < 0.5 ? '' : pick(PATH_PIECES)}`
  const lineEnd = random() < 0.05 ? '\n' : '\r\n'
  // Mostly well-formed enough to get past the parser, so the static server and the upgrade handler see the rest.
  const headers: string[] = random() < 0.75 ? ['Host: 127.0.0.1'] : []
  for (let i = Math.floor(random() * 6); i > 0; i--) headers.push(pick(HEADER_LINES))
  if (random() < 0.3) headers.push('Upgrade: websocket', 'Connection: Upgrade', 'Sec-WebSocket-Version: 13', 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==')
  const body = random() < 0.2 ? '5\r\nhello\r\n0\r\n\r\n' : random() < 0.1 ? 'zz\r\n' : ''
  const method = random() < 0.5 ? 'GET' : pick(METHODS)
  const version = random() < 0.6 ? 'HTTP/1.1' : pick(VERSIONS)
  return Buffer.from(`${method} ${path} ${version}${lineEnd}${headers.join(lineEnd)}${lineEnd}${lineEnd}${body}`, 'latin1')
}

describe('headless host against hostile requests', () => {
  let dataDir: string
  let workbench: Workbench
  let host: HeadlessHost
  let client: TestClient
  let nextId = 1

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'otw-hostile-'))
    const staticDir = join(dataDir, 'renderer')
    mkdirSync(join(staticDir, 'assets'), { recursive: true })
    writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>OT Workbench</title>')
    writeFileSync(join(staticDir, 'assets', 'app.js'), 'console.log(1)')
    workbench = createWorkbench({ dataDir, host: 'browser', demoPlant: { seed: 1, ports: 'auto' } })
    host = await startHeadlessHost({ router: workbench.router, staticDir, port: 0 })
    await workbench.start()
    client = await TestClient.open(`ws://127.0.0.1:${host.port}/ws?token=${host.token}`)
  }, 60_000)
  afterAll(async () => {
    client?.close()
    await host?.close()
    await workbench?.stop()
    rmSync(dataDir, { recursive: true, force: true })
  })

  const stillAnswers = async (): Promise<void> => {
    expect(await client.call(nextId++, 'app.info')).toMatchObject({ ok: true, output: { name: 'OT Workbench' } })
  }

  /** Samples the historian has taken in, stored or waiting for its next flush. */
  const recordedSamples = async (): Promise<number> => {
    const reply = (await client.call(nextId++, 'history.stats')) as { ok: boolean; output: { storedSamples: number; bufferedSamples: number } }
    expect(reply.ok).toBe(true)
    return reply.output.storedSamples + reply.output.bufferedSamples
  }

  it.each([
    ['a lone percent sign', 'GET /% HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'],
    ['an overlong UTF-8 dot (%c0%ae)', 'GET /%c0%ae HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'],
    ['an unparseable absolute URL (http://[)', 'GET http://[ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'],
  ])('answers a request for %s with 400 and its security headers, and keeps serving', async (_name, request) => {
    const response = await rawRequest(host.port, request)
    expect(response.status).toBe(400)
    expectSecurityHeaders(response)
    await stillAnswers()
  })

  it('answers a WebSocket upgrade to an unparseable URL with 400, and keeps serving', async () => {
    const response = await rawRequest(
      host.port,
      'GET http://[ HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
    )
    expect(response.status).toBe(400)
    expectSecurityHeaders(response)
    await stillAnswers()
  })

  it('answers a malformed WebSocket upgrade (right token, bad key) with 400 and the security headers', async () => {
    const response = await rawRequest(
      host.port,
      `GET /ws?token=${host.token} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: not-a-key\r\n\r\n`,
    )
    expect(response.status).toBe(400)
    expectSecurityHeaders(response)
    await stillAnswers()
  })

  it('answers what the HTTP parser itself refuses (a bad request line) with 400 and the security headers', async () => {
    const response = await rawRequest(host.port, 'G\u0000ET / HTTP/1.1\r\n\r\n')
    expect(response.status).toBe(400)
    expectSecurityHeaders(response)
  })

  it('sends the security headers on the page, on assets and on refusals; the token page is never cached', async () => {
    const page = await rawRequest(host.port, 'GET /?token=abc HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n')
    expect(page.status).toBe(200)
    expectSecurityHeaders(page)
    expect(page.headers['cache-control']).toBe('no-store')
    const asset = await rawRequest(host.port, 'GET /assets/app.js HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n')
    expect(asset.status).toBe(200)
    expectSecurityHeaders(asset)
    const outside = await rawRequest(host.port, 'GET /..%2f..%2fetc%2fpasswd HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n')
    expect(outside.status).toBe(403)
    expectSecurityHeaders(outside)
    const noToken = await rawRequest(
      host.port,
      'GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
    )
    expect(noToken.status).toBe(401)
    expectSecurityHeaders(noToken)
    const post = await rawRequest(host.port, 'POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n')
    expect(post.status).toBe(405)
    expectSecurityHeaders(post)
  })

  it('survives a few thousand random request lines, headers and paths, and still answers and records the demo plant', async () => {
    const seed = 20261202
    const random = mulberry32(seed)
    const total = 3000
    const concurrency = 32
    let sent = 0
    const serverErrors: string[] = []
    const withoutHeaders: string[] = []
    const worker = async (): Promise<void> => {
      while (sent < total) {
        sent++
        const request = randomRequest(random, host.token)
        const response = await rawRequest(host.port, request, 300)
        if (response.status === undefined) continue
        const shown = JSON.stringify(request.toString('latin1').slice(0, 120))
        if (response.status >= 500) serverErrors.push(`${response.status} for ${shown}`)
        if (response.status >= 200 && response.headers['x-content-type-options'] !== 'nosniff') withoutHeaders.push(`${response.status} for ${shown}`)
      }
    }
    await Promise.all(Array.from({ length: concurrency }, worker))
    expect(serverErrors, `seed ${seed}`).toEqual([])
    expect(withoutHeaders, `seed ${seed}`).toEqual([])

    await stillAnswers()
    const fresh = await TestClient.open(`ws://127.0.0.1:${host.port}/ws?token=${host.token}`)
    expect(await fresh.call(1, 'app.info')).toMatchObject({ ok: true })
    fresh.close()
    // The demo plant publishes every second or so: the historian must keep taking samples in after the storm.
    const before = await recordedSamples()
    const deadline = Date.now() + 15_000
    let after = await recordedSamples()
    while (after <= before && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250))
      after = await recordedSamples()
    }
    expect(after).toBeGreaterThan(before)
  }, 120_000)
})
