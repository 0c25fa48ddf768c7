import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path'

/** A recording that travels: historian, production and settings databases and configuration in one plain tar. */
export const MANIFEST = 'manifest.json'
const BLOCK = 512

export interface BundleManifest {
  format: 'otw-session/1'
  createdAt: string
  files: { path: string; bytes: number; sha256: string }[]
}

export class BundleError extends Error {}

/** Written by an import into the data folder: the session there is analysed read-only. */
export const SESSION_MARKER = 'session.json'

/** The imported session a data folder holds, or undefined for a workstation's own folder. */
export function importedSession(dataDir: string): { importedFrom: string; importedAt?: string } | undefined {
  const file = join(dataDir, SESSION_MARKER)
  if (!existsSync(file)) return undefined
  try {
    const marker = JSON.parse(readFileSync(file, 'utf8')) as { importedFrom?: unknown; importedAt?: unknown; readOnly?: unknown }
    if (marker.readOnly === false) return undefined
    return {
      importedFrom: String(marker.importedFrom ?? 'a session bundle'),
      importedAt: typeof marker.importedAt === 'string' ? marker.importedAt : undefined,
    }
  } catch {
    // A marker that cannot be read still marks the folder: read-only is the safe side.
    return { importedFrom: 'a session bundle (session.json unreadable)' }
  }
}

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex')
// What a session is: the recording and its settings; exports, caches and the secret key stay behind.
const SESSION_FILE = /^(historian\/[^/]+\.otwh|[^/]+\.db|[^/]+\.json)$/

function sessionFiles(dataDir: string, under = ''): string[] {
  const dir = join(dataDir, under)
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = under ? `${under}/${e.name}` : e.name
    if (e.isDirectory()) return under === '' && e.name === 'historian' ? sessionFiles(dataDir, path) : []
    return e.isFile() && SESSION_FILE.test(path) ? [path] : []
  })
}

function header(path: string, size: number): Buffer {
  if (Buffer.byteLength(path) > 100) throw new BundleError(`${path}: name longer than 100 bytes`)
  const h = Buffer.alloc(BLOCK)
  h.write(path, 0, 100, 'utf8')
  h.write('0000644\0', 100)
  h.write('0000000\0', 108)
  h.write('0000000\0', 116)
  h.write(`${size.toString(8).padStart(11, '0')}\0`, 124)
  h.write(
    `${Math.floor(Date.now() / 1000)
      .toString(8)
      .padStart(11, '0')}\0`,
    136,
  )
  h.write('        ', 148)
  h.write('0', 156)
  h.write('ustar\0' + '00', 257)
  let sum = 0
  for (const b of h) sum += b
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148)
  return h
}

const entry = (path: string, data: Buffer) => [header(path, data.length), data, Buffer.alloc((BLOCK - (data.length % BLOCK)) % BLOCK)]

/** Writes the session of a data folder (its files and a manifest with their SHA-256) as one tar file. */
export function exportSession(dataDir: string, out: string): BundleManifest {
  const paths = sessionFiles(dataDir).sort()
  const contents = paths.map((p) => readFileSync(join(dataDir, p)))
  const manifest: BundleManifest = {
    format: 'otw-session/1',
    createdAt: new Date().toISOString(),
    files: paths.map((path, i) => ({ path, bytes: contents[i].length, sha256: sha256(contents[i]) })),
  }
  const parts = [...entry(MANIFEST, Buffer.from(JSON.stringify(manifest, null, 2))), ...paths.flatMap((p, i) => entry(p, contents[i])), Buffer.alloc(BLOCK * 2)]
  writeFileSync(out, Buffer.concat(parts))
  return manifest
}

function readTar(file: string): Map<string, Buffer> {
  const tar = readFileSync(file)
  const entries = new Map<string, Buffer>()
  for (let at = 0; at + BLOCK <= tar.length;) {
    const h = tar.subarray(at, at + BLOCK)
    if (h.every((b) => b === 0)) break
    const name = h.subarray(0, 100).toString('utf8').replace(/\0.*$/s, '')
    const size = parseInt(h.subarray(124, 136).toString('ascii').replace(/\0.*$/s, '').trim() || '0', 8)
    if (!Number.isFinite(size) || at + BLOCK + size > tar.length) throw new BundleError(`${file}: truncated or not a session bundle (entry ${name || at})`)
    entries.set(name, tar.subarray(at + BLOCK, at + BLOCK + size))
    at += BLOCK + Math.ceil(size / BLOCK) * BLOCK
  }
  return entries
}

/** The target path of a bundle entry, refused when it would land outside the target folder. */
export function containedPath(root: string, path: string): string {
  const target = resolve(root, path)
  const rel = relative(resolve(root), target)
  if (isAbsolute(path) || rel === '' || rel.startsWith('..') || isAbsolute(rel) || rel.split(sep).includes('..'))
    throw new BundleError(`bundle entry "${path}" points outside the target folder — the bundle is refused`)
  return target
}

/** Checks every file against the manifest, then writes them into an empty data folder marked as an imported session. */
export function importSession(file: string, dataDir: string): BundleManifest {
  const entries = readTar(file)
  const raw = entries.get(MANIFEST)
  if (!raw) throw new BundleError(`${file}: no ${MANIFEST} — not a session bundle`)
  const manifest = JSON.parse(raw.toString('utf8')) as BundleManifest
  if (manifest.format !== 'otw-session/1') throw new BundleError(`${file}: unknown bundle format "${String(manifest.format)}"`)
  for (const f of manifest.files) {
    containedPath(dataDir, f.path)
    const data = entries.get(f.path)
    if (!data) throw new BundleError(`${f.path}: listed in the manifest but missing from the bundle — the bundle is refused`)
    if (sha256(data) !== f.sha256) throw new BundleError(`${f.path}: SHA-256 does not match the manifest (altered or corrupt) — the bundle is refused`)
  }
  const unlisted = [...entries.keys()].filter((p) => p !== MANIFEST && !manifest.files.some((f) => f.path === p))
  if (unlisted.length > 0) throw new BundleError(`${unlisted[0]}: in the bundle but not in its manifest — the bundle is refused`)
  if (existsSync(dataDir) && readdirSync(dataDir).length > 0) throw new BundleError(`${dataDir} is not empty — import into a new folder`)
  for (const f of manifest.files) {
    const target = containedPath(dataDir, f.path)
    mkdirSync(dirname(target), { recursive: true })
    writeFileSync(target, entries.get(f.path)!)
  }
  writeFileSync(join(dataDir, SESSION_MARKER), JSON.stringify({ importedFrom: file, importedAt: new Date().toISOString(), readOnly: true, manifest }, null, 2))
  return manifest
}
