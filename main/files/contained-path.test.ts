import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { WorkbenchError } from '../../preload/contract'
import {
  containedFileName,
  containedFolder,
  containedPath,
  containedRelativePath,
  resolveContainedPath,
  UnsafePathError,
  unsafePathRule,
} from './contained-path'

const roots: string[] = []
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true })
})
function tempRoot(): string {
  const root = mkdtempSync(path.join(tmpdir(), 'otw-contained-'))
  roots.push(root)
  return root
}

describe('unsafePathRule', () => {
  it.each([
    ['', 'empty'],
    ['a\0b', 'nul-byte'],
    ['/etc/passwd', 'absolute'],
    ['\\Windows\\win.ini', 'absolute'],
    ['C:\\evil.bat', 'drive-letter'],
    ['c:/evil.bat', 'drive-letter'],
    ['C:evil.bat', 'drive-letter'],
    ['\\\\server\\share\\x', 'unc'],
    ['//server/share/x', 'unc'],
    ['\\\\.\\COM1', 'device-namespace'],
    ['\\\\?\\C:\\x', 'device-namespace'],
    ['//./pipe/x', 'device-namespace'],
    ['CON', 'device-name'],
    ['con.txt', 'device-name'],
    ['a/Aux/b.png', 'device-name'],
    ['COM9.png', 'device-name'],
    ['lpt1', 'device-name'],
    ['COM¹', 'device-name'],
    ['CONIN$', 'device-name'],
    ['nul .png', 'device-name'],
    ['..', 'climbs-out'],
    ['../x', 'climbs-out'],
    ['a/../../x', 'climbs-out'],
    ['a\\..\\..\\x', 'climbs-out'],
    ['a.png:stream', 'colon'],
    ['...', 'trailing-dot-or-space'],
    ['a./b', 'trailing-dot-or-space'],
    ['a /b', 'trailing-dot-or-space'],
    ['.', 'is-the-folder'],
    ['a/..', 'is-the-folder'],
  ])('%j breaks %s', (entry, rule) => {
    expect(unsafePathRule(entry)).toBe(rule)
  })

  it.each(['a.png', 'images/train/a.png', './a.png', 'a/../b.png', 'sub\\a.png', 'console.png', 'com10.png', '.hidden', 'a..b.png', 'control/nul-free.png'])(
    'accepts %j',
    (entry) => {
      expect(unsafePathRule(entry)).toBeUndefined()
    },
  )
})

describe('containedRelativePath and containedFileName', () => {
  it('normalises to a relative POSIX path', () => {
    expect(containedRelativePath('a/../b.png', { folder: '/data' })).toBe('b.png')
    expect(containedRelativePath('sub\\x\\a.png', { folder: '/data' })).toBe('sub/x/a.png')
    expect(containedRelativePath('./images/', { folder: '/data' })).toBe('images')
    expect(containedPath('/data', 'images/a.png')).toBe(path.join('/data', 'images', 'a.png'))
  })

  it('throws a typed error naming the entry, the rule, the folder and where the entry came from', () => {
    let caught: unknown
    try {
      containedRelativePath('../../x/evil.sh', { folder: '/data/images', source: 'annotations.json images[3].file_name' })
    } catch (error) {
      caught = error
    }
    expect(caught).toBeInstanceOf(UnsafePathError)
    expect(caught).toBeInstanceOf(WorkbenchError)
    expect((caught as WorkbenchError).code).toBe('INVALID_INPUT')
    expect((caught as WorkbenchError).message).toBe(
      'annotations.json images[3].file_name: path "../../x/evil.sh" climbs out of the folder with ".." — entries must be relative paths inside /data/images; fix or remove that entry',
    )
    expect((caught as WorkbenchError).toJSON().details).toEqual({
      entry: '../../x/evil.sh',
      rule: 'climbs-out',
      folder: '/data/images',
      source: 'annotations.json images[3].file_name',
    })
  })

  it('shows a NUL byte as an escape in the message', () => {
    expect(() => containedRelativePath('a\0.png', { folder: '/data' })).toThrow('path "a\\x00.png" contains a NUL byte')
  })

  it('takes a single name only for a file name', () => {
    expect(containedFileName('part-1', { folder: 'thumbs' })).toBe('part-1')
    expect(() => containedFileName('sub/part-1', { folder: 'thumbs' })).toThrow(/contains "\/" or "\\" where a single file or folder name belongs/)
    expect(() => containedFileName('..\\x', { folder: 'thumbs' })).toThrow(/climbs out/)
  })
})

describe('resolveContainedPath (links)', () => {
  it('follows links that stay inside and resolves paths that do not exist yet', async () => {
    const root = tempRoot()
    mkdirSync(path.join(root, 'real'))
    writeFileSync(path.join(root, 'real', 'a.png'), 'x')
    symlinkSync(path.join(root, 'real'), path.join(root, 'alias'))
    expect(await resolveContainedPath(root, 'alias/a.png')).toBe(path.join(root, 'alias', 'a.png'))
    expect(await resolveContainedPath(root, 'new/deeper/b.png')).toBe(path.join(root, 'new', 'deeper', 'b.png'))
  })

  it('refuses a link to a file outside, a link to a folder outside and a dangling link', async () => {
    const root = tempRoot()
    const inside = path.join(root, 'dataset')
    mkdirSync(inside)
    writeFileSync(path.join(root, 'secret.txt'), 'x')
    symlinkSync(path.join(root, 'secret.txt'), path.join(inside, 'file-link.txt'))
    symlinkSync(root, path.join(inside, 'folder-link'))
    symlinkSync(path.join(root, 'nowhere', 'x.sh'), path.join(inside, 'dangling.sh'))
    const folder = await containedFolder(inside)
    await expect(folder.resolve('file-link.txt', 'label')).rejects.toMatchObject({ details: { entry: 'file-link.txt', rule: 'link-leaves-folder' } })
    await expect(folder.resolve('folder-link/secret.txt')).rejects.toMatchObject({ details: { rule: 'link-leaves-folder' } })
    await expect(folder.resolve('dangling.sh')).rejects.toThrow(/symbolic link to nothing/)
    await expect(folder.resolve('../secret.txt')).rejects.toMatchObject({ details: { rule: 'climbs-out' } })
  })

  it('accepts a dataset folder reached through a link of its own', async () => {
    const root = tempRoot()
    mkdirSync(path.join(root, 'real', 'images'), { recursive: true })
    writeFileSync(path.join(root, 'real', 'images', 'a.png'), 'x')
    symlinkSync(path.join(root, 'real'), path.join(root, 'linked'))
    expect(await resolveContainedPath(path.join(root, 'linked'), 'images/a.png')).toBe(path.join(root, 'linked', 'images', 'a.png'))
  })
})
