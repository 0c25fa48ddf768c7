import { describe, expect, it } from 'vitest'
import { denyPermissionCheck, denyPermissionRequest, desktopWindowOptions, guardWebContents, type GuardedContentsLike } from './window-security'

/** A faked WebContents (no Electron binary on this machine): records the listeners the guard installs and lets the test fire them. */
function fakeWebContents() {
  const listeners = new Map<string, (event: { preventDefault(): void }) => void>()
  let openHandler: ((details: { url: string }) => { action: 'deny' }) | undefined
  const contents: GuardedContentsLike = {
    on: (event, listener) => void listeners.set(event, listener),
    setWindowOpenHandler: (handler) => void (openHandler = handler),
  }
  const fire = (event: string): boolean => {
    let prevented = false
    listeners.get(event)?.({ preventDefault: () => void (prevented = true) })
    return prevented
  }
  return { contents, fire, open: (url: string) => openHandler?.({ url }) }
}

describe('the desktop window and its WebContents, faked (no Electron binary on this machine)', () => {
  it('keeps context isolation, the sandbox and web security on and Node off everywhere in the page', () => {
    expect(desktopWindowOptions('/app/preload/index.cjs').webPreferences).toEqual({
      preload: '/app/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    })
  })

  it('cancels every navigation away and every webview', () => {
    const faked = fakeWebContents()
    guardWebContents(faked.contents, () => undefined)
    expect(faked.fire('will-navigate')).toBe(true)
    expect(faked.fire('will-attach-webview')).toBe(true)
  })

  it('denies window.open; an https link goes to the system browser, anything else nowhere', () => {
    const faked = fakeWebContents()
    const external: string[] = []
    guardWebContents(faked.contents, (url) => external.push(url))
    for (const url of ['https://example.com/manual', 'http://192.168.1.10/', 'file:///etc/passwd', 'app://workbench/index.html', 'javascript:alert(1)']) {
      expect(faked.open(url)).toEqual({ action: 'deny' })
    }
    expect(external).toEqual(['https://example.com/manual'])
  })

  it('denies every permission request and check', () => {
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal']) {
      let granted: boolean | undefined
      denyPermissionRequest({}, permission, (answer) => (granted = answer))
      expect(granted).toBe(false)
    }
    expect(denyPermissionCheck()).toBe(false)
  })
})
