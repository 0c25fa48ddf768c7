// The model registry as the app sees it: imported ONNX models (checked, versioned, with their signature), the inference
// settings, and running a registered model over images on the inference worker.
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import path from 'node:path'
import * as ort from 'onnxruntime-node'
import {
  WorkbenchError,
  type VisionInferenceSettings,
  type VisionModel,
  type VisionModelKind,
  type VisionModelRef,
  type VisionModelSource,
  type VisionTensorInfo,
} from '../../../preload/contract'
import type { InferenceWorker } from '../inference/inference-pool'
import { DEFAULT_INFERENCE_SETTINGS } from '../inference/inference-runner'
import { describeOnnxModel, ModelImportError } from './model-description'
import { errorText, type LongTask } from './model-ports'
import { createModelRegistry, type ModelRegistry, type RegisteredModel } from './model-registry'
import { readModelMetadata } from './onnx-graph'
import { checkFile, readCheckedFile } from '../../files/checked-file'

export class ModelRegistryService {
  private readonly root: string
  private readonly registry: ModelRegistry
  private settingsCache: VisionInferenceSettings | undefined

  constructor(
    private readonly options: {
      /** <dataDir>/vision */
      root: string
      worker: InferenceWorker
      platform: NodeJS.Platform
      /** Called before a model's files go (live inspection stops using it). */
      beforeDelete: (name: string, version?: number) => void
    },
  ) {
    this.root = options.root
    this.registry = createModelRegistry(path.join(this.root, 'models'))
  }

  async list(): Promise<{ models: VisionModel[]; settings: VisionInferenceSettings; providers: ('cpu' | 'dml')[] }> {
    const models = await Promise.all((await this.registry.list()).map((m) => this.toContract(m)))
    return { models, settings: await this.settings(), providers: this.providers() }
  }

  private providers(): ('cpu' | 'dml')[] {
    return this.options.platform === 'win32' ? ['cpu', 'dml'] : ['cpu']
  }

  /** Paths are used as they are; dropped bytes are written under vision/uploads first. */
  private async resolveSource(source: VisionModelSource): Promise<{ file: string; fileName: string }> {
    if ('path' in source) {
      const file = path.resolve(source.path)
      await checkFile(file, 'model')
      return { file, fileName: path.basename(file) }
    }
    const fileName = path.basename(source.upload.fileName).replace(/[^A-Za-z0-9._-]+/g, '_') || 'model.onnx'
    const dir = path.join(this.root, 'uploads')
    await mkdir(dir, { recursive: true })
    const file = path.join(dir, fileName)
    await writeFile(file, Buffer.from(source.upload.base64, 'base64'))
    return { file, fileName }
  }

  async inspect(source: VisionModelSource): Promise<{
    fileName: string
    inputs: VisionTensorInfo[]
    outputs: VisionTensorInfo[]
    detectedKind: VisionModelKind | null
    problem: string | null
    classNames: string[]
    metadata: Record<string, string>
  }> {
    const { file, fileName } = await this.resolveSource(source)
    const bytes = await readCheckedFile(file, 'model')
    let session: ort.InferenceSession
    let metadata: Record<string, string>
    try {
      metadata = readModelMetadata(bytes).metadata
      session = await ort.InferenceSession.create(bytes)
    } catch (error) {
      throw new WorkbenchError(
        'INVALID_INPUT',
        `Model ${fileName}: not a usable ONNX model (${errorText(error).split('\n')[0]}) — export the model to ONNX (e.g. "yolo export format=onnx") and import the .onnx file`,
      )
    }
    const io = signatureOf(session)
    await session.release()
    let detectedKind: VisionModelKind | null = null
    let problem: string | null = null
    let classNames: string[] = []
    try {
      const described = await describeOnnxModel(bytes, fileName)
      await described.session.release()
      detectedKind = described.description.kind
      classNames = described.description.classNames
    } catch (error) {
      problem = errorText(error)
    }
    return { fileName, ...io, detectedKind, problem, classNames, metadata }
  }

  async importModel(input: { source: VisionModelSource; name?: string; kind?: VisionModelKind; namesFile?: string }): Promise<VisionModel> {
    const { file, fileName } = await this.resolveSource(input.source)
    const name =
      input.name ??
      (fileName
        .replace(/\.onnx$/i, '')
        .replace(/[^A-Za-z0-9._-]+/g, '-')
        .replace(/^[^A-Za-z0-9]+/, '')
        .slice(0, 64) ||
        'model')
    try {
      const model = await this.registry.importModel(file, { name, kind: input.kind, namesFile: input.namesFile })
      const session = await ort.InferenceSession.create(model.file)
      await writeFile(path.join(path.dirname(model.file), 'signature.json'), JSON.stringify(signatureOf(session), null, 1))
      await session.release()
      return await this.toContract(model)
    } catch (error) {
      if (error instanceof WorkbenchError) throw error
      if (error instanceof ModelImportError || /names file/i.test(errorText(error))) throw new WorkbenchError('INVALID_INPUT', errorText(error))
      throw error
    }
  }

  async deleteModel(name: string, version?: number): Promise<{ deleted: number }> {
    const versions = (await this.registry.list()).filter((m) => m.name === name && (version === undefined || m.version === version))
    if (versions.length === 0)
      throw new WorkbenchError('NOT_FOUND', `Model "${name}"${version ? ` version ${version}` : ''} is not in the registry — refresh the model list`)
    this.options.beforeDelete(name, version)
    for (const model of versions) {
      this.options.worker.release(model.file)
      await rm(path.dirname(model.file), { recursive: true, force: true })
    }
    if (version === undefined) await rm(path.join(this.root, 'models', name), { recursive: true, force: true })
    return { deleted: versions.length }
  }

  async model(ref: VisionModelRef): Promise<RegisteredModel> {
    try {
      return await this.registry.get(ref.name, ref.version)
    } catch (error) {
      throw new WorkbenchError('NOT_FOUND', errorText(error))
    }
  }

  private async toContract(model: RegisteredModel): Promise<VisionModel> {
    const dir = path.dirname(model.file)
    const signature = await readFile(path.join(dir, 'signature.json'), 'utf8')
      .then((t) => JSON.parse(t) as { inputs: VisionTensorInfo[]; outputs: VisionTensorInfo[] })
      .catch(() => ({
        inputs: [{ name: model.inputName, type: 'float32', shape: model.inputShape }],
        outputs: model.outputNames.map((name, i) => ({ name, type: 'float32', shape: model.outputShapes[i] ?? [] })),
      }))
    const size = await stat(model.file).then(
      (s) => s.size,
      () => 0,
    )
    return {
      name: model.name,
      version: model.version,
      kind: model.kind,
      ...signature,
      inputSize: model.inputSize,
      classNames: model.classNames,
      metadata: model.metadata,
      importedAt: model.importedAt,
      sourceFile: model.sourceFile,
      sha256: model.sha256,
      sizeBytes: size,
    }
  }

  // ---------- settings ----------

  async settings(): Promise<VisionInferenceSettings> {
    if (this.settingsCache) return this.settingsCache
    const stored = await readFile(path.join(this.root, 'model-settings.json'), 'utf8')
      .then((t) => JSON.parse(t) as Partial<VisionInferenceSettings>)
      .catch(() => ({}))
    this.settingsCache = { ...DEFAULT_INFERENCE_SETTINGS, ...stored }
    return this.settingsCache
  }

  async saveSettings(settings: VisionInferenceSettings): Promise<VisionInferenceSettings> {
    if (!this.providers().includes(settings.executionProvider))
      throw new WorkbenchError(
        'INVALID_INPUT',
        `Execution provider ${settings.executionProvider.toUpperCase()} is not available on ${this.options.platform} — DirectML needs Windows; use CPU`,
      )
    await mkdir(this.root, { recursive: true })
    await writeFile(path.join(this.root, 'model-settings.json'), JSON.stringify(settings, null, 1))
    this.settingsCache = { ...settings }
    return this.settingsCache
  }

  async infer(
    model: RegisteredModel,
    items: { id: string; file?: string; raw?: { width: number; height: number; data: Uint8Array } }[],
    task: LongTask,
    overrides: Partial<VisionInferenceSettings> = {},
  ) {
    const settings = { ...(await this.settings()), ...overrides }
    return this.options.worker.run({ modelFile: model.file, description: model, items, settings }, { signal: task.signal, onProgress: task.onProgress })
  }
}

function signatureOf(session: ort.InferenceSession): { inputs: VisionTensorInfo[]; outputs: VisionTensorInfo[] } {
  const info = (m: ort.InferenceSession.ValueMetadata): VisionTensorInfo =>
    m.isTensor ? { name: m.name, type: m.type, shape: [...m.shape] } : { name: m.name, type: 'non-tensor', shape: [] }
  return { inputs: session.inputMetadata.map(info), outputs: session.outputMetadata.map(info) }
}
