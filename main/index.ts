// The desktop host: the only file in main/ that imports electron.
import { app, BrowserWindow, ipcMain, session, shell } from 'electron'
import { join } from 'node:path'
import { contentSecurityPolicy } from './content-security-policy'
import { bindIpcMain, type IpcMainLike } from './ipc/electron-ipc'
import { createWorkbench, type Workbench } from './workbench'

let workbench: Workbench | undefined
let unbind: (() => void) | undefined

function createWindow(): void {
  const window = new BrowserWindow({
    width: 1440,
    height: 900,
    minWidth: 960,
    minHeight: 600,
    show: false,
    title: 'OT Workbench',
    backgroundColor: '#111418',
    webPreferences: {
      preload: join(import.meta.dirname, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  })
  window.once('ready-to-show', () => window.show())
  // No navigation away from the app and no new windows; links to the web open in the system browser.
  window.webContents.on('will-navigate', (event) => event.preventDefault())
  window.webContents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) void shell.openExternal(url)
    return { action: 'deny' }
  })
  if (process.env.ELECTRON_RENDERER_URL) void window.loadURL(process.env.ELECTRON_RENDERER_URL)
  else void window.loadFile(join(import.meta.dirname, '../renderer/index.html'))
}

app.on('web-contents-created', (_event, contents) => {
  contents.on('will-attach-webview', (event) => event.preventDefault())
})

void app.whenReady().then(async () => {
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [contentSecurityPolicy()] } })
  })
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false))
  workbench = createWorkbench({ dataDir: app.getPath('userData'), host: 'desktop' })
  unbind = bindIpcMain(ipcMain as unknown as IpcMainLike, workbench.router)
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
