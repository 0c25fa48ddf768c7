import { describe, expect, it } from 'vitest'
import type { HostMessage } from '../../preload/contract'
import { createWorkbench } from '../workbench'
import { IPC_TO_MAIN, IPC_TO_RENDERER, bindIpcMain, type IpcMainLike, type IpcSenderLike } from './electron-ipc'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** Electron's ipcMain and a WebContents, faked: the Electron binary cannot run on these machines. */
function fakeElectron() {
  const listeners = new Map<string, (event: { sender: IpcSenderLike }, message: unknown) => void>()
  const ipcMain: IpcMainLike = {
    on: (channel, listener) => void listeners.set(channel, listener),
    removeAllListeners: (channel) => void listeners.delete(channel),
  }
  const sent: HostMessage[] = []
  let onDestroyed = (): void => undefined
  const sender: IpcSenderLike = {
    id: 1,
    send: (channel, message) => {
      expect(channel).toBe(IPC_TO_RENDERER)
      sent.push(message)
    },
    isDestroyed: () => false,
    once: (_event, listener) => void (onDestroyed = listener),
  }
  return { ipcMain, sent, fromRenderer: (message: unknown) => listeners.get(IPC_TO_MAIN)?.({ sender }, message), destroy: () => onDestroyed() }
}

describe('Electron IPC binding (Electron mocked: no Electron binary on this machine)', () => {
  it('routes calls and streams through the same validated wrapper and closes streams when the window goes away', async () => {
    const workbench = createWorkbench({ dataDir: mkdtempSync(join(tmpdir(), 'otw-ipc-')), host: 'desktop', demoPlant: false })
    const electron = fakeElectron()
    const unbind = bindIpcMain(electron.ipcMain, workbench.router)

    electron.fromRenderer({ kind: 'call', id: 1, channel: 'app.info' })
    electron.fromRenderer({ kind: 'call', id: 2, channel: 'tags.read', input: { tagIds: [] } })
    electron.fromRenderer({ kind: 'subscribe', id: 3, channel: 'live.values', input: { intervalMs: 50 } })
    await new Promise((r) => setTimeout(r, 20))
    expect(electron.sent.find((m) => m.id === 1)).toMatchObject({ ok: true, output: { host: 'desktop' } })
    expect(electron.sent.find((m) => m.id === 2)).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } })

    workbench.live.publish([{ tagId: 'X', value: 1, quality: { status: 'good' }, sourceTime: 1, receiveTime: 1 }])
    await new Promise((r) => setTimeout(r, 120))
    expect(electron.sent.some((m) => m.kind === 'event' && m.id === 3)).toBe(true)

    electron.destroy()
    const count = electron.sent.length
    workbench.live.publish([{ tagId: 'X', value: 2, quality: { status: 'good' }, sourceTime: 2, receiveTime: 2 }])
    await new Promise((r) => setTimeout(r, 120))
    expect(electron.sent.length).toBe(count)
    unbind()
    await workbench.stop()
  })
})
