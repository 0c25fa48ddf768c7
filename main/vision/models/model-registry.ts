// Imported models, stored as <root>/<name>/<version>/model.onnx + model.json; importing changed bytes under the same name adds a version.
import { createHash } from 'node:crypto'
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import * as ort from 'onnxruntime-node'
import YAML from 'yaml'
import { readCheckedFile, readCheckedText } from '../../files/checked-file'
import { describeOnnxModel, type DescribeOptions, type ModelDescription, ModelImportError, parseUltralyticsNames } from './model-description'

export interface RegisteredModel extends ModelDescription {
  name: string
  version: number
  /** Absolute path of the stored copy. */
  file: string
  sourceFile: string
  sha256: string
  importedAt: string
}

export interface ImportModelOptions extends DescribeOptions {
  /** Default: the file name without extension. */
  name?: string
  /** Class names, one per line, or a YOLO data.yaml / JSON list. */
  namesFile?: string
}

export interface ModelRegistry {
  importModel(file: string, options?: ImportModelOptions): Promise<RegisteredModel>
  list(): Promise<RegisteredModel[]>
  /** Latest version unless one is named. */
  get(name: string, version?: number): Promise<RegisteredModel>
  openSession(model: RegisteredModel, options?: ort.InferenceSession.SessionOptions): Promise<ort.InferenceSession>
}

/** Names from a text file (one per line), a YOLO data.yaml (`names:`) or a JSON list. */
export async function readNamesFile(file: string): Promise<string[]> {
  const text = await readCheckedText(file, 'namesFile')
  if (/\.ya?ml$/i.test(file)) {
    const names = (YAML.parse(text) as { names?: unknown } | null)?.names
    if (Array.isArray(names)) return names.map(String)
    if (names && typeof names === 'object')
      return Object.entries(names)
        .sort((a, b) => Number(a[0]) - Number(b[0]))
        .map(([, v]) => String(v))
    throw new Error(`Names file ${file}: no "names" list or map — add one as in a YOLO data.yaml`)
  }
  if (/\.json$/i.test(file) || text.trim().startsWith('{') || text.trim().startsWith('[')) {
    const parsed = parseUltralyticsNames(text)
    if (parsed) return parsed
  }
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean)
}

const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/

export function createModelRegistry(root: string): ModelRegistry {
  const versionsOf = async (name: string): Promise<number[]> => {
    const entries = await readdir(path.join(root, name), { withFileTypes: true }).catch(() => [])
    return entries
      .filter((e) => e.isDirectory() && /^\d+$/.test(e.name))
      .map((e) => Number(e.name))
      .sort((a, b) => a - b)
  }
  const load = async (name: string, version: number): Promise<RegisteredModel> =>
    JSON.parse(await readFile(path.join(root, name, String(version), 'model.json'), 'utf8')) as RegisteredModel

  const registry: ModelRegistry = {
    async importModel(file, options = {}) {
      const name = options.name ?? path.basename(file).replace(/\.onnx$/i, '')
      if (!SAFE_NAME.test(name)) throw new ModelImportError(file, `name "${name}" must be letters, digits, ".", "_" or "-" (max 64) — pick another name`)
      const bytes = await readCheckedFile(file, 'model')
      const classNames = options.namesFile ? await readNamesFile(options.namesFile) : options.classNames
      const { description, session } = await describeOnnxModel(bytes, file, { ...options, classNames })
      await session.release()
      const sha256 = createHash('sha256').update(bytes).digest('hex')
      const versions = await versionsOf(name)
      if (versions.length > 0) {
        const latest = await load(name, versions.at(-1)!)
        if (latest.sha256 === sha256 && JSON.stringify(latest.classNames) === JSON.stringify(description.classNames)) return latest
      }
      const version = (versions.at(-1) ?? 0) + 1
      const dir = path.join(root, name, String(version))
      await mkdir(dir, { recursive: true })
      const stored: RegisteredModel = {
        ...description,
        name,
        version,
        file: path.resolve(dir, 'model.onnx'),
        sourceFile: path.resolve(file),
        sha256,
        importedAt: new Date().toISOString(),
      }
      await writeFile(stored.file, bytes)
      await writeFile(path.join(dir, 'model.json'), JSON.stringify(stored, null, 2) + '\n')
      return stored
    },
    async list() {
      const names = await readdir(root, { withFileTypes: true }).catch(() => [])
      const out: RegisteredModel[] = []
      for (const entry of names.filter((e) => e.isDirectory()).sort((a, b) => a.name.localeCompare(b.name)))
        for (const version of await versionsOf(entry.name)) out.push(await load(entry.name, version))
      return out
    },
    async get(name, version) {
      const versions = await versionsOf(name)
      const wanted = version ?? versions.at(-1)
      if (wanted === undefined || !versions.includes(wanted))
        throw new Error(
          `Model "${name}"${version !== undefined ? ` version ${version}` : ''} is not in the registry at ${root} — import it first (known versions: ${versions.join(', ') || 'none'})`,
        )
      return load(name, wanted)
    },
    async openSession(model, options) {
      return ort.InferenceSession.create(model.file, options)
    },
  }
  return registry
}
