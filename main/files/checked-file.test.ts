import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { WorkbenchError } from '../../preload/contract'
import { checkFile, FILE_KINDS, formatBytes, readCheckedFile, readCheckedText, RefusedFileError } from './checked-file'

const roots: string[] = []
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true })
})
function tempRoot(): string {
  const root = mkdtempSync(path.join(tmpdir(), 'otw-checked-'))
  roots.push(root)
  return root
}

describe('readCheckedFile', () => {
  it('reads a regular file whole, and one at exactly the cap', async () => {
    const root = tempRoot()
    writeFileSync(path.join(root, 'names.txt'), 'scratch\ndent\n')
    expect(await readCheckedText(path.join(root, 'names.txt'), 'namesFile')).toBe('scratch\ndent\n')
    const atCap = path.join(root, 'at-cap.pem')
    writeFileSync(atCap, Buffer.alloc(FILE_KINDS.certificate.cap, 0x41))
    expect((await readCheckedFile(atCap, 'certificate')).length).toBe(FILE_KINDS.certificate.cap)
  })

  it('refuses a FIFO at once, with or without a link to it', async () => {
    const root = tempRoot()
    const fifo = path.join(root, 'pipe.pem')
    execFileSync('mkfifo', [fifo])
    symlinkSync(fifo, path.join(root, 'link.pem'))
    for (const file of [fifo, path.join(root, 'link.pem')]) {
      const error = await readCheckedFile(file, 'certificate').catch((e: unknown) => e)
      expect(error).toBeInstanceOf(RefusedFileError)
      expect(error).toBeInstanceOf(WorkbenchError)
      expect(error).toMatchObject({ code: 'INVALID_INPUT', details: { file, kind: 'certificate', rule: 'not-regular', type: 'a FIFO (named pipe)' } })
      expect((error as Error).message).toBe(`Certificate or key file ${file} is a FIFO (named pipe), not a regular file — give the path of the file itself`)
    }
  })

  it('refuses /dev/zero, /dev/null and a folder', async () => {
    const root = tempRoot()
    await expect(readCheckedFile('/dev/zero', 'image')).rejects.toThrow('Image /dev/zero is a character device, not a regular file')
    await expect(checkFile('/dev/null', 'model')).rejects.toThrow('Model file /dev/null is a character device')
    mkdirSync(path.join(root, 'folder.csv'))
    await expect(readCheckedText(path.join(root, 'folder.csv'), 'tagCsv')).rejects.toThrow(/is a folder, not a regular file/)
  })

  it('refuses a file over its kind’s cap, naming the file, its size and the cap', async () => {
    const root = tempRoot()
    const big = path.join(root, 'labels.txt')
    writeFileSync(big, '')
    truncateSync(big, 23_456_789)
    const error = await readCheckedText(big, 'labelFile').catch((e: unknown) => e)
    expect((error as Error).message).toBe(
      `Label file ${big} is 23.5 MB, over the 16 MB limit for this kind of file — a label, list or class file of this size is not a dataset file — check the path`,
    )
    expect(error).toMatchObject({ code: 'INVALID_INPUT', details: { rule: 'too-large', size: 23_456_789, cap: 16_000_000 } })
  })

  it('says NOT_FOUND for a missing file or a path through a file', async () => {
    const root = tempRoot()
    writeFileSync(path.join(root, 'plain'), 'x')
    await expect(readCheckedFile(path.join(root, 'nope.csv'), 'tagCsv')).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: `Tag CSV ${path.join(root, 'nope.csv')}: no such file — check the path`,
    })
    await expect(readCheckedFile(path.join(root, 'plain', 'below'), 'tagCsv')).rejects.toMatchObject({ code: 'NOT_FOUND' })
  })
})

describe('formatBytes', () => {
  it.each([
    [512, '512 bytes'],
    [1_000, '1 kB'],
    [20_000_001, '20 MB'],
    [23_456_789, '23.5 MB'],
    [1_000_000_001, '1 GB'],
    [250_000_000_000, '250 GB'],
  ])('%d is %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text)
  })
})
