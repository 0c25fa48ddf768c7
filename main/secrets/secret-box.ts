import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/**
 * Seals secrets (passwords, private keys) before they are stored. Two kinds: KeyFileSecretBox (browser mode, the CLI) and
 * SafeStorageSecretBox (the desktop app, made in main/index.ts); the prefix of a sealed value says which one sealed it.
 */
export interface SecretBox {
  seal(plain: string): string
  open(sealed: string): string
}

export const SECRET_KEY_FILE = 'secret.key'
const KEY_FILE_SEALED_PREFIX = 'aesgcm1:'
export const SAFE_STORAGE_SEALED_PREFIX = 'safestorage1:'

/** AES-256-GCM under a 32-byte key kept in its own file (0600), outside the database it protects. */
export class KeyFileSecretBox implements SecretBox {
  private key?: Buffer

  constructor(readonly keyFile: string) {}

  static inDataDir(dataDir: string): KeyFileSecretBox {
    return new KeyFileSecretBox(join(dataDir, SECRET_KEY_FILE))
  }

  seal(plain: string): string {
    const iv = randomBytes(12)
    const cipher = createCipheriv('aes-256-gcm', this.loadKey(), iv)
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()])
    return KEY_FILE_SEALED_PREFIX + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')
  }

  open(sealed: string): string {
    if (sealed.startsWith(SAFE_STORAGE_SEALED_PREFIX)) {
      throw new Error(
        `Secret store: this secret was sealed by the desktop app with the operating system's key store, which only the desktop app can open — open this data folder in the desktop app, or enter the password again here`,
      )
    }
    if (!sealed.startsWith(KEY_FILE_SEALED_PREFIX)) throw new Error(`Secret store: unknown format — it was not sealed by ${this.keyFile}`)
    const bytes = Buffer.from(sealed.slice(KEY_FILE_SEALED_PREFIX.length), 'base64')
    const decipher = createDecipheriv('aes-256-gcm', this.loadKey(), bytes.subarray(0, 12))
    decipher.setAuthTag(bytes.subarray(12, 28))
    try {
      return Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString('utf8')
    } catch {
      throw new Error(`Secret store: a stored secret does not open with ${this.keyFile} (key replaced?) — enter the password again`)
    }
  }

  private loadKey(): Buffer {
    if (this.key) return this.key
    if (!existsSync(this.keyFile)) {
      // 'wx' fails if another process created it meanwhile; then we read theirs.
      try {
        writeFileSync(this.keyFile, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' })
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      }
      chmodSync(this.keyFile, 0o600)
    }
    const key = Buffer.from(readFileSync(this.keyFile, 'utf8').trim(), 'base64')
    if (key.length !== 32)
      throw new Error(`Secret store: ${this.keyFile} does not hold a 32-byte key — restore it from a backup or delete it and enter passwords again`)
    this.key = key
    return key
  }
}
