import { SAFE_STORAGE_SEALED_PREFIX, type SecretBox } from './secret-box'

/** The slice of Electron's safeStorage this box needs; main/index.ts passes the real one (this folder never imports electron). */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean
  encryptString(plainText: string): Buffer
  decryptString(encrypted: Buffer): string
  /** Linux only: which password store backs the key. */
  getSelectedStorageBackend?(): string
}

/**
 * The desktop app's box: seals with the operating system's key store (DPAPI, Keychain, libsecret/KWallet) through safeStorage,
 * and still opens values sealed earlier with the key file (by an older version, the CLI or browser mode on the same data folder).
 * Those are re-sealed with safeStorage when their connection is next saved.
 */
export class SafeStorageSecretBox implements SecretBox {
  constructor(
    private readonly safeStorage: SafeStorageLike,
    private readonly keyFileBox: SecretBox,
  ) {}

  seal(plain: string): string {
    return SAFE_STORAGE_SEALED_PREFIX + this.safeStorage.encryptString(plain).toString('base64')
  }

  open(sealed: string): string {
    if (!sealed.startsWith(SAFE_STORAGE_SEALED_PREFIX)) return this.keyFileBox.open(sealed)
    try {
      return this.safeStorage.decryptString(Buffer.from(sealed.slice(SAFE_STORAGE_SEALED_PREFIX.length), 'base64'))
    } catch (error) {
      throw new Error(
        `Secret store: a stored secret does not open with this user's operating-system key store (${error instanceof Error ? error.message : String(error)}) — was the data folder copied from another user or machine? Enter the password again`,
      )
    }
  }
}

/**
 * Picks the desktop host's box. safeStorage when the OS key store is real; the key file otherwise, and says why:
 * on Linux without a keyring safeStorage falls back to `basic_text`, a key built into Chromium, weaker than a 0600 key file.
 */
export function desktopSecretBox(safeStorage: SafeStorageLike, keyFileBox: SecretBox, platform: NodeJS.Platform): { box: SecretBox; fallback?: string } {
  if (!safeStorage.isEncryptionAvailable()) {
    return {
      box: keyFileBox,
      fallback: 'The operating system key store is not available: connection passwords are sealed with the key file in the data folder instead',
    }
  }
  const backend = platform === 'linux' ? safeStorage.getSelectedStorageBackend?.() : undefined
  if (backend === 'basic_text' || backend === 'unknown') {
    return {
      box: keyFileBox,
      fallback: `No keyring (GNOME Keyring, KWallet) answers on this desktop (safeStorage backend "${backend}"): connection passwords are sealed with the key file in the data folder instead`,
    }
  }
  return { box: new SafeStorageSecretBox(safeStorage, keyFileBox) }
}
