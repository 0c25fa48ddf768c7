import type { ClientMessage, HostMessage } from '../../../preload/contract'

export type LinkState = 'connecting' | 'open' | 'closed' | 'refused'

/** A message pipe to the host: Electron IPC through the preload, or the headless host's WebSocket. */
export interface Link {
  readonly kind: 'ipc' | 'websocket'
  send(message: ClientMessage): void
  onMessage(listener: (message: HostMessage) => void): () => void
  onState(listener: (state: LinkState, detail?: string) => void): () => void
  state(): LinkState
}
