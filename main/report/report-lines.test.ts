import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openHistorian, type Historian } from '../historian'
import { OeeConfigSchema } from '../oee'
import { syntheticMachineConfig, syntheticMachineHistory } from '../oee/synthetic-machine-history'
import { OeeService } from '../oee/service/oee-service'
import { ReportService } from './report-service'

const DAY = 86_400_000
const FROM = Date.parse('2024-05-06T00:00:00Z')

const machine = (id: string, name: string) => syntheticMachineConfig(id, 1.2, name)
const config = OeeConfigSchema.parse({
  calendar: { timeZone: 'Europe/Berlin', shifts: [{ name: 'early', start: '06:00', end: '14:00' }] },
  lines: [
    { id: 'pl1', name: 'Packaging Line 1', machines: [machine('M1', 'Filler'), machine('M2', 'Capper')] },
    { id: 'pl2', name: 'Packaging Line 2', machines: [machine('M3', 'Wrapper')] },
  ],
})

describe('assessment report over several lines', () => {
  let dir: string
  let historian: Historian
  let oee: OeeService
  let service: ReportService
  const request = { meta: { site: 'Plant Nord', customer: 'ACME Foods', consultant: 'R. Consultant' }, from: FROM, to: FROM + 2 * DAY }

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'otw-report-lines-'))
    mkdirSync(join(dir, 'historian'))
    historian = openHistorian({ file: join(dir, 'historian', 'default.otwh'), flushIntervalMs: 0, retentionIntervalMs: 0 })
    for (const [index, id] of ['M1', 'M2', 'M3'].entries()) {
      const series = syntheticMachineHistory({ machine: id, from: FROM, days: 2, seed: 21 + index, idealCycleS: 1.2 })
      for (const [tag, samples] of Object.entries(series)) for (const s of samples) historian.append(tag, s.t, s.v)
    }
    historian.flush()
    oee = new OeeService({ dataDir: dir, historian, config, now: () => FROM + 10 * DAY })
    service = new ReportService({ dataDir: dir, oee, connections: { list: () => [] }, audit: { list: () => [] }, now: () => FROM + 10 * DAY })
  }, 120_000)
  afterAll(async () => {
    await oee.close()
    historian.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it("has every configured line with the OEE service's own figures per line and machine, and the site", async () => {
    const one = await oee.report({ from: request.from, to: request.to, by: 'shift', line: 'pl1' })
    const two = await oee.report({ from: request.from, to: request.to, by: 'shift', line: 'pl2' })
    const model = await service.model(request)
    expect(model.input.lines!.map((l) => l.oee.line)).toEqual(['Packaging Line 1', 'Packaging Line 2'])
    expect(model.input.lines![0].oee.summary).toEqual(one.summary)
    expect(model.input.lines![1].oee.summary).toEqual(two.summary)
    expect(model.input.lines![1].pareto).toEqual(oee.pareto({ from: two.from, to: two.to, line: 'pl2' }))
    expect(model.completeness.map((c) => c.machine)).toEqual(['M1', 'M2', 'M3'])
    expect(model.findings[0]).toMatch(/is the bottleneck of Packaging Line \d, the line losing the most at its bottleneck/)

    const html = await service.html(request)
    expect(html).toContain('<b>Lines:</b> Packaging Line 1, Packaging Line 2')
    for (const [id, r] of [
      ['pl1', one],
      ['pl2', two],
    ] as const) {
      expect(html).toContain(`data-figure="line:${id}.oee" data-value="${r.summary.line.oee}"`)
      expect(html).toContain(`<h3>${r.line}</h3>`)
      expect(html).toContain(`Downtime Pareto with level-2 reasons — ${r.line} —`)
      expect(html).toContain(`State timeline — ${r.line} —`)
      for (const m of r.summary.machines) expect(html).toContain(`data-figure="${m.machine}.oee" data-value="${m.oee}"`)
    }
    // The site row: the same figure the OEE service gives for the site.
    expect(one.site.oee).not.toBeNull()
    expect(html).toContain(`data-figure="site.oee" data-value="${one.site.oee}"`)
  }, 60_000)

  it('covers the lines picked by name, and machines picked on several lines', async () => {
    const model = await service.model({ ...request, lines: ['Packaging Line 2'] })
    expect(model.input.lines!.map((l) => l.oee.line)).toEqual(['Packaging Line 2'])
    const html = await service.html({ ...request, lines: ['Packaging Line 2'] })
    expect(html).toContain('<b>Line:</b> Packaging Line 2')
    expect(html).not.toContain('data-figure="M1.oee"')
    expect(html).not.toContain('data-figure="site.oee"')

    const mixed = await service.model({ ...request, machines: ['M2', 'M3'] })
    expect(mixed.input.lines!.map((l) => [l.oee.line, l.oee.summary.machines.map((m) => m.machine)])).toEqual([
      ['Packaging Line 1', ['M2']],
      ['Packaging Line 2', ['M3']],
    ])
    expect(mixed.input.scope!.leftOut).toEqual(['Filler'])
    await expect(service.model({ ...request, lines: ['Line 9'] })).rejects.toThrow(
      'No line "Line 9" — this workstation\'s OEE settings have "Packaging Line 1", "Packaging Line 2"',
    )
  }, 60_000)
})
