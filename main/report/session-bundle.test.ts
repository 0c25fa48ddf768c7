import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { containedPath, exportSession, importSession } from './session-bundle'

describe('session bundles', () => {
  const root = mkdtempSync(join(tmpdir(), 'otw-bundle-'))
  afterAll(() => rmSync(root, { recursive: true, force: true }))
  const source = join(root, 'src')
  mkdirSync(join(source, 'historian'), { recursive: true })
  writeFileSync(join(source, 'historian', 'default.otwh'), Buffer.alloc(70_000, 7))
  writeFileSync(join(source, 'production.db'), 'production')
  writeFileSync(join(source, 'workbench.db'), 'settings')
  writeFileSync(join(source, 'secret.key'), 'never travels')

  it('round trip: the same files with the same hashes, the key left behind, marked read-only', () => {
    const bundle = join(root, 'a.otwsession')
    const manifest = exportSession(source, bundle)
    expect(manifest.files.map((f) => f.path)).toEqual(['historian/default.otwh', 'production.db', 'workbench.db'])
    const target = join(root, 'imported')
    importSession(bundle, target)
    for (const f of manifest.files) expect(readFileSync(join(target, f.path))).toEqual(readFileSync(join(source, f.path)))
    expect(JSON.parse(readFileSync(join(target, 'session.json'), 'utf8')).readOnly).toBe(true)
    expect(() => readFileSync(join(target, 'secret.key'))).toThrow()
  })

  it('refuses an altered bundle, naming the file that failed its hash', () => {
    const bundle = join(root, 'b.otwsession')
    exportSession(source, bundle)
    const bytes = readFileSync(bundle)
    // The file's content comes after its name in the manifest and in its tar header.
    const at = bytes.lastIndexOf(Buffer.from('production'))
    bytes.write('PRODUCTION', at)
    writeFileSync(bundle, bytes)
    expect(() => importSession(bundle, join(root, 'tampered'))).toThrow(
      'production.db: SHA-256 does not match the manifest (altered or corrupt) — the bundle is refused',
    )
  })

  it('refuses entries that climb out of the target folder', () => {
    expect(() => containedPath(root, '../evil')).toThrow('bundle entry "../evil" points outside the target folder')
    expect(() => containedPath(root, '/etc/passwd')).toThrow('points outside')
    expect(containedPath(root, 'historian/x.otwh')).toBe(join(root, 'historian', 'x.otwh'))
  })
})

describe('otw session export / import', () => {
  it('round trip through the command line, and a refusal that names the file', async () => {
    const { main } = await import('../cli')
    const root = mkdtempSync(join(tmpdir(), 'otw-session-cli-'))
    try {
      writeFileSync(join(root, 'production.db'), 'p')
      let out = ''
      let err = ''
      const io = { stdout: (s: string) => (out += s), stderr: (s: string) => (err += s), untilInterrupted: () => new Promise<void>(() => {}) }
      expect(await main(['session', 'export', '--data-dir', root, '--out', join(root, 's.tar')], io)).toBe(0)
      expect(await main(['session', 'import', join(root, 's.tar'), '--data-dir', join(root, 'copy')], io)).toBe(0)
      expect(out).toContain('every hash matched')
      const bytes = readFileSync(join(root, 's.tar'))
      bytes.write('q', bytes.lastIndexOf(Buffer.from('p\0')))
      writeFileSync(join(root, 's.tar'), bytes)
      expect(await main(['session', 'import', join(root, 's.tar'), '--data-dir', join(root, 'copy2')], io)).toBe(1)
      expect(err).toContain('production.db: SHA-256 does not match the manifest')
    } finally {
      rmSync(root, { recursive: true, force: true })
    }
  })
})
