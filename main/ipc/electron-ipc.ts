import type { HostMessage, WorkbenchErrorShape } from '../../preload/contract'
import type { Router } from './router'
import { createSession, type Session } from './session'

/** The contract's IPC channel names, shared with preload/index.ts by value. */
export const IPC_TO_MAIN = 'otw:to-main'
export const IPC_TO_RENDERER = 'otw:to-renderer'

/** The slice of Electron's WebFrameMain this binding needs. */
export interface IpcFrameLike {
  readonly url: string
  /** Browser-global and fixed for the frame's lifetime: tells the main frame from an iframe of the same page. */
  readonly frameTreeNodeId: number
}
/** The slice of Electron's ipcMain, IpcMainEvent and WebContents this binding needs; main/index.ts passes the real ones. */
export interface IpcSenderLike {
  id: number
  readonly mainFrame: IpcFrameLike
  send(channel: string, message: HostMessage): void
  isDestroyed(): boolean
  once(event: 'destroyed', listener: () => void): void
}
export interface IpcEventLike {
  sender: IpcSenderLike
  /** Null when the frame navigated or went away before the message was handled. */
  readonly senderFrame: IpcFrameLike | null
  /** Answers the frame that sent the message, not the whole WebContents. */
  reply(channel: string, message: HostMessage): void
}
export interface IpcMainLike {
  on(channel: string, listener: (event: IpcEventLike, message: unknown) => void): void
  removeAllListeners(channel: string): void
}

/** Who may talk to the core over IPC: the main frame of one of our windows, showing one of our pages. */
export interface IpcSenderPolicy {
  /** True for the WebContents of a BrowserWindow this app created. */
  isOwnWindow(sender: IpcSenderLike): boolean
  /** Origins the main frame may show (`app://workbench`; the dev server's too in development builds). */
  trustedOrigins: readonly string[]
  /** Where refusals are written; main/index.ts passes console.warn. */
  log(line: string): void
}

/**
 * `scheme://host[:port]` of a URL. WHATWG `URL.origin` is "null" for custom schemes such as app://, so it is built by hand;
 * anything that does not parse has no origin.
 */
export function originOf(url: string): string | undefined {
  try {
    const parsed = new URL(url)
    return parsed.host ? `${parsed.protocol}//${parsed.host}` : undefined
  } catch {
    return undefined
  }
}

/** Why a message must be refused, or undefined when it comes from our own frame at our own URL. */
export function senderRefusal(event: IpcEventLike, policy: Pick<IpcSenderPolicy, 'isOwnWindow' | 'trustedOrigins'>): string | undefined {
  if (!policy.isOwnWindow(event.sender)) return `WebContents ${event.sender.id} is not a window of this app`
  const frame = event.senderFrame
  if (!frame) return 'the sending frame navigated away or was destroyed'
  if (frame.frameTreeNodeId !== event.sender.mainFrame.frameTreeNodeId) return `frame ${frame.frameTreeNodeId} at ${frame.url} is not the window's main frame`
  const origin = originOf(frame.url)
  if (!origin || !policy.trustedOrigins.includes(origin))
    return `${frame.url || '(no URL)'} is not one of the app's own pages (${policy.trustedOrigins.join(', ')})`
  return undefined
}

const idOf = (message: unknown): number => {
  const id = (message as { id?: unknown } | null)?.id
  return typeof id === 'number' && Number.isSafeInteger(id) ? id : 0
}

/**
 * Binds the router to Electron IPC: one session per renderer, closed when its window goes away.
 * Every message is checked against the sender policy first; a refused one gets a SENDER_REFUSED error and a log line.
 */
export function bindIpcMain(ipcMain: IpcMainLike, router: Router, policy: IpcSenderPolicy): () => void {
  const sessions = new Map<number, Session>()
  ipcMain.on(IPC_TO_MAIN, (event, message) => {
    const refusal = senderRefusal(event, policy)
    if (refusal) {
      const error: WorkbenchErrorShape = {
        code: 'SENDER_REFUSED',
        message: `IPC refused: ${refusal} — only the OT Workbench window may call the workstation core`,
        details: { url: event.senderFrame?.url ?? null, webContentsId: event.sender.id },
      }
      policy.log(`[ipc] ${error.message}`)
      try {
        event.reply(IPC_TO_RENDERER, { kind: 'result', id: idOf(message), ok: false, error })
      } catch {
        // The frame is gone: the log line is all that is left to do.
      }
      return
    }
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
