/** The desktop window: the renderer is a web page with no Node, isolated from its preload, in Chromium's sandbox. */
export function desktopWindowOptions(preload: string) {
  return {
    width: 1440,
    height: 900,
    minWidth: 960,
    minHeight: 600,
    show: false,
    title: 'OT Workbench',
    backgroundColor: '#111418',
    webPreferences: {
      preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    },
  } as const
}

/** The slice of Electron's WebContents the guard needs; main/index.ts passes the real one. */
export interface GuardedContentsLike {
  on(event: 'will-navigate' | 'will-attach-webview', listener: (event: { preventDefault(): void }) => void): void
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void
}

/**
 * For every WebContents, ours or not: it never navigates away from the app, never opens a window and never attaches a
 * webview. A https:// link the page tries to open goes to the system browser instead.
 */
export function guardWebContents(contents: GuardedContentsLike, openExternal: (url: string) => void): void {
  contents.on('will-navigate', (event) => event.preventDefault())
  contents.on('will-attach-webview', (event) => event.preventDefault())
  contents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) openExternal(url)
    return { action: 'deny' }
  })
}

/** session.setPermissionRequestHandler: camera, microphone, notifications, geolocation… the workbench asks for none. */
export const denyPermissionRequest = (_contents: unknown, _permission: string, callback: (granted: boolean) => void): void => callback(false)
/** session.setPermissionCheckHandler: the same answer when a page only asks whether it has one. */
export const denyPermissionCheck = (): boolean => false
