// The desktop host: the only file in main/ that imports electron.
import { app, BrowserWindow, ipcMain, protocol, safeStorage, session, shell } from 'electron'
import { join } from 'node:path'
import { KeyFileSecretBox } from './connections'
import { desktopSecretBox } from './secrets/safe-storage-secret-box'
import { contentSecurityPolicy } from './content-security-policy'
import { APP_SCHEME, APP_SCHEME_PRIVILEGES, createAppProtocolHandler } from './desktop/app-protocol'
import { rendererEntry } from './desktop/renderer-url'
import { electronPdfRenderer } from './desktop/electron-pdf'
import { denyPermissionCheck, denyPermissionRequest, desktopWindowOptions, guardWebContents, type GuardedContentsLike } from './desktop/window-security'
import { bindIpcMain, type IpcMainLike, type IpcSenderLike } from './ipc/electron-ipc'
import { createWorkbench, type Workbench } from './workbench'

let workbench: Workbench | undefined
let unbind: (() => void) | undefined
/** WebContents ids of the windows this app made: the only senders the IPC wrapper listens to. */
const ownWindows = new Set<number>()

// Must run before ready: app:// gets a real origin, a secure context and fetch, so the renderer never needs file://.
protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES])

const entry = rendererEntry({ isPackaged: app.isPackaged, isDevBuild: import.meta.env.DEV, devServerUrl: process.env.ELECTRON_RENDERER_URL })
if (entry.ignored) console.warn(entry.ignored)

function createWindow(): void {
  const window = new BrowserWindow(desktopWindowOptions(join(import.meta.dirname, '../preload/index.cjs')))
  const contentsId = window.webContents.id
  ownWindows.add(contentsId)
  window.webContents.once('destroyed', () => ownWindows.delete(contentsId))
  window.once('ready-to-show', () => window.show())
  void window.loadURL(entry.url)
}

app.on('web-contents-created', (_event, contents) => guardWebContents(contents as unknown as GuardedContentsLike, (url) => void shell.openExternal(url)))

void app.whenReady().then(async () => {
  protocol.handle(APP_SCHEME, createAppProtocolHandler(join(import.meta.dirname, '../renderer')))
  // app:// responses carry their own CSP; this covers the dev server in development builds.
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [contentSecurityPolicy()] } })
  })
  session.defaultSession.setPermissionRequestHandler(denyPermissionRequest)
  session.defaultSession.setPermissionCheckHandler(denyPermissionCheck)
  const dataDir = app.getPath('userData')
  const secrets = desktopSecretBox(safeStorage, KeyFileSecretBox.inDataDir(dataDir), process.platform)
  workbench = createWorkbench({ dataDir, host: 'desktop', secretBox: secrets.box, renderPdf: electronPdfRenderer((options) => new BrowserWindow(options)) })
  if (secrets.fallback) workbench.notices.post('warning', secrets.fallback, 'SECRET_STORE')
  unbind = bindIpcMain(ipcMain as unknown as IpcMainLike, workbench.router, {
    isOwnWindow: (sender: IpcSenderLike) => ownWindows.has(sender.id),
    trustedOrigins: [entry.trustedOrigin],
    log: (line) => console.warn(line),
  })
  createWindow()
  await workbench.start()
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow()
  })
})

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit()
})

app.on('will-quit', (event) => {
  if (!workbench) return
  event.preventDefault()
  const closing = workbench
  workbench = undefined
  unbind?.()
  void closing.stop().finally(() => app.exit(0))
})
