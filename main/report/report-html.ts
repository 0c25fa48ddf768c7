import type { ConnectionDetail, OeeMachineResult, OeePeriod } from '../../preload/contract'
import { lineSections, LOSS_NAMES, minutes, money, percent, type LineSection, type ReportModel } from './report-model'
import { siteOee } from '../oee/service/site-oee'
import type { Paper } from './pdf-renderer'
import { barChart, escapeHtml as h, heatmap, stateTimeline, waterfall } from './svg-charts'

const style = (paper: Paper, footer: string) => `
@page { size: ${paper}; margin: 16mm 14mm 18mm 14mm; @bottom-left { content: "${footer.replace(/["\\\n]/g, '')}"; font: 8pt sans-serif; color: #5a6573; } @bottom-right { content: "Page " counter(page) " of " counter(pages); font: 8pt sans-serif; color: #5a6573; } }
body { font: 10.5pt/1.4 "DejaVu Sans", Arial, sans-serif; color: #1b2430; margin: 0 auto; max-width: 190mm; }
h1 { font-size: 22pt; margin: 0 0 4mm; } h2 { font-size: 15pt; border-bottom: 2px solid #2f6db3; padding-bottom: 1mm; margin-top: 8mm; break-before: page; }
h2.first { break-before: auto; } h3 { font-size: 11.5pt; margin: 5mm 0 2mm; }
table { border-collapse: collapse; width: 100%; margin: 2mm 0 4mm; font-size: 9pt; } th, td { border: 1px solid #c9d1db; padding: 1mm 1.5mm; text-align: left; vertical-align: top; }
th { background: #eef2f7; } td.num { text-align: right; font-variant-numeric: tabular-nums; } .diff { color: #5a6573; font-size: 8pt; }
.cover { border: 1px solid #c9d1db; padding: 6mm; margin-bottom: 6mm; } .sev-high { color: #b3261e; font-weight: bold; } .sev-medium { color: #a05a00; font-weight: bold; } .sev-low { color: #35608f; }
svg { margin: 2mm 0 4mm; break-inside: avoid; } svg .ttl { font: bold 12px sans-serif; fill: #1b2430; } svg .lbl { font: 10px sans-serif; fill: #1b2430; } svg .small { font-size: 8px; } svg .val { font: 9px sans-serif; fill: #3c4652; }
svg .bar { fill: #2f6db3; } svg .bar.sub { fill: #8fb3dd; } svg .lbl.sub { font-style: italic; fill: #55606c; } svg .loss { fill: #d0603f; } svg .good { fill: #3f9a5b; }
.st-running { fill: #3f9a5b; } .st-idle { fill: #c9b037; } .st-starved { fill: #7fa7d6; } .st-blocked { fill: #8c6bb1; } .st-faulted { fill: #c8372d; } .st-setup { fill: #e08a2c; } .st-planned-stop { fill: #9aa5b1; } .st-unknown { fill: #555; } .st-no-data { fill: #fff; stroke: #bbb; stroke-width: .5; }
ol.recs li { margin-bottom: 1.5mm; } code { font-size: 8.5pt; word-break: break-all; }
`

/** A time in the plant's zone, to the minute. */
function at(t: number, timeZone: string): string {
  const f = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  })
  return f.format(new Date(t)).replace(',', '')
}

export function periodText(from: number, to: number, timeZone: string): string {
  return `${at(from, timeZone)} – ${at(to, timeZone)} (${timeZone})`
}

/** The figure, and in a comparison the other period's figure with the difference. */
function vs(now: number | null, before: number | null | undefined, show: (v: number | null) => string, diffShow: (d: number) => string): string {
  if (before === undefined) return h(show(now))
  const diff = now !== null && before !== null ? diffShow(now - before) : '—'
  return `${h(show(now))}<br><span class="diff">was ${h(show(before))}, ${h(diff)}</span>`
}
const pp = (d: number) => `${d >= 0 ? '+' : ''}${(d * 100).toFixed(1)} pp`
const dmin = (d: number) => `${d >= 0 ? '+' : ''}${d.toFixed(0)} min`

function endpointOf(c: ConnectionDetail): string {
  const k = c.config
  if (c.kind === 'opcua') return String(k.endpointUrl ?? '')
  if (c.kind === 'mqtt') return String(k.url ?? '')
  if (c.kind === 'modbus-tcp') return `${String(k.host ?? '')}:${String(k.port ?? 502)} unit ${String(k.unitId ?? 1)}`
  return `${String(k.serialPath ?? '')} ${String(k.baudRate ?? '')} baud`
}

/** Machines of one line and the line; `lineKey` names the line's figures (`line` when the report has one line). */
function machineTable(period: OeePeriod, before: OeePeriod | undefined, lineKey = 'line'): string {
  const other = (m: OeeMachineResult) => before?.machines.find((b) => b.machine === m.machine)
  const rows = period.machines
    .map((m) => {
      const o = other(m)
      const cell = (k: 'availability' | 'performance' | 'quality' | 'oee') =>
        `<td class="num" data-figure="${h(m.machine)}.${k}" data-value="${m[k] ?? ''}">${vs(m[k], before ? (o?.[k] ?? null) : undefined, percent, pp)}</td>`
      return `<tr><td>${h(m.name)}</td>${cell('availability')}${cell('performance')}${cell('quality')}${cell('oee')}<td class="num">${m.counts.good.toLocaleString('en')}</td><td class="num">${m.counts.reject.toLocaleString('en')}</td></tr>`
    })
    .join('')
  const l = period.line
  const lb = before?.line
  const lineRow = `<tr><th>Line (at ${h(period.machines.find((m) => m.machine === l.measuredAt)?.name ?? l.measuredAt ?? '—')})</th>${(['availability', 'performance', 'quality', 'oee'] as const).map((k) => `<th class="num" data-figure="${h(lineKey)}.${k}" data-value="${l[k] ?? ''}">${vs(l[k], lb ? lb[k] : undefined, percent, pp)}</th>`).join('')}<th class="num">${period.output.good.toLocaleString('en')}</th><th class="num">${(period.output.total - period.output.good).toLocaleString('en')}</th></tr>`
  return `<table><thead><tr><th>Machine</th><th>Availability</th><th>Performance</th><th>Quality</th><th>OEE</th><th>Good</th><th>Reject</th></tr></thead><tbody>${rows}${lineRow}</tbody></table>`
}

function lossTable(period: OeePeriod, before: OeePeriod | undefined): string {
  const keys = Object.keys(LOSS_NAMES) as (keyof typeof LOSS_NAMES)[]
  const head = `<tr><th>Machine</th>${keys.map((k) => `<th>${LOSS_NAMES[k]}</th>`).join('')}</tr>`
  const rows = period.machines
    .map((m) => {
      const o = before?.machines.find((b) => b.machine === m.machine)
      return `<tr><td>${h(m.name)}</td>${keys.map((k) => `<td class="num">${vs(m.lossMin[k], before ? (o?.lossMin[k] ?? null) : undefined, (v) => (v === null ? '—' : minutes(v)), dmin)}</td>`).join('')}</tr>`
    })
    .join('')
  return `<table><thead>${head}</thead><tbody>${rows}</tbody></table>`
}

/** Every line's own figures (at its measuring machine) and the site's, weighted by planned production time. */
function siteTable(sections: readonly LineSection[]): string {
  const summaries = (pick: (l: LineSection) => OeePeriod | undefined) =>
    sections.flatMap((l) => {
      const summary = pick(l)
      return summary ? [{ id: l.oee.lineId, name: l.oee.line, summary }] : []
    })
  const site = siteOee(summaries((l) => l.oee.summary))
  const before = sections.every((l) => l.compare) ? siteOee(summaries((l) => l.compare?.oee.summary)) : undefined
  const keys = ['availability', 'performance', 'quality', 'oee'] as const
  const rows = site.lines
    .map((l) => {
      const was = before?.lines.find((b) => b.id === l.id)
      return `<tr><td>${h(l.name)}</td>${keys.map((k) => `<td class="num" data-figure="line:${h(l.id)}.${k}" data-value="${l.line[k] ?? ''}">${vs(l.line[k], was ? was.line[k] : undefined, percent, pp)}</td>`).join('')}<td>${h(l.bottleneck ? (l.machines.find((m) => m.machine === l.bottleneck!.machine)?.name ?? l.bottleneck.machine) : '—')}</td></tr>`
    })
    .join('')
  const siteRow = `<tr><th>Site</th>${keys.map((k) => `<th class="num" data-figure="site.${k}" data-value="${site[k] ?? ''}">${vs(site[k], before ? before[k] : undefined, percent, pp)}</th>`).join('')}<th></th></tr>`
  return `<table><thead><tr><th>Line</th><th>Availability</th><th>Performance</th><th>Quality</th><th>OEE</th><th>Bottleneck</th></tr></thead><tbody>${rows}${siteRow}</tbody></table><p class="diff">Site figures weigh each line by the planned production time of the machine its figures are measured at.</p>`
}

const FACT_LABELS: Record<string, string> = {
  manufacturer: 'Manufacturer',
  productName: 'Product',
  softwareVersion: 'Software version',
  buildNumber: 'Build',
  buildDate: 'Build date',
  productUri: 'Product URI',
  startTime: 'Server started',
  state: 'Server state',
  endpoints: 'Endpoints offered',
  userTokens: 'User tokens',
  applicationUri: 'Application URI',
  vendor: 'Vendor',
  productCode: 'Product code',
  revision: 'Revision',
  vendorUrl: 'Vendor URL',
  modelName: 'Model',
  userApplicationName: 'Application',
  unitId: 'Unit id',
  version: 'Broker version',
  uptime: 'Uptime',
  'clients/connected': 'Clients connected',
  groupId: 'Group id',
  edgeNodeId: 'Edge node id',
  deviceId: 'Device id',
  metrics: 'Metrics',
  online: 'Online',
  orderNumber: 'Order number',
  firmware: 'Firmware',
  moduleName: 'Module',
  serialNumber: 'Serial number',
  systemName: 'Station',
}
const KIND_NAMES: Record<string, string> = {
  'opcua-server': 'OPC UA server',
  'modbus-unit': 'Modbus unit',
  'mqtt-broker': 'MQTT broker',
  'sparkplug-node': 'Sparkplug edge node',
  'sparkplug-device': 'Sparkplug device',
  's7-cpu': 'S7 CPU',
}

const NODE_RED_RESULT = { open: 'open, no login', login: 'login required', unreachable: 'no answer', 'not-node-red': 'not a Node-RED editor' } as const

const HOURS = Array.from({ length: 24 }, (_, i) => String(i).padStart(2, '0'))
const seconds = (s: number): string => (s < 90 ? `${s.toFixed(0)} s` : `${(s / 60).toFixed(1)} min`)

/** Per machine: how many minor stops, their time, the typical and longest one, what they were; then when in the day. */
function minorStopSection(model: ReportModel, lines: string, period: string): string {
  const stops = model.minorStops!
  if (stops.machines.length === 0) return '<p>No minor stops in this period.</p>'
  const rows = stops.machines
    .map(
      (m) =>
        `<tr data-minor="${h(m.machine)}"><td>${h(m.name)}</td><td class="num">${m.count.toLocaleString('en')}</td><td class="num">${minutes(m.totalS / 60)}</td><td class="num">${seconds(m.averageS)}</td><td class="num">${seconds(m.longestS)}</td><td>${m.causes
          .slice(0, 3)
          .map((c) => `${h(c.cause)}: ${c.count}`)
          .join('<br>')}</td></tr>`,
    )
    .join('')
  const table = `<table><thead><tr><th>Machine</th><th>Minor stops</th><th>Time lost</th><th>Average</th><th>Longest</th><th>Most frequent</th></tr></thead><tbody>${rows}</tbody></table>`
  return `${table}${heatmap(
    `Minor stops by hour of day — ${lines} — ${period}`,
    HOURS,
    stops.machines.map((m) => ({ label: m.name, cells: m.byHour })),
  )}`
}

function deviceTable(input: ReportModel['input'], tz: string): string {
  if (input.devices.length === 0) return '<p>No device answered an identification request (none was connected while recording).</p>'
  const connectionName = (id: string) => String(input.connections.find((c) => c.id === id)?.config.name ?? id)
  const rows = input.devices
    .map((d) => {
      const facts = Object.entries(d.facts)
        .map(([k, v]) => `<b>${h(FACT_LABELS[k] ?? k)}:</b> ${h(v)}`)
        .join('<br>')
      return `<tr data-device="${h(d.connectionId)}/${h(d.key)}"><td>${h(connectionName(d.connectionId))}</td><td>${h(KIND_NAMES[d.kind] ?? d.kind)}<br><code>${h(d.key)}</code></td><td>${facts || '—'}${d.note ? `<br><span class="diff">${h(d.note)}</span>` : ''}</td><td>${h(at(d.firstSeen, tz))}</td><td>${h(at(d.lastSeen, tz))}</td></tr>`
    })
    .join('')
  return `<table><thead><tr><th>Connection</th><th>Device</th><th>What it says about itself</th><th>First seen</th><th>Last seen</th></tr></thead><tbody>${rows}</tbody></table>`
}

/** The whole report as one self-contained HTML document: inline CSS and SVG, no script, no external reference. */
export function renderReportHtml(model: ReportModel, options: { paper?: Paper } = {}): string {
  const { input } = model
  const { meta, oee } = input
  const tz = oee.timeZone
  const period = periodText(oee.from, oee.to, tz)
  const beforeText = input.compare ? periodText(input.compare.oee.from, input.compare.oee.to, input.compare.oee.timeZone) : ''
  const cur = input.lossValue?.currency ?? ''
  const sections = lineSections(input)
  const several = sections.length > 1
  const allMachines = sections.flatMap((l) => l.oee.summary.machines)
  const name = (id: string) => allMachines.find((m) => m.machine === id)?.name ?? id
  const scopeLines = input.scope?.lines ?? sections.map((l) => l.oee.line)
  const machineNames = allMachines.map((m) => m.name).join(', ')
  const leftOut = input.scope?.leftOut.join(', ') ?? ''
  const s: string[] = []

  s.push(
    `<div class="cover"><h1>OT assessment report</h1><p><b>Site:</b> ${h(meta.site)}<br><b>Customer:</b> ${h(meta.customer)}<br><b>Consultant:</b> ${h(meta.consultant)}<br><b>${scopeLines.length > 1 ? 'Lines' : 'Line'}:</b> ${h(scopeLines.join(', '))}<br><b>Machines:</b> ${h(machineNames)}${leftOut ? ` <span class="diff">(left out: ${h(leftOut)})</span>` : ''}<br><b>Recording window:</b> ${h(period)}${input.compare ? `<br><b>Compared with:</b> ${h(beforeText)}` : ''}<br><b>Made:</b> ${h(new Date(meta.generatedAt).toISOString())}</p></div>`,
  )
  s.push(
    `<h2 class="first">1. Scope</h2><p>${h(scopeLines.join(', '))}: ${allMachines.length} machine(s) (${h(machineNames)})${leftOut ? `; left out at the consultant's choice: ${h(leftOut)}` : ''}. ${input.connections.length} connection(s) and ${input.tags.length} tag(s) were recorded; the inventory and the security observations cover every connection the workstation saw.</p>`,
  )
  s.push(
    `<h3>Data completeness (share of planned time with data)</h3><table><thead><tr><th>Machine</th><th>Planned time</th><th>With data</th></tr></thead><tbody>${model.completeness.map((c) => `<tr><td>${h(c.name)}</td><td class="num">${minutes(c.plannedMin)}</td><td class="num" data-figure="${h(c.machine)}.completeness">${percent(c.share)}</td></tr>`).join('')}</tbody></table>`,
  )

  s.push(`<h2>2. Executive summary</h2><p>Period ${h(period)}.</p>`)
  if (several) s.push(`<h3>Lines and site</h3>${siteTable(sections)}`)
  for (const l of sections) {
    const ls = l.oee.summary
    s.push(
      `${several ? `<h3>${h(l.oee.line)}</h3>` : ''}${machineTable(ls, l.compare?.oee.summary, several ? `line:${l.oee.lineId}` : 'line')}<p><b>Bottleneck${several ? ` of ${h(l.oee.line)}` : ''}:</b> ${ls.bottleneck ? `${h(name(ls.bottleneck.machine))} (${minutes(ls.bottleneck.ownLossMin)} own losses)` : 'none (no planned production time)'}</p>`,
    )
  }
  s.push(
    `<h3>The three largest losses</h3><table><thead><tr><th>Machine</th><th>Loss</th><th>Minutes</th>${input.lossValue ? '<th>Value</th>' : ''}</tr></thead><tbody>${model.largestLosses.map((l) => `<tr><td>${h(l.machineName)}</td><td>${LOSS_NAMES[l.loss]}</td><td class="num">${minutes(l.minutes)}</td>${input.lossValue ? `<td class="num">${l.money === null ? '—' : h(money(l.money, cur))}</td>` : ''}</tr>`).join('')}</tbody></table>`,
  )
  s.push(`<h3>Findings</h3><ol>${model.findings.map((f) => `<li>${h(f)}</li>`).join('')}</ol>`)

  s.push(
    `<h2>3. Inventory</h2><h3>Connections</h3><table><thead><tr><th>Connection</th><th>Protocol</th><th>Endpoint</th><th>Tags</th><th>State</th></tr></thead><tbody>${input.connections.map((c) => `<tr><td>${h(String(c.config.name ?? c.id))}</td><td>${h(c.kind)}</td><td><code>${h(endpointOf(c))}</code></td><td class="num">${c.tags.length}</td><td>${h(c.status.state)}</td></tr>`).join('')}</tbody></table>`,
  )

  s.push(`<h3>Devices, as they describe themselves</h3>${deviceTable(input, tz)}`)

  s.push(`<h2>4. OEE and downtime</h2>`)
  for (const l of sections) {
    const lo = l.oee
    const ls = lo.summary
    const lb = l.compare?.oee.summary
    const named = several ? `${lo.line}: ` : ''
    if (several) s.push(`<h3>${h(lo.line)}</h3>`)
    s.push(`<h3>${h(named)}Per machine and ${h(lo.by)}</h3>`)
    for (const p of lo.periods) s.push(`<p><b>${h(p.label)}</b> (${h(periodText(p.start, p.end, tz))})</p>${machineTable(p, undefined)}`)
    s.push(`<h3>${h(named)}Six big losses (minutes)</h3>${lossTable(ls, lb)}`)
    for (const m of ls.machines) {
      const steps = (Object.keys(LOSS_NAMES) as (keyof typeof LOSS_NAMES)[]).map((k) => ({ label: LOSS_NAMES[k].split(' ')[0], minutes: m.lossMin[k] }))
      s.push(waterfall(`Loss waterfall — ${m.name} — ${period}`, m.plannedProductionMin, steps))
    }
    // Uncoded and no-data stops have no level 2: their one bar is the category (a level-2 "Uncoded" would draw it twice).
    const levelTwo = (c: (typeof l.pareto)[number]) => (c.categoryId === null ? [] : c.reasons)
    const bars = l.pareto.flatMap((c) => [
      { label: c.category, value: c.minutes },
      ...levelTwo(c).map((r) => ({ label: r.reason, value: r.minutes, level: 2 as const })),
    ])
    s.push(barChart(`Downtime Pareto with level-2 reasons — ${lo.line} — ${period}`, bars))
    s.push(
      `<table><thead><tr><th>Category</th><th>Reason</th><th>Minutes</th><th>Stops</th></tr></thead><tbody>${l.pareto.flatMap((c) => (c.categoryId === null ? [{ reason: '— (not coded)', minutes: c.minutes, events: c.events }] : c.reasons).map((r) => `<tr><td>${h(c.category)}</td><td>${h(r.reason)}</td><td class="num">${minutes(r.minutes)}</td><td class="num">${r.events}</td></tr>`)).join('')}</tbody></table>`,
    )
    s.push(
      stateTimeline(
        `State timeline — ${lo.line} — ${period}`,
        lo.from,
        lo.to,
        lo.timeline.map((t) => ({ label: name(t.machine), segments: t.segments })),
      ),
    )
  }
  if (model.minorStops) s.push(`<h3>Minor stops</h3>${minorStopSection(model, scopeLines.join(', '), period)}`)

  s.push(
    `<h2>5. Security observations</h2><p>From what the workstation saw while recording and what the Node-RED editors answered when asked for their login; nothing was attacked or scanned.</p><table><thead><tr><th>Observation</th><th>Where</th><th>Evidence</th><th>Severity</th><th>IEC 62443-3-3</th></tr></thead><tbody>${input.observations.length === 0 ? '<tr><td colspan="5">Nothing to report from the connections, certificates and editors seen.</td></tr>' : ''}${input.observations.map((o) => `<tr><td>${h(o.title)}</td><td>${h(o.connection)}</td><td>${h(o.evidence)}</td><td class="sev-${o.severity}">${o.severity}</td><td>${h(o.requirements.join(', '))}</td></tr>`).join('')}</tbody></table>`,
  )
  if (input.nodeRedChecks?.length)
    s.push(
      `<h3>Node-RED editors checked</h3><p>Asked as the editor asks before it shows a login (GET /auth/login, /settings, /flows, no credentials sent); nothing was changed.</p><table><thead><tr><th>Editor</th><th>Known as</th><th>Admin API</th><th>Answer</th><th>Asked (${h(tz)})</th></tr></thead><tbody>${input.nodeRedChecks.map((c) => `<tr data-node-red="${h(c.url)}"><td><code>${h(c.url)}</code></td><td>${h(c.source)}</td><td class="${c.result === 'open' ? 'sev-high' : ''}">${NODE_RED_RESULT[c.result]}</td><td>${h(c.evidence)}</td><td>${at(c.checkedAt, tz)}${c.whileRecording ? ' while recording' : ''}</td></tr>`).join('')}</tbody></table>`,
    )
  s.push(`<h2>6. Recommendations</h2><ol class="recs">${model.recommendations.map((r) => `<li>${h(r)}</li>`).join('')}</ol>`)
  s.push(
    `<h2>7. Appendix</h2><h3>Tag list</h3><table><thead><tr><th>Tag</th><th>Connection</th><th>Address</th><th>Type</th><th>Unit</th></tr></thead><tbody>${input.tags.map((t) => `<tr><td>${h(t.id)}</td><td>${h(t.connectionId)}</td><td><code>${h(t.address)}</code></td><td>${h(t.dataType)}</td><td>${h(t.unit ?? '')}</td></tr>`).join('')}</tbody></table>`,
  )
  s.push(
    `<h3>Data files</h3><table><thead><tr><th>File</th><th>Bytes</th><th>SHA-256</th></tr></thead><tbody>${input.dataFiles.map((f) => `<tr><td>${h(f.name)}</td><td class="num">${f.bytes.toLocaleString('en')}</td><td><code>${f.sha256}</code></td></tr>`).join('')}</tbody></table>`,
  )
  const title = `OT assessment — ${meta.site} — ${period}`
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"><title>${h(title)}</title><style>${style(options.paper ?? 'A4', `${meta.site} — ${meta.customer}`)}</style></head><body>${s.join('\n')}</body></html>`
}
