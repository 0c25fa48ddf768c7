// Paths read out of a file the user imports (a COCO file_name, a data.yaml entry, a class name used as a folder) must stay
// inside the folder they belong to, on every platform the dataset may travel to, before anything is read or written.
import { lstat, realpath } from 'node:fs/promises'
import path from 'node:path'
import { WorkbenchError } from '../../preload/contract'

/** Why an entry was refused; each names one thing a hostile or broken file can do. */
export type UnsafePathRule =
  | 'empty'
  | 'separator'
  | 'nul-byte'
  | 'absolute'
  | 'drive-letter'
  | 'unc'
  | 'device-namespace'
  | 'device-name'
  | 'colon'
  | 'trailing-dot-or-space'
  | 'climbs-out'
  | 'is-the-folder'
  | 'link-leaves-folder'
  | 'dangling-link'

/** What each rule means, as the end of a sentence that starts with the entry. */
export const UNSAFE_PATH_RULE_TEXT: Record<UnsafePathRule, string> = {
  empty: 'is empty',
  separator: 'contains "/" or "\\" where a single file or folder name belongs',
  'nul-byte': 'contains a NUL byte',
  absolute: 'is an absolute path',
  'drive-letter': 'names a Windows drive (C:\\ or C:name)',
  unc: 'is a network (UNC) path \\\\server\\share',
  'device-namespace': 'is a Windows device path (\\\\.\\ or \\\\?\\)',
  'device-name': 'uses a Windows device name (CON, PRN, AUX, NUL, COM1–9, LPT1–9)',
  colon: 'contains ":", which Windows reads as a drive or an alternate data stream',
  'trailing-dot-or-space': 'has a name ending in "." or " ", which Windows drops (".. " becomes "..")',
  'climbs-out': 'climbs out of the folder with ".."',
  'is-the-folder': 'names the folder itself, not an entry inside it',
  'link-leaves-folder': 'is (or goes through) a symbolic link that leads outside the folder',
  'dangling-link': 'is a symbolic link to nothing, which a write would follow wherever it points',
}

export interface UnsafePathDetails {
  /** The entry as written in the file. */
  entry: string
  rule: UnsafePathRule
  /** The folder the entry had to stay inside. */
  folder: string
  /** Where the entry was read from (file and field), when known. */
  source?: string
}

/** A refused entry: code INVALID_INPUT, the entry, the rule and the folder in `details`. */
export class UnsafePathError extends WorkbenchError {
  declare readonly details: UnsafePathDetails

  constructor(details: UnsafePathDetails) {
    super(
      'INVALID_INPUT',
      `${details.source ? `${details.source}: ` : ''}path "${printable(details.entry)}" ${UNSAFE_PATH_RULE_TEXT[details.rule]} — entries must be relative paths inside ${details.folder}; fix or remove that entry`,
      details,
    )
    this.name = 'UnsafePathError'
  }
}

/** Control characters (NUL above all) shown as escapes, so the message itself stays one readable line. */
function printable(entry: string): string {
  // eslint-disable-next-line no-control-regex
  return entry.replace(/[\u0000-\u001f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
}

const WINDOWS_DEVICE = /^(CON|PRN|AUX|NUL|COM[0-9¹²³]|LPT[0-9¹²³]|CONIN\$|CONOUT\$)$/i

/** The first rule `entry` breaks without looking at the disk, or undefined when it is a safe relative path. */
export function unsafePathRule(entry: string): UnsafePathRule | undefined {
  if (entry === '') return 'empty'
  if (entry.includes('\0')) return 'nul-byte'
  // Both separators count everywhere: a dataset written on Linux is opened on Windows, and the reverse.
  if (/^[\\/]{2}[.?][\\/]/.test(entry)) return 'device-namespace'
  if (/^[\\/]{2}/.test(entry)) return 'unc'
  if (/^[A-Za-z]:/.test(entry)) return 'drive-letter'
  if (/^[\\/]/.test(entry)) return 'absolute'
  let depth = 0
  for (const segment of entry.split(/[\\/]/)) {
    if (segment === '' || segment === '.') continue
    if (segment === '..') {
      if (--depth < 0) return 'climbs-out'
      continue
    }
    if (segment.includes(':')) return 'colon'
    if (/[. ]$/.test(segment)) return 'trailing-dot-or-space'
    // Windows opens the device for "NUL", "nul.txt" and "NUL .png" alike.
    if (WINDOWS_DEVICE.test(segment.split('.')[0].trimEnd())) return 'device-name'
    depth++
  }
  return depth === 0 ? 'is-the-folder' : undefined
}

/**
 * The entry as a normalised relative POSIX path (`a/b.png`), or UnsafePathError naming it and the rule it breaks. Pure: no
 * file system access, so it also serves for destinations that do not exist yet.
 */
export function containedRelativePath(entry: string, where: { folder: string; source?: string }): string {
  const rule = unsafePathRule(entry)
  if (rule) throw new UnsafePathError({ entry, rule, folder: where.folder, ...(where.source ? { source: where.source } : {}) })
  return path.posix.normalize(entry.replace(/\\/g, '/')).replace(/\/$/, '')
}

/** A single name (an image id that becomes `thumbs/<id>.jpg`, a class that becomes a folder): the same rules, no separators. */
export function containedFileName(name: string, where: { folder: string; source?: string }): string {
  const relative = containedRelativePath(name, where)
  if (/[\\/]/.test(name)) throw new UnsafePathError({ entry: name, rule: 'separator', folder: where.folder, ...(where.source ? { source: where.source } : {}) })
  return relative
}

/** `folder` joined with the checked entry; lexical only (see resolveContainedPath for links). */
export function containedPath(folder: string, entry: string, source?: string): string {
  return path.join(folder, containedRelativePath(entry, { folder, ...(source ? { source } : {}) }))
}

function isInside(root: string, candidate: string): boolean {
  const relative = path.relative(root, candidate)
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative))
}

const DANGLING = Symbol('dangling link')

/**
 * realpath of the deepest part of `target` that exists, with the rest appended (a file about to be created has none);
 * DANGLING when that part is a link to nothing.
 */
async function realpathOfExisting(target: string): Promise<string | typeof DANGLING> {
  const missing: string[] = []
  let current = target
  for (;;) {
    try {
      return path.join(await realpath(current), ...missing.reverse())
    } catch (error) {
      const parent = path.dirname(current)
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || parent === current) throw error
      if (
        await lstat(current).then(
          (s) => s.isSymbolicLink(),
          () => false,
        )
      )
        return DANGLING
      missing.push(path.basename(current))
      current = parent
    }
  }
}

/** A folder whose entries are resolved inside it; its own real path is looked up once, not per entry. */
export interface ContainedFolder {
  readonly folder: string
  /**
   * The absolute path of `entry` inside the folder, refused (UnsafePathError) when the entry breaks a lexical rule or when a
   * symbolic link on the way leads outside the folder (checked on the real paths of both).
   */
  resolve(entry: string, source?: string): Promise<string>
}

export async function containedFolder(folder: string): Promise<ContainedFolder> {
  const root = await realpath(folder)
  // Folders already found inside: a label file per image costs one lstat, not a realpath of its whole path.
  const insideFolders = new Map<string, Promise<string | typeof DANGLING>>()
  const realFolder = (dir: string) => {
    let real = insideFolders.get(dir)
    if (!real) {
      real = realpathOfExisting(dir)
      insideFolders.set(dir, real)
    }
    return real
  }
  return {
    folder,
    async resolve(entry, source) {
      const target = containedPath(folder, entry, source)
      const refuse = (rule: UnsafePathRule) => new UnsafePathError({ entry, rule, folder, ...(source ? { source } : {}) })
      const parent = await realFolder(path.dirname(target))
      if (parent === DANGLING) throw refuse('dangling-link')
      if (!isInside(root, parent)) throw refuse('link-leaves-folder')
      const own = await lstat(target).catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return undefined
        throw error
      })
      if (own?.isSymbolicLink()) {
        const real = await realpathOfExisting(target)
        if (real === DANGLING) throw refuse('dangling-link')
        if (!isInside(root, real)) throw refuse('link-leaves-folder')
      }
      return target
    },
  }
}

/** One entry resolved inside `folder` (see ContainedFolder.resolve). */
export async function resolveContainedPath(folder: string, entry: string, source?: string): Promise<string> {
  return (await containedFolder(folder)).resolve(entry, source)
}
