import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ReportExportEvent, ReportPreview } from '../../preload/contract'
import { createWorkbench, type Workbench } from '../workbench'
import { chromiumPdfRenderer } from './chromium-pdf'

const DAY = 86_400_000
const request = { site: 'Plant Süd', customer: 'ACME', consultant: 'R. C.', from: Date.now() - DAY, to: Date.now() }

describe('report.preview and report.export over the router (the path the UI takes)', () => {
  let dir: string
  let workbench: Workbench
  let printing: AbortSignal | undefined
  const call = async <T>(channel: string, input?: unknown): Promise<T> => {
    const reply = await workbench.router.call(channel, input)
    if (!reply.ok) throw Object.assign(new Error(reply.error.message), reply.error)
    return reply.output as T
  }
  const exportReport = (input: unknown) => {
    const events: ReportExportEvent[] = []
    let close = () => {}
    const ended = new Promise<unknown>((resolve) => {
      close = workbench.router.open('report.export', input, { emit: (e) => events.push(e as ReportExportEvent), end: resolve, congested: () => false })
    })
    return { events, ended, close }
  }

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'otw-report-handlers-'))
    // A PDF printer that waits for its signal when the site says so (to cancel), and the real Chromium otherwise.
    workbench = createWorkbench({
      dataDir: dir,
      host: 'browser',
      demoPlant: false,
      renderPdf: async (html, options) => {
        if (html.includes('Slow site')) {
          printing = options?.signal
          await new Promise((_, reject) => options?.signal?.addEventListener('abort', () => reject(new Error('aborted'))))
        }
        return chromiumPdfRenderer()(html, options)
      },
    })
  })
  afterAll(async () => {
    await workbench.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('previews the report with its prefilled recommendations', async () => {
    const preview = await call<ReportPreview>('report.preview', request)
    expect(preview.html).toContain('Plant Süd')
    expect(preview.html).toContain('<h2>6. Recommendations</h2>')
    expect(Array.isArray(preview.recommendations)).toBe(true)
  })

  it('refuses an empty site and a period that ends before it starts, saying which field', async () => {
    await expect(call('report.preview', { ...request, site: ' ' })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining('site is empty'),
    })
    await expect(call('report.preview', { ...request, to: request.from - 1 })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining('"from" must be before "to"'),
    })
  })

  it('exports the PDF with progress, writes it under exports/ and sends it for download', async () => {
    const run = exportReport({ request: { ...request, recommendations: ['Edited by hand.'] }, format: 'pdf' })
    expect(await run.ended).toBeUndefined()
    const done = run.events.at(-1)!
    expect(run.events.filter((e) => e.kind === 'progress').map((e) => e.done)).toEqual([0, 1, 2, 3])
    if (done.kind !== 'done') throw new Error('no done event')
    expect(done.fileName).toMatch(/^assessment-Plant-S-d-\d{4}-\d\d-\d\d\.pdf$/)
    expect(existsSync(done.file)).toBe(true)
    expect(Buffer.from(done.base64, 'base64').subarray(0, 5).toString()).toBe('%PDF-')
  }, 60_000)

  it('closing the stream cancels the PDF printing', async () => {
    const run = exportReport({ request: { ...request, site: 'Slow site' }, format: 'pdf' })
    await expect.poll(() => printing).toBeDefined()
    run.close()
    expect(printing!.aborted).toBe(true)
    expect(await run.ended).toMatchObject({ code: 'CANCELLED' })
  }, 60_000)
})
