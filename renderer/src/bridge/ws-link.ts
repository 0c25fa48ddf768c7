import type { ClientMessage, HostMessage } from '../../../preload/contract'
import type { Link, LinkState } from './link'

/**
 * The browser-mode link: a WebSocket to the headless host that reconnects with backoff.
 * A socket that never opened is reported as refused (wrong or missing token, foreign origin, host down).
 */
export function createWebSocketLink(url: string): Link & { reconnected(listener: () => void): () => void } {
  const messageListeners = new Set<(message: HostMessage) => void>()
  const stateListeners = new Set<(state: LinkState, detail?: string) => void>()
  const reconnectListeners = new Set<() => void>()
  const queue: string[] = []
  let socket: WebSocket | undefined
  let state: LinkState = 'connecting'
  let everOpened = false
  let attempt = 0

  const setState = (next: LinkState, detail?: string): void => {
    state = next
    for (const listener of stateListeners) listener(next, detail)
  }

  const open = (): void => {
    const ws = new WebSocket(url)
    socket = ws
    ws.onopen = () => {
      const wasReconnect = everOpened
      everOpened = true
      attempt = 0
      setState('open')
      for (const text of queue.splice(0)) ws.send(text)
      if (wasReconnect) for (const listener of reconnectListeners) listener()
    }
    ws.onmessage = (event) => {
      let message: HostMessage
      try {
        message = JSON.parse(String(event.data)) as HostMessage
      } catch {
        return
      }
      for (const listener of messageListeners) listener(message)
    }
    ws.onclose = () => {
      if (socket !== ws) return
      if (!everOpened && attempt >= 2) {
        setState(
          'refused',
          'The workstation host refused this page or is not running. Open the exact URL that `npm run serve` (or `otw serve`) printed: its token is new for every start.',
        )
      } else {
        setState('closed', 'Connection to the workstation host lost — reconnecting…')
      }
      attempt += 1
      const delay = Math.min(10_000, 250 * 2 ** Math.min(attempt, 6))
      setTimeout(open, delay)
    }
  }
  open()

  return {
    kind: 'websocket',
    send(message: ClientMessage) {
      const text = JSON.stringify(message)
      if (socket && socket.readyState === WebSocket.OPEN) socket.send(text)
      else queue.push(text)
    },
    onMessage(listener) {
      messageListeners.add(listener)
      return () => messageListeners.delete(listener)
    },
    onState(listener) {
      stateListeners.add(listener)
      return () => stateListeners.delete(listener)
    },
    state: () => state,
    reconnected(listener) {
      reconnectListeners.add(listener)
      return () => reconnectListeners.delete(listener)
    },
  }
}
