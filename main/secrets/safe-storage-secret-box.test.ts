import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { mqttConfigSchema } from '../../preload/contract'
import { ConnectionManager } from '../connections/connection-manager'
import { ConnectionStore } from '../connections/connection-store'
import { desktopSecretBox, SafeStorageSecretBox, type SafeStorageLike } from './safe-storage-secret-box'
import { KeyFileSecretBox } from './secret-box'
import { openWorkbenchDb, type Database } from '../connections/workbench-db'

/**
 * Electron's safeStorage, faked (no Electron binary on this machine): AES-256-GCM under a key that lives only in this
 * object, as the OS key store's key lives only in DPAPI, the Keychain or libsecret. Another instance is another user.
 */
function fakeSafeStorage(options: { available?: boolean; backend?: string } = {}): SafeStorageLike & { sealed: number } {
  const key = randomBytes(32)
  const fake = {
    sealed: 0,
    isEncryptionAvailable: () => options.available ?? true,
    getSelectedStorageBackend: () => options.backend ?? 'gnome_libsecret',
    encryptString(plainText: string): Buffer {
      fake.sealed += 1
      const iv = randomBytes(12)
      const cipher = createCipheriv('aes-256-gcm', key, iv)
      const body = Buffer.concat([cipher.update(plainText, 'utf8'), cipher.final()])
      return Buffer.concat([iv, cipher.getAuthTag(), body])
    },
    decryptString(encrypted: Buffer): string {
      const decipher = createDecipheriv('aes-256-gcm', key, encrypted.subarray(0, 12))
      decipher.setAuthTag(encrypted.subarray(12, 28))
      try {
        return Buffer.concat([decipher.update(encrypted.subarray(28)), decipher.final()]).toString('utf8')
      } catch {
        throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.')
      }
    },
  }
  return fake
}

const dirs: string[] = []
const dbs: Database[] = []
afterEach(() => {
  for (const db of dbs.splice(0)) if (db.open) db.close()
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})
const dataFolder = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'otw-safe-storage-'))
  dirs.push(dir)
  return dir
}

const PASSWORD = 'broker-Pa55-wörd'
const config = mqttConfigSchema.parse({ protocol: 'mqtt', name: 'Edge broker', url: 'mqtt://edge.local:1883', username: 'plant', password: PASSWORD })

describe('SafeStorageSecretBox, with a faked safeStorage (no Electron binary on this machine)', () => {
  it('seals through safeStorage and opens what it sealed', () => {
    const safeStorage = fakeSafeStorage()
    const box = new SafeStorageSecretBox(safeStorage, KeyFileSecretBox.inDataDir(dataFolder()))
    const sealed = box.seal(PASSWORD)
    expect(sealed.startsWith('safestorage1:')).toBe(true)
    expect(sealed).not.toContain(PASSWORD)
    expect(box.open(sealed)).toBe(PASSWORD)
    expect(safeStorage.sealed).toBe(1)
  })

  it('says what to do when a value sealed by another user or machine does not open', () => {
    const dir = dataFolder()
    const sealed = new SafeStorageSecretBox(fakeSafeStorage(), KeyFileSecretBox.inDataDir(dir)).seal(PASSWORD)
    const otherUser = new SafeStorageSecretBox(fakeSafeStorage(), KeyFileSecretBox.inDataDir(dir))
    expect(() => otherUser.open(sealed)).toThrow(
      /does not open with this user's operating-system key store .*copied from another user or machine\? Enter the password again/,
    )
  })

  it('reads connections sealed earlier with the key file, and re-seals them with safeStorage when they are next saved', () => {
    const dir = dataFolder()
    const db = openWorkbenchDb(dir)
    dbs.push(db)
    const sealedColumn = (): string => db.prepare<{ sealed_secrets: string }>('SELECT sealed_secrets FROM connections WHERE id = ?').get('edge')!.sealed_secrets
    const keyFileBox = KeyFileSecretBox.inDataDir(dir)

    // An older version, the CLI or browser mode saved it under <dataDir>/secret.key.
    new ConnectionStore(db, keyFileBox).save('edge', config)
    expect(sealedColumn().startsWith('aesgcm1:')).toBe(true)

    const desktop = new ConnectionStore(db, new SafeStorageSecretBox(fakeSafeStorage(), keyFileBox))
    expect(desktop.get('edge')?.config).toMatchObject({ password: PASSWORD })
    expect(sealedColumn().startsWith('aesgcm1:')).toBe(true)

    desktop.save('edge', { ...config, name: 'Edge broker (renamed)', password: undefined })
    expect(sealedColumn().startsWith('safestorage1:')).toBe(true)
    expect(desktop.get('edge')?.config).toMatchObject({ name: 'Edge broker (renamed)', password: PASSWORD })

    // The key file alone no longer opens it, and says why; the connection itself still loads.
    const browserMode = new ConnectionStore(db, keyFileBox).get('edge')
    expect(browserMode?.config).toMatchObject({ name: 'Edge broker (renamed)' })
    expect(browserMode?.config).not.toHaveProperty('password')
    expect(browserMode?.secretsUnreadable).toMatch(/sealed by the desktop app with the operating system's key store.*open this data folder in the desktop app/)
  })

  it('a data folder the desktop app sealed still opens in browser mode: the connection is listed without its password, a notice says why, and an edit there keeps the sealed password', async () => {
    const dir = dataFolder()
    const safeStorage = fakeSafeStorage()
    const keyFileBox = KeyFileSecretBox.inDataDir(dir)
    const db = openWorkbenchDb(dir)
    dbs.push(db)
    new ConnectionStore(db, new SafeStorageSecretBox(safeStorage, keyFileBox)).save('edge', config)

    const notices: string[] = []
    const manager = new ConnectionManager({
      db,
      box: keyFileBox,
      dataDir: dir,
      register: () => undefined,
      unregister: () => undefined,
      onNotice: (_level, message) => notices.push(message),
    })
    manager.load()
    expect(manager.list().map((c) => c.config.name)).toEqual(['Edge broker'])
    expect(notices.join('\n')).toMatch(/Connection "Edge broker": its saved password could not be opened here .*enter the password again/)
    await manager.update('edge', { ...manager.config('edge'), name: 'Edge broker (browser)' } as typeof config)
    await manager.close()

    // Back in the desktop app the password is still there.
    expect(new ConnectionStore(db, new SafeStorageSecretBox(safeStorage, keyFileBox)).get('edge')?.config).toMatchObject({
      name: 'Edge broker (browser)',
      password: PASSWORD,
    })
  })
})

describe('desktopSecretBox: which box the desktop host uses (faked safeStorage, no Electron binary on this machine)', () => {
  it('uses safeStorage where the OS key store is real', () => {
    const keyFileBox = KeyFileSecretBox.inDataDir(dataFolder())
    expect(desktopSecretBox(fakeSafeStorage(), keyFileBox, 'win32')).toEqual({ box: expect.any(SafeStorageSecretBox) })
    expect(desktopSecretBox(fakeSafeStorage({ backend: 'kwallet6' }), keyFileBox, 'linux').box).toBeInstanceOf(SafeStorageSecretBox)
    // The backend question is Linux-only; elsewhere its answer means nothing.
    expect(desktopSecretBox(fakeSafeStorage({ backend: 'basic_text' }), keyFileBox, 'darwin').box).toBeInstanceOf(SafeStorageSecretBox)
  })

  it.each([
    ['safeStorage is not available', { available: false }, /operating system key store is not available/],
    ['Linux has no keyring (basic_text: a key built into Chromium)', { backend: 'basic_text' }, /No keyring .* \(safeStorage backend "basic_text"\)/],
  ])('keeps the key file when %s, and says so', (_name, options, fallback) => {
    const keyFileBox = KeyFileSecretBox.inDataDir(dataFolder())
    const chosen = desktopSecretBox(fakeSafeStorage(options), keyFileBox, 'linux')
    expect(chosen.box).toBe(keyFileBox)
    expect(chosen.fallback).toMatch(fallback)
  })
})
