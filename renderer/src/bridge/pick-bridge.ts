import type { PreloadBridge } from '../../../preload/contract'
import { createClient, type WorkbenchClient } from './client'
import { createIpcLink } from './ipc-link'
import { createWebSocketLink } from './ws-link'

const TOKEN_KEY = 'otw.token'

/**
 * Picks the bridge at start: the preload's IPC in the desktop app, else the headless host's WebSocket
 * with the token from the URL (kept for this tab only and removed from the address bar).
 */
export function pickBridge(win: Window & { workbench?: PreloadBridge } = window): WorkbenchClient | { error: string } {
  if (win.workbench?.transport === 'ipc') return createClient(createIpcLink(win.workbench))
  const url = new URL(win.location.href)
  const fromUrl = url.searchParams.get('token')
  if (fromUrl) {
    win.sessionStorage.setItem(TOKEN_KEY, fromUrl)
    url.searchParams.delete('token')
    win.history.replaceState(null, '', url.pathname + url.search + url.hash)
  }
  const token = fromUrl ?? win.sessionStorage.getItem(TOKEN_KEY)
  if (!token) {
    return { error: 'This page needs the token that the workstation host printed at start. Open the full URL from `npm run serve` (it ends in ?token=…).' }
  }
  const scheme = win.location.protocol === 'https:' ? 'wss' : 'ws'
  return createClient(createWebSocketLink(`${scheme}://${win.location.host}/ws?token=${encodeURIComponent(token)}`))
}
