import type { HostMessage } from '../../preload/contract'
import type { Router } from './router'
import { createSession, type Session } from './session'

/** The contract's IPC channel names, shared with preload/index.ts by value. */
export const IPC_TO_MAIN = 'otw:to-main'
export const IPC_TO_RENDERER = 'otw:to-renderer'

/** The slice of Electron's ipcMain and WebContents this binding needs; main/index.ts passes the real ones. */
export interface IpcSenderLike {
  id: number
  send(channel: string, message: HostMessage): void
  isDestroyed(): boolean
  once(event: 'destroyed', listener: () => void): void
}
export interface IpcMainLike {
  on(channel: string, listener: (event: { sender: IpcSenderLike }, message: unknown) => void): void
  removeAllListeners(channel: string): void
}

/** Binds the router to Electron IPC: one session per renderer, closed when its window goes away. */
export function bindIpcMain(ipcMain: IpcMainLike, router: Router): () => void {
  const sessions = new Map<number, Session>()
  ipcMain.on(IPC_TO_MAIN, (event, message) => {
    const sender = event.sender
    let session = sessions.get(sender.id)
    if (!session) {
      session = createSession({
        router,
        send: (reply) => {
          if (!sender.isDestroyed()) sender.send(IPC_TO_RENDERER, reply)
        },
      })
      sessions.set(sender.id, session)
      sender.once('destroyed', () => {
        sessions.get(sender.id)?.close()
        sessions.delete(sender.id)
      })
    }
    session.receive(message)
  })
  return () => {
    ipcMain.removeAllListeners(IPC_TO_MAIN)
    for (const session of sessions.values()) session.close()
    sessions.clear()
  }
}
