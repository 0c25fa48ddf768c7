// Inspect live: demo-camera frames through a model, each verdict published as tags (result, score, class, counters) that
// the Tags view, Trends and OEE (as a reject counter) use like any other. Tag ids and their place in the tree come from
// configuration (the line the camera watches), not from literals.
import { WorkbenchError, type TagInfo, type TagValue, type VisionLiveInspection, type VisionModelRef } from '../../../preload/contract'
import { createDemoCamera } from '../demo-camera'
import type { ItemResult, Prediction } from '../inference/inference-runner'
import type { RegisteredModel } from './model-registry'

/** Where the inspection tags live: `<idPrefix>.Result` etc., shown under `path` in the tag tree. */
export interface InspectionTagConfig {
  idPrefix: string
  path: readonly string[]
}

/** The demo plant's packaging line: the camera watches Line1 after the Labeler. */
export const DEMO_INSPECTION_TAGS: InspectionTagConfig = { idPrefix: 'Line1.Inspection', path: ['Acme', 'Plant1', 'Packaging', 'Line1', 'Inspection'] }

const TAG_FIELDS = [
  ['result', 'Result', 'string', undefined, 'Last inspected part: pass or fail'],
  ['score', 'Score', 'float64', undefined, "Model score of the last inspected part (anomaly score or the top detection's confidence)"],
  ['className', 'Class', 'string', undefined, 'Class of the worst finding on the last part (good when it passed)'],
  ['rejectCount', 'RejectCount', 'uint32', 'parts', 'Parts failed since Inspect live was switched on (usable as an OEE reject counter)'],
  ['inspectedCount', 'InspectedCount', 'uint32', 'parts', 'Parts inspected since Inspect live was switched on'],
] as const

export type InspectionTagIds = Record<(typeof TAG_FIELDS)[number][0], string>

export function inspectionTagIds(config: InspectionTagConfig): InspectionTagIds {
  return Object.fromEntries(TAG_FIELDS.map(([key, name]) => [key, `${config.idPrefix}.${name}`])) as InspectionTagIds
}

/** The inspection results as tags of the tag model. */
export function inspectionTagInfo(config: InspectionTagConfig): TagInfo[] {
  const ids = inspectionTagIds(config)
  const leaf = config.path.at(-1) ?? 'Inspection'
  return TAG_FIELDS.map(([key, name, dataType, unit, description]) => ({
    id: ids[key],
    name: `${leaf}.${name}`,
    path: [...config.path],
    connectionId: 'vision',
    address: ids[key],
    dataType,
    ...(unit ? { unit } : {}),
    access: 'read' as const,
    description,
  }))
}

/** Pass/fail of one inspected part: any box at the threshold, a class other than good, or an anomaly score over its threshold fails it. */
export function inspectionVerdict(p: Prediction, confidenceThreshold: number): { result: 'pass' | 'fail'; className: string; score: number } {
  if (p.kind === 'yolo-detector') {
    const top = p.boxes.filter((b) => b.confidence >= confidenceThreshold).sort((a, b) => b.confidence - a.confidence)[0]
    return top ? { result: 'fail', className: top.className, score: top.confidence } : { result: 'pass', className: 'good', score: 0 }
  }
  if (p.kind === 'classifier') {
    const good = /^(good|ok|pass|normal)$/i.test(p.className)
    return { result: good ? 'pass' : 'fail', className: p.className, score: p.confidence }
  }
  return { result: p.anomalous ? 'fail' : 'pass', className: p.anomalous ? 'anomaly' : 'good', score: p.score }
}

/** What the live loop needs from the models service. */
export interface LiveInspectionDeps {
  tags: InspectionTagConfig
  model(ref: VisionModelRef): Promise<RegisteredModel>
  inferFrame(model: RegisteredModel, id: string, raw: { width: number; height: number; data: Uint8Array }): Promise<ItemResult>
  confidenceThreshold(): Promise<number>
  publish(values: TagValue[]): void
}

const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error))

export class LiveInspection {
  private listed = false
  private live: (VisionLiveInspection & { timer?: NodeJS.Timeout; busy: boolean }) | undefined
  private readonly ids: InspectionTagIds

  constructor(private readonly deps: LiveInspectionDeps) {
    this.ids = inspectionTagIds(deps.tags)
  }

  status(): VisionLiveInspection {
    const {
      timer: _timer,
      busy: _busy,
      ...status
    } = this.live ?? {
      running: false,
      model: null,
      intervalMs: 1000,
      inspected: 0,
      rejects: 0,
      last: null,
      error: null,
      tags: Object.values(this.ids),
      busy: false,
    }
    return { ...status }
  }

  /** The inspection result tags, listed from the first time Inspect live runs (they have values from then on). */
  tags(): readonly TagInfo[] {
    return this.listed ? inspectionTagInfo(this.deps.tags) : []
  }

  async set(input: { enabled: boolean; model?: VisionModelRef; intervalMs?: number }): Promise<VisionLiveInspection> {
    if (!input.enabled) {
      this.stop()
      return this.status()
    }
    if (!input.model) throw new WorkbenchError('INVALID_INPUT', 'Choose a model to inspect live with')
    const model = await this.deps.model(input.model)
    this.stop()
    this.listed = true
    const camera = createDemoCamera({ seed: 11, defectRate: 0.25 })
    const previous = this.live
    const state: VisionLiveInspection & { timer?: NodeJS.Timeout; busy: boolean } = {
      running: true,
      model: { name: model.name, version: model.version },
      intervalMs: input.intervalMs ?? 1000,
      // Counters carry on across restarts of the loop, as a PLC reject counter would.
      inspected: previous?.inspected ?? 0,
      rejects: previous?.rejects ?? 0,
      last: null,
      error: null,
      tags: Object.values(this.ids),
      busy: false,
    }
    this.live = state
    let frame = previous?.last?.frame ?? 0
    const ids = this.ids
    const tick = async (): Promise<void> => {
      if (state.busy || this.live !== state) return
      state.busy = true
      try {
        frame++
        const shot = await camera.capture(frame)
        const result = await this.deps.inferFrame(model, `frame-${frame}`, shot.image)
        if (this.live !== state) return
        if (!result.prediction) throw new Error(result.error ?? 'no prediction')
        const verdict = inspectionVerdict(result.prediction, await this.deps.confidenceThreshold())
        state.inspected++
        if (verdict.result === 'fail') state.rejects++
        const now = Date.now()
        state.last = { ...verdict, at: now, frame }
        state.error = null
        const value = (tagId: string, v: number | string): TagValue => ({ tagId, value: v, quality: { status: 'good' }, sourceTime: now, receiveTime: now })
        this.deps.publish([
          value(ids.result, verdict.result),
          value(ids.score, verdict.score),
          value(ids.className, verdict.className),
          value(ids.rejectCount, state.rejects),
          value(ids.inspectedCount, state.inspected),
        ])
      } catch (error) {
        state.error = `Live inspection with ${model.name} v${model.version}: ${errorText(error)}`
      } finally {
        state.busy = false
      }
    }
    state.timer = setInterval(() => void tick(), state.intervalMs)
    state.timer.unref?.()
    void tick()
    return this.status()
  }

  /** Stops the loop when it runs the given model (all its versions when none is named): the model is being deleted. */
  stopIfUsing(name: string, version?: number): void {
    const m = this.live?.running ? this.live.model : null
    if (m && m.name === name && (version === undefined || m.version === version)) this.stop()
  }

  stop(): void {
    if (!this.live) return
    clearInterval(this.live.timer)
    this.live = { ...this.live, running: false, timer: undefined }
  }
}
