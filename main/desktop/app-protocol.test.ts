import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { contentSecurityPolicy } from '../content-security-policy'
import { APP_ENTRY_URL, APP_ORIGIN, APP_SCHEME_PRIVILEGES, createAppProtocolHandler } from './app-protocol'

// The handler is what main/index.ts gives protocol.handle('app', …); here it gets the same web Request objects, without Electron.
let dir: string
let handle: (request: Request) => Promise<Response>
const get = (path: string, init?: RequestInit): Promise<Response> => handle(new Request(`${APP_ORIGIN}${path}`, init))

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'otw-app-protocol-'))
  const renderer = join(dir, 'renderer')
  mkdirSync(join(renderer, 'assets'), { recursive: true })
  writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>OT Workbench</title>')
  writeFileSync(join(renderer, 'assets', 'index-abc.js'), 'export {}')
  writeFileSync(join(renderer, 'assets', 'index-abc.css'), 'body{}')
  writeFileSync(join(dir, 'secret.key'), 'outside the renderer folder')
  symlinkSync(join(dir, 'secret.key'), join(renderer, 'assets', 'linked.js'))
  handle = createAppProtocolHandler(renderer)
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('the app:// protocol handler (what protocol.handle serves; no Electron binary needed)', () => {
  it('registers app as a standard, secure, fetchable scheme without CORS reads from other origins', () => {
    expect(APP_SCHEME_PRIVILEGES).toEqual({ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } })
  })

  it('serves the index for / and for pages of the app, with the security headers', async () => {
    for (const path of ['/', '/index.html', '/oee/settings']) {
      const response = await get(path)
      expect(response.status).toBe(200)
      expect(await response.text()).toContain('<title>OT Workbench</title>')
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8')
      expect(response.headers.get('content-security-policy')).toBe(contentSecurityPolicy())
      expect(response.headers.get('x-content-type-options')).toBe('nosniff')
      expect(response.headers.get('referrer-policy')).toBe('no-referrer')
      expect(response.headers.get('cache-control')).toBe('no-store')
    }
    expect(APP_ENTRY_URL).toBe('app://workbench/index.html')
  })

  it('serves assets with their MIME types, and a missing asset as 404 rather than the index', async () => {
    const script = await get('/assets/index-abc.js')
    expect([script.status, script.headers.get('content-type'), await script.text()]).toEqual([200, 'text/javascript; charset=utf-8', 'export {}'])
    expect((await get('/assets/index-abc.css')).headers.get('content-type')).toBe('text/css; charset=utf-8')
    const missing = await get('/assets/gone.js')
    expect(missing.status).toBe(404)
    expect(missing.headers.get('content-type')).toBe('text/plain; charset=utf-8')
    expect(missing.headers.get('content-security-policy')).toBe(contentSecurityPolicy())
  })

  it.each([
    ['/..%2fsecret.key', 403],
    ['/assets/..%2f..%2fsecret.key', 403],
    ['/%2e%2e%2fsecret.key', 403],
    ['/assets/..%5c..%5csecret.key', 403],
    ['/index.html%00.js', 403],
    ['/assets/linked.js', 403],
    ['/%E0%A4%A', 400],
  ])('refuses %s (status %i) and never shows what lies outside the folder', async (path, status) => {
    const response = await get(path)
    expect(response.status).toBe(status)
    expect(await response.text()).not.toContain('outside the renderer folder')
  })

  it('keeps dot segments the URL parser resolves inside the folder', async () => {
    // The URL parser turns /../../secret.key into /secret.key before the handler sees it: that file is not in the folder.
    const response = await get('/../../secret.key')
    expect(response.status).toBe(404)
    expect(await response.text()).not.toContain('outside the renderer folder')
  })

  it('refuses other hosts under app:// and anything but GET and HEAD', async () => {
    expect((await handle(new Request('app://elsewhere/index.html'))).status).toBe(404)
    expect((await get('/index.html', { method: 'POST', body: 'x' })).status).toBe(405)
    const head = await get('/index.html', { method: 'HEAD' })
    expect([head.status, await head.text()]).toEqual([200, ''])
  })

  it('says the renderer is not built when the folder has no index', async () => {
    const response = await createAppProtocolHandler(join(dir, 'no-such-folder'))(new Request(APP_ENTRY_URL))
    expect(response.status).toBe(503)
    expect(await response.text()).toMatch(/The renderer is not built in .*no-such-folder: run `npm run build`/)
  })
})
