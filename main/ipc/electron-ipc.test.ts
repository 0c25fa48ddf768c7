import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { HostMessage } from '../../preload/contract'
import { APP_ORIGIN } from '../desktop/app-protocol'
import { createWorkbench } from '../workbench'
import { IPC_TO_MAIN, IPC_TO_RENDERER, bindIpcMain, originOf, type IpcEventLike, type IpcFrameLike, type IpcMainLike, type IpcSenderLike } from './electron-ipc'
import type { Router } from './router'

const OWN_PAGE = `${APP_ORIGIN}/index.html`

/** A faked WebContents with its main frame and whatever it sent or was answered (no Electron binary on this machine). */
function fakeWebContents(id: number, mainFrameUrl = OWN_PAGE) {
  const sent: HostMessage[] = []
  let onDestroyed = (): void => undefined
  const mainFrame: IpcFrameLike = { url: mainFrameUrl, frameTreeNodeId: id * 100 }
  const contents: IpcSenderLike = {
    id,
    mainFrame,
    send: (channel, message) => {
      expect(channel).toBe(IPC_TO_RENDERER)
      sent.push(message)
    },
    isDestroyed: () => false,
    once: (_event, listener) => void (onDestroyed = listener),
  }
  return { contents, mainFrame, sent, destroy: () => onDestroyed() }
}

/** Electron's ipcMain faked: delivers a message as if `frame` of `contents` had called ipcRenderer.send. */
function fakeIpcMain() {
  const listeners = new Map<string, (event: IpcEventLike, message: unknown) => void>()
  const replies: HostMessage[] = []
  const ipcMain: IpcMainLike = {
    on: (channel, listener) => void listeners.set(channel, listener),
    removeAllListeners: (channel) => void listeners.delete(channel),
  }
  const deliver = (contents: IpcSenderLike, frame: IpcFrameLike | null, message: unknown): void =>
    listeners.get(IPC_TO_MAIN)?.(
      {
        sender: contents,
        senderFrame: frame,
        reply: (channel, reply) => {
          expect(channel).toBe(IPC_TO_RENDERER)
          replies.push(reply)
        },
      },
      message,
    )
  return { ipcMain, replies, deliver }
}

/** A Router that records what reached it: a refused sender must never get this far. */
function recordingRouter() {
  const calls: string[] = []
  const router: Router = {
    call: async (channel) => {
      calls.push(channel)
      return { ok: true, output: 'ran' }
    },
    open: (channel) => {
      calls.push(channel)
      return () => undefined
    },
  }
  return { router, calls }
}

describe('Electron IPC binding, through the faked ipcMain (no Electron binary on this machine)', () => {
  it('routes calls and streams through the same validated wrapper and closes streams when the window goes away', async () => {
    const workbench = createWorkbench({ dataDir: mkdtempSync(join(tmpdir(), 'otw-ipc-')), host: 'desktop', demoPlant: false })
    const ipc = fakeIpcMain()
    const window = fakeWebContents(1)
    const unbind = bindIpcMain(ipc.ipcMain, workbench.router, { isOwnWindow: (c) => c.id === 1, trustedOrigins: [APP_ORIGIN], log: () => undefined })
    const fromRenderer = (message: unknown): void => ipc.deliver(window.contents, window.mainFrame, message)

    fromRenderer({ kind: 'call', id: 1, channel: 'app.info' })
    fromRenderer({ kind: 'call', id: 2, channel: 'tags.read', input: { tagIds: [] } })
    fromRenderer({ kind: 'subscribe', id: 3, channel: 'live.values', input: { intervalMs: 50 } })
    await new Promise((r) => setTimeout(r, 20))
    expect(window.sent.find((m) => m.id === 1)).toMatchObject({ ok: true, output: { host: 'desktop' } })
    expect(window.sent.find((m) => m.id === 2)).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } })

    workbench.live.publish([{ tagId: 'X', value: 1, quality: { status: 'good' }, sourceTime: 1, receiveTime: 1 }])
    await new Promise((r) => setTimeout(r, 120))
    expect(window.sent.some((m) => m.kind === 'event' && m.id === 3)).toBe(true)

    window.destroy()
    const count = window.sent.length
    workbench.live.publish([{ tagId: 'X', value: 2, quality: { status: 'good' }, sourceTime: 2, receiveTime: 2 }])
    await new Promise((r) => setTimeout(r, 120))
    expect(window.sent.length).toBe(count)
    unbind()
    await workbench.stop()
  })

  describe('refuses, logs and answers SENDER_REFUSED to anything but our own main frame at our own URL', () => {
    const setup = () => {
      const ipc = fakeIpcMain()
      const recorded = recordingRouter()
      const logged: string[] = []
      const own = fakeWebContents(1)
      const unbind = bindIpcMain(ipc.ipcMain, recorded.router, {
        isOwnWindow: (c) => c.id === 1,
        trustedOrigins: [APP_ORIGIN],
        log: (line) => logged.push(line),
      })
      return { ipc, own, logged, calls: recorded.calls, unbind }
    }
    const call = { kind: 'call', id: 7, channel: 'app.info' }

    it.each([
      [
        'an iframe inside our window, even one at our own origin',
        (own: ReturnType<typeof fakeWebContents>) => ({ contents: own.contents, frame: { url: OWN_PAGE, frameTreeNodeId: 101 } }),
        /not the window's main frame/,
      ],
      [
        'our main frame after it was taken to another URL',
        () => {
          const hijacked = fakeWebContents(1, 'https://evil.example/index.html')
          return { contents: hijacked.contents, frame: hijacked.mainFrame }
        },
        /https:\/\/evil\.example\/index\.html is not one of the app's own pages/,
      ],
      [
        'our main frame at a look-alike app:// host',
        () => {
          const other = fakeWebContents(1, 'app://workbench.evil/index.html')
          return { contents: other.contents, frame: other.mainFrame }
        },
        /is not one of the app's own pages/,
      ],
      [
        'our main frame at file://',
        () => {
          const local = fakeWebContents(1, 'file:///tmp/index.html')
          return { contents: local.contents, frame: local.mainFrame }
        },
        /is not one of the app's own pages/,
      ],
      [
        'the main frame of a WebContents that is not one of our windows',
        () => {
          const stranger = fakeWebContents(2)
          return { contents: stranger.contents, frame: stranger.mainFrame }
        },
        /WebContents 2 is not a window of this app/,
      ],
      [
        'a frame that navigated away before the message was handled',
        (own: ReturnType<typeof fakeWebContents>) => ({ contents: own.contents, frame: null }),
        /navigated away or was destroyed/,
      ],
    ])('%s', async (_name, from, reason) => {
      const { ipc, own, logged, calls, unbind } = setup()
      const { contents, frame } = from(own)
      ipc.deliver(contents, frame, call)
      ipc.deliver(contents, frame, { kind: 'subscribe', id: 8, channel: 'live.values', input: {} })
      await new Promise((r) => setTimeout(r, 10))

      expect(calls).toEqual([])
      expect(own.sent).toEqual([])
      expect(ipc.replies).toEqual([
        { kind: 'result', id: 7, ok: false, error: expect.objectContaining({ code: 'SENDER_REFUSED', message: expect.stringMatching(reason) }) },
        { kind: 'result', id: 8, ok: false, error: expect.objectContaining({ code: 'SENDER_REFUSED' }) },
      ])
      expect(logged).toHaveLength(2)
      expect(logged[0]).toMatch(reason)
      unbind()
    })

    it('still serves our own main frame after refusing a stranger', async () => {
      const { ipc, own, calls, unbind } = setup()
      const stranger = fakeWebContents(2)
      ipc.deliver(stranger.contents, stranger.mainFrame, call)
      ipc.deliver(own.contents, own.mainFrame, call)
      await new Promise((r) => setTimeout(r, 10))
      expect(calls).toEqual(['app.info'])
      expect(own.sent).toEqual([{ kind: 'result', id: 7, ok: true, output: 'ran' }])
      unbind()
    })

    it('takes the dev server origin only when the host trusts it', async () => {
      const { ipc, calls, unbind } = setup()
      const dev = fakeWebContents(1, 'http://localhost:5173/')
      ipc.deliver(dev.contents, dev.mainFrame, call)
      await new Promise((r) => setTimeout(r, 10))
      expect(calls).toEqual([])
      unbind()

      const trusting = fakeIpcMain()
      const recorded = recordingRouter()
      const stop = bindIpcMain(trusting.ipcMain, recorded.router, { isOwnWindow: () => true, trustedOrigins: ['http://localhost:5173'], log: () => undefined })
      trusting.deliver(dev.contents, dev.mainFrame, call)
      await new Promise((r) => setTimeout(r, 10))
      expect(recorded.calls).toEqual(['app.info'])
      stop()
    })
  })

  it('originOf names app:// origins by hand (URL.origin is "null" for custom schemes) and has none for junk', () => {
    expect(new URL(OWN_PAGE).origin).toBe('null')
    expect(originOf(OWN_PAGE)).toBe('app://workbench')
    expect(originOf('http://localhost:5173/src/main.tsx')).toBe('http://localhost:5173')
    expect(originOf('about:blank')).toBeUndefined()
    expect(originOf('not a url')).toBeUndefined()
  })
})
