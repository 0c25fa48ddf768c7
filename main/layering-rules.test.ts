// Each layering rule of ARCHITECTURE.md is proven by a probe file that breaks it: if a rule is loosened (or its resolver
// stops resolving), its probe lints clean and this test fails. Probes are linted as text at a path inside the folder
// they pretend to live in; only the import-cycle probe needs real files on disk.
import { rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { ESLint } from 'eslint'
import { afterAll, describe, expect, it } from 'vitest'

const ROOT = resolve(import.meta.dirname, '..')
const eslint = new ESLint({ cwd: ROOT })

async function layeringErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(ROOT, file) })
  return result.messages.filter((m) => m.severity === 2).map((m) => `${m.ruleId}: ${m.message}`)
}

const PROBES: { rule: string; file: string; code: string }[] = [
  {
    rule: 'a connector importing another connector (short relative path)',
    file: 'main/connectors/modbus/probe.ts',
    code: "import { browse } from '../opcua/browse'\nexport const x = browse",
  },
  {
    rule: 'a connector importing another connector (through its index)',
    file: 'main/connectors/mqtt/probe.ts',
    code: "export * from '../modbus/modbus-frames'",
  },
  {
    rule: 'a connector importing the registry (and through it every other connector)',
    file: 'main/connectors/s7/probe.ts',
    code: "export * from '../registry'",
  },
  { rule: 'a connector importing the historian', file: 'main/connectors/opcua/probe.ts', code: "export * from '../../historian'" },
  {
    rule: 'a connector importing the connection manager',
    file: 'main/connectors/modbus/probe.ts',
    code: "export * from '../../connections/connection-manager'",
  },
  { rule: 'historian engine importing its thread service', file: 'main/historian/probe.ts', code: "export * from './thread/threaded-historian'" },
  { rule: 'OEE engine importing its service', file: 'main/oee/probe.ts', code: "export * from './service/oee-service'" },
  { rule: 'deploy engine importing its service', file: 'main/deploy/node-red/probe.ts', code: "export * from '../service/deploy-service'" },
  { rule: 'deploy engine importing its versions store', file: 'main/deploy/probe.ts', code: "export * from './service/deploy-versions-store'" },
  { rule: 'vision engine importing the dataset service', file: 'main/vision/inference/probe.ts', code: "export * from '../datasets/dataset-service'" },
  { rule: 'renderer importing node:*', file: 'renderer/src/app/probe.ts', code: "import { readFileSync } from 'node:fs'\nexport const x = readFileSync" },
  {
    rule: 'renderer importing a Node-only package',
    file: 'renderer/src/app/probe.ts',
    code: "import { OPCUAClient } from 'node-opcua'\nexport const x = OPCUAClient",
  },
  { rule: 'renderer importing ws', file: 'renderer/src/features/trends/probe.ts', code: "import WebSocket from 'ws'\nexport const x = WebSocket" },
  { rule: 'renderer using Buffer', file: 'renderer/src/app/probe.ts', code: "export const x = Buffer.from('a')" },
  { rule: 'renderer importing main/**', file: 'renderer/src/app/probe.ts', code: "export * from '../../../main/tags/tag'" },
  { rule: 'the contract importing main', file: 'preload/contract/probe.ts', code: "export * from './../../main/tags/tag'" },
  {
    rule: 'the contract importing a package other than zod',
    file: 'preload/contract/probe.ts',
    code: "import { DateTime } from 'luxon'\nexport const x = DateTime",
  },
  { rule: 'main importing electron outside main/index.ts', file: 'main/connections/probe.ts', code: "import { app } from 'electron'\nexport const x = app" },
  { rule: 'main importing the renderer', file: 'main/ipc/probe.ts', code: "export * from '../../renderer/src/bridge/ws-link'" },
  { rule: 'e2e importing the app internals', file: 'e2e/steps/probe.ts', code: "export * from '../../main/tags/tag'" },
]

describe('layering rules (probe files that break them)', () => {
  for (const probe of PROBES)
    it(`refuses ${probe.rule}`, async () => {
      expect((await layeringErrors(probe.file, probe.code)).join('\n')).toMatch(/Bad layering/)
    })

  it('passes what the rules allow (a connector importing the connector interface and tags, a service importing its engine)', async () => {
    expect(await layeringErrors('main/connectors/modbus/probe.ts', "export * from '../connector'\nexport * from '../../tags/tag'\n")).toEqual([])
    expect(await layeringErrors('main/oee/service/probe.ts', "export * from '..'\n")).toEqual([])
    expect(await layeringErrors('renderer/src/app/probe.ts', "import { useState } from 'react'\nexport const x = useState\n")).toEqual([])
  })

  it('refuses a literal react-query key in the renderer (keys come from queryKey())', async () => {
    expect((await layeringErrors('renderer/src/app/probe.ts', "export const q = { queryKey: ['app.info'] }\n")).join('\n')).toMatch(
      /Query keys come from queryKey\(\)/,
    )
  })

  const cycle = ['main/probe-cycle-a.ts', 'main/probe-cycle-b.ts']
  afterAll(() => cycle.forEach((f) => rmSync(join(ROOT, f), { force: true })))
  it('refuses an import cycle', async () => {
    writeFileSync(join(ROOT, cycle[0]), "import { b } from './probe-cycle-b'\nexport const a = (): number => b() + 1\n")
    writeFileSync(join(ROOT, cycle[1]), "import { a } from './probe-cycle-a'\nexport const b = (): number => a() - 1\n")
    expect((await layeringErrors(cycle[0], "import { b } from './probe-cycle-b'\nexport const a = (): number => b() + 1\n")).join('\n')).toMatch(
      /import-x\/no-cycle/,
    )
  })
})
