import { realpathSync } from 'node:fs'
import { readFile, stat } from 'node:fs/promises'
import { extname, isAbsolute, relative, resolve } from 'node:path'
import { contentSecurityPolicy } from '../content-security-policy'
import { mimeTypeOf } from '../mime-types'

/** The desktop renderer's own origin: `app://workbench`, served from the built renderer folder, never `file://`. */
export const APP_SCHEME = 'app'
export const APP_HOST = 'workbench'
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`

/**
 * For protocol.registerSchemesAsPrivileged, before the app is ready: a standard scheme (real origin, relative URLs),
 * secure (a secure context like https) and reachable by fetch. No corsEnabled: other origins cannot read it.
 */
export const APP_SCHEME_PRIVILEGES = { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } } as const

const headers = (contentType: string, extra: Record<string, string> = {}): Record<string, string> => ({
  'content-type': contentType,
  'content-security-policy': contentSecurityPolicy(),
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  ...extra,
})

const refuse = (status: number, text: string): Response => new Response(`${text}\n`, { status, headers: headers('text/plain; charset=utf-8') })

const isInside = (root: string, file: string): boolean => {
  const rel = relative(root, file)
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel))
}

/**
 * The `protocol.handle('app', …)` handler: GET/HEAD of files inside `rendererDir` and nothing else.
 * A path that decodes to `..`, a NUL, a backslash or a link leading out of the folder is refused; a path without
 * an extension is a page of the app and gets index.html; a missing asset is a 404, never index.html with the wrong type.
 */
export function createAppProtocolHandler(rendererDir: string): (request: Request) => Promise<Response> {
  const root = resolve(rendererDir)
  return async (request) => {
    const url = new URL(request.url)
    if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return refuse(404, `Not found: ${url.protocol}//${url.host} is not this app`)
    if (request.method !== 'GET' && request.method !== 'HEAD') return refuse(405, `Method ${request.method} not allowed: the app's files are read-only`)
    let path: string
    try {
      path = decodeURIComponent(url.pathname)
    } catch {
      return refuse(400, `Bad request: ${url.pathname} is not a valid percent-encoded path`)
    }
    // Backslashes are separators on Windows; a NUL truncates paths in native code. Neither belongs in a URL of ours.
    if (path.includes('\0') || path.includes('\\') || path.split('/').includes('..')) return refuse(403, `Forbidden: ${url.pathname} leaves the app's folder`)
    const wanted = path === '/' || extname(path) === '' ? '/index.html' : path
    const file = resolve(root, `.${wanted}`)
    if (!isInside(root, file)) return refuse(403, `Forbidden: ${url.pathname} leaves the app's folder`)
    try {
      if (!(await stat(file)).isFile()) return refuse(404, `Not found: ${url.pathname}`)
      // Electron's fs reads inside app.asar too; a link must not lead out of the folder either.
      if (!isInside(realpathSync(root), realpathSync(file))) return refuse(403, `Forbidden: ${url.pathname} leaves the app's folder`)
      const body = request.method === 'HEAD' ? null : new Uint8Array(await readFile(file))
      return new Response(body, { status: 200, headers: headers(mimeTypeOf(file), { 'cache-control': extname(file) === '.html' ? 'no-store' : 'no-cache' }) })
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
        return refuse(500, `Could not read ${url.pathname}: ${error instanceof Error ? error.message : String(error)}`)
      if (wanted === '/index.html') return refuse(503, `The renderer is not built in ${root}: run \`npm run build\``)
      return refuse(404, `Not found: ${url.pathname}`)
    }
  }
}
