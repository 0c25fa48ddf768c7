import { describe, expect, it } from 'vitest'
import { APP_ENTRY_URL, APP_ORIGIN } from './app-protocol'
import { rendererEntry } from './renderer-url'

const DEV = 'http://localhost:5173/'

describe('the desktop window page (the dev-URL rule; no Electron binary needed)', () => {
  it('loads app://workbench/index.html when no dev server is named', () => {
    expect(rendererEntry({ isPackaged: false, isDevBuild: true, devServerUrl: undefined })).toEqual({ url: APP_ENTRY_URL, trustedOrigin: APP_ORIGIN })
  })

  it('honours ELECTRON_RENDERER_URL in an unpackaged development build, and trusts only that origin', () => {
    expect(rendererEntry({ isPackaged: false, isDevBuild: true, devServerUrl: DEV })).toEqual({ url: DEV, trustedOrigin: 'http://localhost:5173' })
  })

  it.each([
    ['a packaged app', { isPackaged: true, isDevBuild: false }],
    ['a packaged app even from a development build', { isPackaged: true, isDevBuild: true }],
    ['an unpackaged production build (electron-vite build, then electron .)', { isPackaged: false, isDevBuild: false }],
  ])('ignores ELECTRON_RENDERER_URL in %s and says so', (_name, build) => {
    const entry = rendererEntry({ ...build, devServerUrl: 'https://evil.example/' })
    expect(entry).toMatchObject({ url: APP_ENTRY_URL, trustedOrigin: APP_ORIGIN })
    expect(entry.ignored).toMatch(/ELECTRON_RENDERER_URL=https:\/\/evil\.example\/ ignored: only development builds/)
  })

  it.each(['https://evil.example/', 'file:///tmp/index.html', 'javascript:alert(1)', 'localhost:5173'])(
    'refuses a dev server that is not http(s) on this machine: %s',
    (url) => {
      expect(() => rendererEntry({ isPackaged: false, isDevBuild: true, devServerUrl: url })).toThrow(
        /ELECTRON_RENDERER_URL=.* (is not an http\(s\) dev server on this machine|is not a URL)/,
      )
    },
  )
})
