import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AuditEntry, ConnectionDetail, OeeReport } from '../../preload/contract'
import { openHistorian, type Historian } from '../historian'
import { OeeConfigSchema } from '../oee'
import { syntheticMachineConfig, syntheticMachineHistory } from '../oee/synthetic-machine-history'
import { OeeService } from '../oee/service/oee-service'
import { chromiumPdfRenderer, PdfError } from './chromium-pdf'
import { minutes } from './report-model'
import { hashFile, ReportService } from './report-service'

const DAY = 86_400_000
const FROM = Date.parse('2024-05-06T00:00:00Z')
const DAYS = 3
// M2 records nothing for two hours on the second day (a switched-off gateway).
const GAP = { from: FROM + DAY + 8 * 3_600_000, to: FROM + DAY + 10 * 3_600_000 }

const machine = (id: string, name: string) => syntheticMachineConfig(id, 1.2, name)
const config = OeeConfigSchema.parse({
  calendar: {
    timeZone: 'Europe/Berlin',
    shifts: [
      { name: 'early', start: '06:00', end: '14:00' },
      { name: 'late', start: '14:00', end: '22:00' },
    ],
    breaks: [{ start: '10:00', durationMin: 30 }],
  },
  line: { name: 'Packaging line', machines: [machine('M1', 'Filler'), machine('M2', 'Capper')] },
})

const detail = (id: string, kind: ConnectionDetail['kind'], cfg: Record<string, unknown>, tags: string[]): ConnectionDetail => ({
  id,
  kind,
  config: { name: id, ...cfg },
  hasSecrets: false,
  status: {
    id,
    name: id,
    protocol: kind === 'opcua' || kind === 'mqtt' ? kind : 'modbus',
    endpoint: '',
    state: 'connected',
    since: FROM,
    counters: { messages: 0, errors: 0, reconnects: 0 },
  },
  tags: tags.map((t) => ({ id: t, name: t, path: [], connectionId: id, address: t, dataType: 'uint16', access: 'read' })),
  armedUntil: null,
})

describe('assessment report from a seeded three-day recording', () => {
  let dir: string
  let historian: Historian
  let oee: OeeService
  let service: ReportService
  const connections = [
    detail('line-opc', 'opcua', { endpointUrl: 'opc.tcp://127.0.0.1:4840', securityPolicy: 'None', securityMode: 'None', identity: { kind: 'anonymous' } }, [
      'M1.State',
      'M1.Total',
      'M1.Reject',
    ]),
    detail('capper-mb', 'modbus-tcp', { host: '127.0.0.1', port: 5020, unitId: 1 }, ['M2.State', 'M2.Total', 'M2.Reject']),
    detail('edge-mqtt', 'mqtt', { url: 'mqtt://127.0.0.1:1883' }, []),
  ]
  const audit: AuditEntry[] = [
    {
      id: 1,
      time: FROM + DAY,
      user: 'consultant',
      connectionId: 'capper-mb',
      connectionName: 'capper-mb',
      tagId: 'M2.State',
      address: 'unit 1 hr:4 (40005)',
      oldValue: '1',
      newValue: '2',
      result: 'ok',
      message: 'written',
    },
  ]

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'otw-report-'))
    mkdirSync(join(dir, 'historian'))
    historian = openHistorian({ file: join(dir, 'historian', 'default.otwh'), flushIntervalMs: 0, retentionIntervalMs: 0 })
    for (const [index, id] of ['M1', 'M2'].entries()) {
      const series = syntheticMachineHistory({ machine: id, from: FROM, days: DAYS, seed: 11 + index, idealCycleS: 1.2 })
      for (const [tag, samples] of Object.entries(series))
        for (const s of samples) {
          const inGap = id === 'M2' && s.t >= GAP.from && s.t < GAP.to
          // A NaN sample marks the start of the gap, as the recorder does when a connection drops.
          if (!inGap || s.t === GAP.from) historian.append(tag, s.t, inGap ? NaN : s.v)
        }
    }
    historian.flush()
    oee = new OeeService({ dataDir: dir, historian, config, now: () => FROM + 10 * DAY })
    service = new ReportService({ dataDir: dir, oee, connections: { list: () => connections }, audit: { list: () => audit }, now: () => FROM + 10 * DAY })
  }, 120_000)
  afterAll(async () => {
    await oee.close()
    historian.close()
    rmSync(dir, { recursive: true, force: true })
  })

  const request = {
    meta: { site: 'Plant Nord', customer: 'ACME Foods', consultant: 'R. Consultant' },
    from: FROM,
    to: FROM + DAYS * DAY,
    lossValue: { currency: 'EUR', perHour: 1200 },
  }

  it("shows the OEE service's own figures, per machine and line, in the model and in the HTML", async () => {
    const expected: OeeReport = await oee.report({ from: request.from, to: request.to, by: 'shift' })
    const model = await service.model(request)
    expect(model.input.oee.summary).toEqual(expected.summary)
    expect(model.input.oee.periods.length).toBe(DAYS * 2)
    const html = await service.html(request)
    for (const m of expected.summary.machines)
      for (const k of ['availability', 'performance', 'quality', 'oee'] as const) {
        expect(m[k]).not.toBeNull()
        expect(html).toContain(`data-figure="${m.machine}.${k}" data-value="${m[k]}">${(m[k]! * 100).toFixed(1)} %`)
      }
    expect(html).toContain(`data-figure="line.oee" data-value="${expected.summary.line.oee}"`)
    expect(html).toContain('Filler')
    expect(html).toContain('Capper')
  }, 60_000)

  it("lists the minor stops per machine as the OEE service's events count them", async () => {
    const events = (await oee.listEvents({ from: request.from, to: request.to, includeMinor: true })).filter((e) => e.minor)
    expect(events.length).toBeGreaterThan(0)
    const html = await service.html(request)
    expect(html).toContain('<h3>Minor stops</h3>')
    for (const id of ['M1', 'M2']) {
      const mine = events.filter((e) => e.machine === id)
      const row = new RegExp(`<tr data-minor="${id}"><td>[^<]+</td><td class="num">([\\d,]+)</td><td class="num">([\\d,]+) min</td>`).exec(html)
      expect(row, id).not.toBeNull()
      expect(Number(row![1].replace(/,/g, ''))).toBe(mine.length)
      expect(row![2]).toBe(minutes(mine.reduce((a, e) => a + e.durationS, 0) / 60).replace(' min', ''))
    }
  }, 60_000)

  it('gives the same minor-stop figures to the view as the HTML: per machine, per cause and per hour of day in plant time', async () => {
    const events = (await oee.listEvents({ from: request.from, to: request.to, includeMinor: true })).filter((e) => e.minor)
    const model = await service.model(request)
    const stops = model.minorStops!
    expect(stops.timeZone).toBe('Europe/Berlin')
    for (const m of stops.machines) {
      const mine = events.filter((e) => e.machine === m.machine)
      expect(m.count).toBe(mine.length)
      expect(m.byHour.reduce((a, n) => a + n, 0)).toBe(mine.length)
      expect(m.causes.reduce((a, c) => a + c.count, 0)).toBe(mine.length)
      expect(m.longestS).toBe(Math.max(...mine.map((e) => e.durationS)))
      const hour = Number(new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', hour: '2-digit', hourCycle: 'h23' }).format(mine[0].start))
      expect(m.byHour[hour]).toBe(
        mine.filter((e) => Number(new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', hour: '2-digit', hourCycle: 'h23' }).format(e.start)) === hour)
          .length,
      )
    }
    const html = await service.html(request)
    expect(html).toContain('Minor stops by hour of day — Packaging line — 2024-05-06 02:00 – 2024-05-09 02:00 (Europe/Berlin)')
  }, 60_000)

  it('covers only the machines picked: their own figures as the OEE service computes them for that part, the rest named as left out', async () => {
    const part = { ...oee.config, lines: oee.config.lines.map((l) => ({ ...l, machines: l.machines.filter((m) => m.id === 'M2') })) }
    const expected = await oee.compute({ from: request.from, to: request.to, by: 'shift', timeline: true }, part)
    const model = await service.model({ ...request, lines: ['Packaging line'], machines: ['M2'] })
    expect(model.input.oee.summary).toEqual(expected.summary)
    expect(model.input.oee.summary.machines.map((m) => m.machine)).toEqual(['M2'])
    expect(model.input.oee.timeline.map((t) => t.machine)).toEqual(['M2'])
    expect(model.completeness.map((c) => c.machine)).toEqual(['M2'])
    expect(model.minorStops!.machines.every((m) => m.machine === 'M2')).toBe(true)
    expect(model.input.pareto).toEqual(oee.pareto({ from: model.input.oee.from, to: model.input.oee.to, machine: 'M2' }))
    const html = await service.html({ ...request, machines: ['M2'] })
    expect(html).toContain('<b>Machines:</b> Capper <span class="diff">(left out: Filler)</span>')
    expect(html).not.toContain('data-figure="M1.oee"')
    expect(html).not.toContain('data-minor="M1"')
    await expect(service.model({ ...request, lines: ['Line 9'] })).rejects.toThrow('No line "Line 9" — this workstation\'s OEE settings have "Packaging line"')
    await expect(service.model({ ...request, machines: ['M7'] })).rejects.toThrow('No machine "M7" on Packaging line — pick from M1, M2')
  }, 60_000)

  it('measures data completeness, ranks the losses in minutes and money, and names the bottleneck', async () => {
    const model = await service.model(request)
    const [m1, m2] = model.completeness
    expect(m1.share).toBe(1)
    // 10:00–12:00 Berlin missing, less the 10:00 break inside it: 90 min of 3 days × (16 h shifts − 30 min break).
    expect(m2.plannedMin).toBeCloseTo(DAYS * (16 * 60 - 30), 6)
    expect(m2.share).toBeCloseTo(1 - 90 / (DAYS * (16 * 60 - 30)), 6)
    expect(model.largestLosses).toHaveLength(3)
    const [first, second] = model.largestLosses
    expect(first.minutes).toBeGreaterThanOrEqual(second.minutes)
    expect(first.money).toBeCloseTo((first.minutes / 60) * 1200, 6)
    expect(model.findings[0]).toMatch(/is the bottleneck/)
  }, 60_000)

  it('reports the security facts seen, with evidence, severity and the IEC 62443-3-3 requirement', async () => {
    const { input, recommendations } = await service.model(request)
    const byTitle = Object.fromEntries(input.observations.map((o) => [o.title, o]))
    expect(byTitle['OPC UA endpoint offers SecurityPolicy None']).toMatchObject({
      severity: 'high',
      requirements: ['SR 3.1', 'SR 4.1'],
      connection: 'line-opc',
    })
    expect(byTitle['OPC UA server accepts anonymous login'].requirements).toEqual(['SR 1.1', 'SR 1.2'])
    expect(byTitle['MQTT broker over plain TCP'].evidence).toContain('mqtt://127.0.0.1:1883')
    expect(byTitle['MQTT broker accepts anonymous clients'].severity).toBe('high')
    expect(byTitle['Modbus device reachable and accepted writes without authentication'].evidence).toContain('1 write(s) accepted per the audit log')
    expect(recommendations.some((r) => r.includes('SignAndEncrypt'))).toBe(true)
  }, 60_000)

  it('is one self-contained file: inline style and SVG, no script, no external reference; data files with SHA-256', async () => {
    const html = await service.html({ ...request, recommendations: ['Fix the capper jam first.'] })
    expect(html).not.toMatch(/<script|<link|src="http|href="http/i)
    expect(html).toContain('<svg')
    expect(html).toMatch(/Loss waterfall — Filler — 2024-05-06 02:00 – 2024-05-09 02:00 \(Europe\/Berlin\)/)
    expect(html).toContain('Fix the capper jam first.')
    expect(html).toContain(await hashFile(join(dir, 'production.db')))
    expect(html).toContain('historian/default.otwh')
  }, 60_000)

  it('draws uncoded downtime once in the Pareto: one "Uncoded" bar, no level-2 "Uncoded" under it; coded categories keep their reasons', async () => {
    const model = await service.model(request)
    const uncoded = model.input.pareto.find((c) => c.categoryId === null && c.category === 'Uncoded')
    expect(uncoded, 'the recording has uncoded stops').toBeDefined()
    const coded = model.input.pareto.find((c) => c.categoryId !== null)
    expect(coded, 'the recording has stops coded by the fault-code rules').toBeDefined()
    const html = await service.html(request)
    const chart = /<svg[^>]*aria-label="Downtime Pareto with level-2 reasons[^"]*">.*?<\/svg>/.exec(html)![0]
    const drawn = [...chart.matchAll(/class="lbl( sub)?">([^<]*)<\/text>/g)].map((m) => ({ label: m[2], level: m[1] ? 2 : 1 }))
    expect(drawn.filter((l) => l.label === 'Uncoded')).toHaveLength(1)
    // Level-2 reasons are told apart by their style, not by leading spaces (which SVG collapses).
    expect(drawn).toEqual(
      model.input.pareto.flatMap((c) => [
        { label: c.category, level: 1 },
        ...(c.categoryId === null ? [] : c.reasons.map((r) => ({ label: r.reason, level: 2 }))),
      ]),
    )
    expect(chart).toMatch(/class="bar sub"/)
    expect(html).toContain(
      `<tr><td>Uncoded</td><td>— (not coded)</td><td class="num">${minutes(uncoded!.minutes)}</td><td class="num">${uncoded!.events}</td></tr>`,
    )
    expect(html).not.toContain('<tr><td>Uncoded</td><td>Uncoded</td>')
    expect(html).toContain(`<tr><td>${coded!.category}</td><td>${coded!.reasons[0].reason}</td>`)
  }, 60_000)

  it('puts every figure of a comparison beside its counterpart with the difference', async () => {
    const html = await service.html({ ...request, from: FROM + DAY, to: FROM + 2 * DAY, compare: { from: FROM, to: FROM + DAY } })
    const before = (await oee.report({ from: FROM, to: FROM + DAY, by: 'shift' })).summary.machines[0]
    expect(html).toContain(`was ${(before.oee! * 100).toFixed(1)} %`)
    expect(html).toMatch(/was [\d.]+ %, [+-][\d.]+ pp/)
    expect(html).toMatch(/was [\d,]+ min, [+-]\d+ min/)
  }, 60_000)

  it('prints to PDF with Chromium headless (A4 and Letter): page numbers, an outline of the sections, the figures read back with pdftotext', async () => {
    const expected = (await oee.report({ from: request.from, to: request.to, by: 'shift' })).summary
    for (const [paper, size] of [
      ['A4', 'pts (A4)'],
      ['Letter', 'pts (letter)'],
    ] as const) {
      const { pdf } = await service.pdf({ ...request, paper }, chromiumPdfRenderer())
      const file = join(dir, `report-${paper}.pdf`)
      writeFileSync(file, pdf)
      const info = execFileSync('pdfinfo', [file]).toString()
      expect(/Page size:.*/.exec(info)![0]).toContain(size)
      const pages = Number(/Pages:\s+(\d+)/.exec(info)![1])
      expect(pages).toBeGreaterThan(5)
      const text = execFileSync('pdftotext', ['-layout', file, '-']).toString()
      expect(text).toContain(`Page 1 of ${pages}`)
      expect(text).toContain(`Page ${pages} of ${pages}`)
      expect(text).toContain('Plant Nord — ACME Foods')
      for (const m of expected.machines)
        expect(text).toMatch(
          new RegExp(
            `${m.name}\\s+${(m.availability! * 100).toFixed(1)} %\\s+${(m.performance! * 100).toFixed(1)} %\\s+${(m.quality! * 100).toFixed(1)} %\\s+${(m.oee! * 100).toFixed(1)} %`,
          ),
        )
      const outline = execFileSync('pdftohtml', ['-xml', '-stdout', '-i', file]).toString()
      for (const heading of [
        '1. Scope',
        '2. Executive summary',
        '3. Inventory',
        '4. OEE and downtime',
        '5. Security observations',
        '6. Recommendations',
        '7. Appendix',
      ])
        expect(outline).toMatch(new RegExp(`<item page="\\d+">${heading}</item>`))
    }
  }, 120_000)

  it('stops printing when cancelled, and says so', async () => {
    const controller = new AbortController()
    const printing = service.pdf(request, chromiumPdfRenderer(), controller.signal)
    setTimeout(() => controller.abort(), 50)
    await expect(printing).rejects.toMatchObject({ kind: 'cancelled', message: 'PDF export cancelled' })
    await expect(chromiumPdfRenderer('/nonexistent/chromium')('<p>x</p>')).rejects.toThrow(/could not start \/nonexistent\/chromium .* install Chromium/)
    expect(PdfError).toBeDefined()
  }, 60_000)
})
