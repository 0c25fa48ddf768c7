import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ReportPreview } from '../../preload/contract'
import { freePort, startNodeRed, type NodeRedPeer } from '../deploy/node-red/node-red-peer.fixture'
import { createWorkbench, type Workbench } from '../workbench'
import { probeNodeRedAdmin } from './node-red-admin-probe'
import { exportSession, importSession } from './session-bundle'

const DAY = 86_400_000
const login = { username: 'admin', password: 'gateway-pass-1' }

// Two real editors: one as Node-RED ships (no adminAuth), one with adminAuth; asked the way the editor asks.
describe('Node-RED admin API without a login, against real Node-RED', () => {
  let open: NodeRedPeer
  let secured: NodeRedPeer
  let dir: string
  let importDir: string | undefined
  let workbench: Workbench
  const call = async <T>(channel: string, input?: unknown): Promise<T> => {
    const reply = await workbench.router.call(channel, input)
    if (!reply.ok) throw Object.assign(new Error(reply.error.message), reply.error)
    return reply.output as T
  }

  beforeAll(async () => {
    ;[open, secured] = await Promise.all([startNodeRed({ modules: [] }), startNodeRed({ modules: [], login })])
    dir = mkdtempSync(join(tmpdir(), 'otw-report-node-red-'))
    workbench = createWorkbench({ dataDir: dir, host: 'browser', demoPlant: false, renderPdf: async () => new Uint8Array() })
  }, 240_000)
  afterAll(async () => {
    await workbench?.stop()
    await Promise.all([open?.stop(), secured?.stop()])
    if (dir) rmSync(dir, { recursive: true, force: true })
    if (importDir) rmSync(importDir, { recursive: true, force: true })
  })

  it('tells an open admin API (flows readable without a token) from one that asks for a login, and an editor that does not answer', async () => {
    const o = await probeNodeRedAdmin(`${open.url}/`, 'test')
    expect(o).toMatchObject({ url: open.url, result: 'open' })
    expect(o.version).toMatch(/^\d+\.\d+/)
    expect(o.evidence).toContain(`GET ${open.url}/auth/login answered {} (no login configured)`)
    expect(o.evidence).toMatch(/GET \/flows answered without credentials: \d+ node\(s\)/)

    const s = await probeNodeRedAdmin(secured.url, 'test')
    expect(s).toMatchObject({ url: secured.url, result: 'login', evidence: `GET ${secured.url}/auth/login asks for a login (type "credentials")` })
    expect(s.version).toBeUndefined()

    const nobody = `http://127.0.0.1:${await freePort()}`
    expect(await probeNodeRedAdmin(nobody, 'test')).toMatchObject({ result: 'unreachable', evidence: expect.stringContaining('ECONNREFUSED') })
    // No user info travels into the report.
    expect((await probeNodeRedAdmin(open.url.replace('http://', 'http://someone:secret@'), 'test')).url).toBe(open.url)
  }, 60_000)

  it('reports the open editor of a deploy target as a finding with what to do; the secured one listed by the consultant is only checked', async () => {
    await call('deploy.saveTarget', {
      name: 'Line 1 gateway',
      url: open.url,
      auth: { kind: 'none' },
      deviceId: 'gw-line1',
      namespace: { enterprise: 'Acme', site: 'Plant1', area: 'Packaging', line: 'Line1' },
      broker: { url: 'mqtt://127.0.0.1:1883' },
    })
    const preview = await call<ReportPreview>('report.preview', {
      site: 'Plant Nord',
      customer: 'ACME',
      consultant: 'R. C.',
      from: Date.now() - DAY,
      to: Date.now(),
      nodeRedUrls: [secured.url],
    })
    const row = /<tr><td>Node-RED admin API without a login<\/td><td>([^<]+)<\/td><td>([^<]+)<\/td><td class="sev-(\w+)">\w+<\/td><td>([^<]+)<\/td><\/tr>/.exec(
      preview.html,
    )
    expect(row, 'finding row').not.toBeNull()
    expect(row![1]).toBe('deploy target Line 1 gateway')
    expect(row![2]).toContain(`GET ${open.url}/auth/login answered {}`)
    expect(row![3]).toBe('high')
    expect(row![4]).toBe('SR 1.1, SR 1.2, SR 2.1')
    expect(preview.html.match(/Node-RED admin API without a login<\/td>/g)).toHaveLength(1)
    expect(preview.html).toContain(
      `<tr data-node-red="${secured.url}"><td><code>${secured.url}</code></td><td>listed by the consultant</td><td class="">login required</td>`,
    )
    expect(preview.html).toContain(
      `<tr data-node-red="${open.url}"><td><code>${open.url}</code></td><td>deploy target Line 1 gateway</td><td class="sev-high">open, no login</td>`,
    )
    expect(preview.recommendations.some((r) => r.startsWith('Node-RED admin API without a login (SR 1.1, SR 1.2, SR 2.1): turn on adminAuth'))).toBe(true)
  }, 60_000)

  it('keeps each answer with the recording: an imported session reports the editors asked while recording, and when', async () => {
    const request = { site: 'Plant Nord', customer: 'ACME', consultant: 'R. C.', from: Date.now() - DAY, to: Date.now() }
    const live = await call<ReportPreview>('report.preview', request)
    const checked = (html: string, url: string) =>
      new RegExp(`<tr data-node-red="${url}">(?:<td[^>]*>.*?</td>){4}<td>(\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d)( while recording)?</td></tr>`).exec(html)
    const openWhen = checked(live.html, open.url)
    expect(openWhen, 'checked time of the open editor').not.toBeNull()
    expect(openWhen![2]).toBeUndefined()

    await workbench.stop()
    importDir = mkdtempSync(join(tmpdir(), 'otw-report-node-red-import-'))
    const bundle = join(importDir, 'session.otws')
    const manifest = exportSession(dir, bundle)
    expect(manifest.files.map((f) => f.path)).toContain('node-red-admin-checks.json')
    const target = join(importDir, 'data')
    importSession(bundle, target)
    workbench = createWorkbench({ dataDir: target, host: 'browser', demoPlant: false, renderPdf: async () => new Uint8Array() })
    await workbench.start()

    // Nothing is asked now (an imported session reaches no gateway): the answers are the recording's, with their time.
    const saved = readFileSync(join(target, 'node-red-admin-checks.json'), 'utf8')
    const imported = await call<ReportPreview>('report.preview', request)
    expect(imported.html).toContain(
      `<tr data-node-red="${open.url}"><td><code>${open.url}</code></td><td>deploy target Line 1 gateway</td><td class="sev-high">open, no login</td>`,
    )
    expect(imported.html).toContain(
      `<tr data-node-red="${secured.url}"><td><code>${secured.url}</code></td><td>listed by the consultant</td><td class="">login required</td>`,
    )
    expect(checked(imported.html, open.url)).toMatchObject({ 1: openWhen![1], 2: ' while recording' })
    expect(checked(imported.html, secured.url)?.[2]).toBe(' while recording')
    expect(imported.html).toMatch(/<tr><td>Node-RED admin API without a login<\/td><td>deploy target Line 1 gateway<\/td>/)
    // Read-only: reporting on the imported session changes nothing in it.
    expect(readFileSync(join(target, 'node-red-admin-checks.json'), 'utf8')).toBe(saved)
  }, 120_000)

  it('refuses a Node-RED URL that is not one, saying what it should look like', async () => {
    const reply = await workbench.router.call('report.preview', { site: 'S', customer: 'C', consultant: 'K', from: 0, to: DAY, nodeRedUrls: ['gateway:1880'] })
    expect(reply.ok).toBe(false)
    if (!reply.ok) expect(reply.error.message).toMatch(/Node-RED URL/)
  })
})
