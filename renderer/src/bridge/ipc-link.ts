import type { PreloadBridge } from '../../../preload/contract'
import type { Link } from './link'

/** The desktop link: the preload's window.workbench, always open while the window lives. */
export function createIpcLink(bridge: PreloadBridge): Link {
  return {
    kind: 'ipc',
    send: (message) => bridge.send(message),
    onMessage: (listener) => bridge.onMessage(listener),
    onState: () => () => undefined,
    state: () => 'open',
  }
}
