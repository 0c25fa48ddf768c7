import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { WorkbenchErrorShape } from '../../../preload/contract'
import { toWorkbenchError } from '../../ipc/to-workbench-error'
import { visionHandlers } from './dataset-handlers'
import { VisionService } from './dataset-service'

/** A stream sink as the session gives one: events in order, then one end (error or not). */
function recordingSink<E>(onEvent: (event: E) => void = () => undefined) {
  const events: E[] = []
  let finish: (error: WorkbenchErrorShape | undefined) => void = () => undefined
  const ended = new Promise<WorkbenchErrorShape | undefined>((resolve) => (finish = resolve))
  return {
    events,
    ended,
    sink: {
      emit: (event: E) => {
        events.push(event)
        onEvent(event)
      },
      end: (error?: unknown) => finish(error === undefined ? undefined : toWorkbenchError(error)),
      congested: () => false,
    },
  }
}

describe('vision handlers: cancelling a job by id', () => {
  const dirs: string[] = []
  const open = () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'otw-vision-jobs-'))
    dirs.push(dataDir)
    const service = new VisionService({ dataDir })
    return { dataDir, service, handlers: visionHandlers(service) }
  }
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
  })

  it('cancels an export mid-way: the stream ends CANCELLED after the staged files are gone, then the same export runs to the end', async () => {
    const { dataDir, service, handlers } = open()
    const { id } = await service.createDataset('jobs')
    await service.addDemoImages(id, 12, true)
    const out = path.join(dataDir, 'out', 'coco')
    let answer: Promise<{ cancelled: boolean }> | undefined
    const run = recordingSink<{ kind: string }>((event) => {
      if (event.kind === 'progress' && !answer) answer = Promise.resolve(handlers['vision.cancelJob']({ jobId: 'job-export-1' }))
    })
    handlers['vision.exportAs']({ datasetId: id, format: 'coco', dir: out, jobId: 'job-export-1' }, run.sink)
    const error = await run.ended
    expect(await answer).toEqual({ cancelled: true })
    expect(error?.code).toBe('CANCELLED')
    expect(error?.message).toMatch(/Export cancelled — nothing was written/)
    expect(run.events.some((e) => e.kind === 'done')).toBe(false)
    // Neither the folder, nor its staging sibling, nor the parent the export had to create is left.
    expect(existsSync(path.join(dataDir, 'out'))).toBe(false)

    const again = recordingSink<{ kind: string; images?: number }>()
    handlers['vision.exportAs']({ datasetId: id, format: 'coco', dir: out, jobId: 'job-export-2' }, again.sink)
    expect(await again.ended).toBeUndefined()
    expect(again.events.at(-1)).toMatchObject({ kind: 'done', images: 12 })
    expect(readdirSync(out)).toEqual(expect.arrayContaining(['annotations.json', 'images']))
    // The job is over: cancelling it now says so and changes nothing.
    expect(handlers['vision.cancelJob']({ jobId: 'job-export-2' })).toEqual({ cancelled: false })
    expect(readdirSync(path.join(out, 'images'))).toHaveLength(12)
    await service.close()
  })

  it('cancels an import: no dataset, no staging folder; a cancelled quick YOLO export leaves nothing among the exports', async () => {
    const { dataDir, service, handlers } = open()
    const { id } = await service.createDataset('source')
    await service.addDemoImages(id, 12, true)
    const folder = path.join(dataDir, 'yolo')
    await service.exportAs(id, 'yolo', { dir: folder })

    let cancelled = false
    const run = recordingSink<{ kind: string }>((event) => {
      if (event.kind === 'progress' && !cancelled) cancelled = handlers['vision.cancelJob']({ jobId: 'job-import-1' }).cancelled
    })
    handlers['vision.import']({ format: 'yolo', dir: folder, name: 'Half imported', jobId: 'job-import-1' }, run.sink)
    expect((await run.ended)?.code).toBe('CANCELLED')
    expect(cancelled).toBe(true)
    expect(readdirSync(path.join(dataDir, 'vision', 'datasets'))).toEqual(['source'])

    let yoloCancelled = false
    const yolo = recordingSink<{ kind: string }>((event) => {
      if (event.kind === 'progress' && !yoloCancelled) yoloCancelled = handlers['vision.cancelJob']({ jobId: 'job-yolo-1' }).cancelled
    })
    handlers['vision.exportYolo']({ datasetId: id, jobId: 'job-yolo-1' }, yolo.sink)
    expect((await yolo.ended)?.code).toBe('CANCELLED')
    expect(existsSync(path.join(dataDir, 'vision', 'exports')) ? readdirSync(path.join(dataDir, 'vision', 'exports')) : []).toEqual([])
    expect(handlers['vision.cancelJob']({ jobId: 'job-never-started' })).toEqual({ cancelled: false })
    await service.close()
  })
})
