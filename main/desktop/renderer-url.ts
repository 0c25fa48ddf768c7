import { originOf } from '../ipc/electron-ipc'
import { APP_ENTRY_URL, APP_ORIGIN } from './app-protocol'

export interface RendererEntry {
  /** What the window loads. */
  url: string
  /** The one origin the IPC wrapper accepts calls from. */
  trustedOrigin: string
  /** Set when ELECTRON_RENDERER_URL was present but not honoured, for the log. */
  ignored?: string
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]'])

/**
 * The page the desktop window loads: `app://workbench/index.html`, or the dev server named by ELECTRON_RENDERER_URL, which is
 * honoured only in a development build (`electron-vite dev`) that is not packaged — a packaged app never loads code from
 * an environment variable. The dev server must be http(s) on this machine.
 */
export function rendererEntry(options: { isPackaged: boolean; isDevBuild: boolean; devServerUrl: string | undefined }): RendererEntry {
  const own: RendererEntry = { url: APP_ENTRY_URL, trustedOrigin: APP_ORIGIN }
  const { devServerUrl } = options
  if (!devServerUrl) return own
  if (options.isPackaged || !options.isDevBuild) {
    return { ...own, ignored: `ELECTRON_RENDERER_URL=${devServerUrl} ignored: only development builds load the renderer from a dev server` }
  }
  let parsed: URL
  try {
    parsed = new URL(devServerUrl)
  } catch {
    throw new Error(`ELECTRON_RENDERER_URL=${devServerUrl} is not a URL — unset it, or let \`electron-vite dev\` set it`)
  }
  if ((parsed.protocol !== 'http:' && parsed.protocol !== 'https:') || !LOOPBACK.has(parsed.hostname)) {
    throw new Error(
      `ELECTRON_RENDERER_URL=${devServerUrl} is not an http(s) dev server on this machine (localhost, 127.0.0.1 or [::1]) — unset it, or let \`electron-vite dev\` set it`,
    )
  }
  return { url: parsed.href, trustedOrigin: originOf(parsed.href)! }
}
