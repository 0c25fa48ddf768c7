// The desktop bridge: sandboxed, so it may import electron and the contract's types, nothing else.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import type { ClientMessage, HostMessage, PreloadBridge } from './contract/messages'

// Must match main/ipc/electron-ipc.ts (a sandboxed preload cannot import from main).
const TO_MAIN = 'otw:to-main'
const TO_RENDERER = 'otw:to-renderer'

const bridge: PreloadBridge = {
  transport: 'ipc',
  send(message: ClientMessage) {
    ipcRenderer.send(TO_MAIN, message)
  },
  onMessage(listener: (message: HostMessage) => void) {
    const wrapped = (_event: IpcRendererEvent, message: HostMessage): void => listener(message)
    ipcRenderer.on(TO_RENDERER, wrapped)
    return () => {
      ipcRenderer.removeListener(TO_RENDERER, wrapped)
    }
  },
}

contextBridge.exposeInMainWorld('workbench', bridge)
