import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

// electron-builder flips these fuses in the packaged Electron binary; nothing here can run that binary, so the configuration is what is checked.
const packageJson = JSON.parse(readFileSync(join(import.meta.dirname, '../../package.json'), 'utf8')) as { build: Record<string, unknown> }
const builderSchema = JSON.parse(readFileSync(createRequire(import.meta.url).resolve('app-builder-lib/scheme.json'), 'utf8')) as {
  definitions: { FuseOptionsV1: { properties: Record<string, unknown> } }
}

describe("package.json build.electronFuses (electron-builder's configuration of the packaged binary)", () => {
  it('turns off running as Node, NODE_OPTIONS, --inspect and file:// privileges; turns on cookie encryption, ASAR integrity and ASAR-only loading', () => {
    expect(packageJson.build.electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    })
  })

  it('names only fuses electron-builder knows (a misspelt one would be dropped silently)', () => {
    const known = Object.keys(builderSchema.definitions.FuseOptionsV1.properties)
    expect(Object.keys(packageJson.build.electronFuses as object).filter((name) => !known.includes(name))).toEqual([])
  })

  it('packs the app into an ASAR archive, which onlyLoadAppFromAsar and the integrity check need', () => {
    expect(packageJson.build.asar).not.toBe(false)
  })
})
