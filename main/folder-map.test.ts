// The folder map in main/README.md is the project's design: it must list every folder that holds source, and only those.
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const ROOT = resolve(import.meta.dirname, '..')
const SOURCE = /\.(ts|tsx|mjs|py|json|md)$/

function sourceFolders(dir: string): string[] {
  const entries = readdirSync(dir, { withFileTypes: true })
  const here = entries.some((e) => e.isFile() && SOURCE.test(e.name)) ? [relative(ROOT, dir)] : []
  return [...here, ...entries.filter((e) => e.isDirectory() && e.name !== 'node_modules').flatMap((e) => sourceFolders(join(dir, e.name)))]
}

describe('the folder map in main/README.md', () => {
  it('lists exactly the folders that hold source', () => {
    const readme = readFileSync(join(ROOT, 'main/README.md'), 'utf8')
    const mapped = [...readme.slice(readme.indexOf('## Folder map')).matchAll(/^\|\s*`([^`]+)`\s*\|/gm)].map((m) => m[1]).sort()
    const tree = ['main', 'preload', 'e2e'].flatMap((top) => sourceFolders(join(ROOT, top)))
    const renderer = sourceFolders(join(ROOT, 'renderer/src')).concat(['renderer/src/features'])
    expect(mapped).toEqual([...new Set([...tree, ...renderer])].sort())
  })
})
