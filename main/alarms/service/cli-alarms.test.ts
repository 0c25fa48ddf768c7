import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { main, type CliIo } from '../../cli'
import { openHistorian } from '../../historian'
import { tempDir } from '../../historian/test-helpers'

const T0 = Date.parse('2026-12-01T06:00:00Z')
const cleanups: Array<() => void> = []
afterEach(() => {
  for (const c of cleanups.splice(0)) c()
})

function capture(): CliIo & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    stdout: (t: string) => void (io.out += t),
    stderr: (t: string) => void (io.err += t),
    untilInterrupted: () => Promise.resolve(),
  }
  return io
}

/** A data folder whose historian holds ten minutes of the Capper's vibration: 3 mm/s, 8 mm/s from minute 4 to 6. */
function recordedDataDir(): string {
  const tmp = tempDir()
  cleanups.push(tmp.remove)
  mkdirSync(join(tmp.dir, 'historian'))
  const historian = openHistorian({ file: join(tmp.dir, 'historian', 'default.otwh'), flushIntervalMs: 0, retentionIntervalMs: 0 })
  for (let s = 0; s < 600; s++) historian.append('Line1.Capper.Vibration', T0 + s * 1000, s >= 240 && s < 360 ? 8 : 3)
  historian.close()
  writeFileSync(
    join(tmp.dir, 'rules.yaml'),
    `rules:
  - id: vib-high
    name: Capper vibration high
    tagId: Line1.Capper.Vibration
    condition: { kind: high, limit: 7.1, deadband: 0.5 }
    onDelayMs: 30000
  - id: vib-low
    name: Capper vibration too low
    tagId: Line1.Capper.Vibration
    condition: { kind: low, limit: 1 }
`,
  )
  return tmp.dir
}

describe('otw alarms test', () => {
  it('prints every transition of the rule set over the recorded range, and how often each rule was raised', async () => {
    const dir = recordedDataDir()
    const io = capture()
    const code = await main(
      ['alarms', 'test', '--rules', join(dir, 'rules.yaml'), '--data-dir', dir, '--from', '2026-12-01T06:00:00Z', '--to', '2026-12-01T06:10:00Z'],
      io,
    )
    expect(io.err).toBe('')
    expect(code).toBe(0)
    expect(io.out).toContain('2026-12-01T06:04:00.000Z  vib-high                 normal -> pending  (condition, value 8)')
    expect(io.out).toContain('2026-12-01T06:04:30.000Z  vib-high                 pending -> active-unacknowledged  (on-delay, value 8)')
    expect(io.out).toContain('2026-12-01T06:06:00.000Z  vib-high                 active-unacknowledged -> cleared-unacknowledged  (condition, value 3)')
    expect(io.out).toMatch(/Raised:\n {2}vib-high +1\n {2}vib-low +0\n/)
  })

  it('--json gives one object with the transitions', async () => {
    const dir = recordedDataDir()
    const io = capture()
    const code = await main(
      ['alarms', 'test', '--rules', join(dir, 'rules.yaml'), '--data-dir', dir, '--from', String(T0), '--to', String(T0 + 600_000), '--json'],
      io,
    )
    expect(code).toBe(0)
    const result = JSON.parse(io.out) as { transitions: Array<{ ruleId: string; at: number; to: string }>; raised: Record<string, number> }
    expect(result.transitions.map((t) => [t.ruleId, t.at - T0, t.to])).toEqual([
      ['vib-high', 240_000, 'pending'],
      ['vib-high', 270_000, 'active-unacknowledged'],
      ['vib-high', 360_000, 'cleared-unacknowledged'],
    ])
    expect(result.raised).toEqual({ 'vib-high': 1, 'vib-low': 0 })
  })

  it('bad rules and bad arguments say what is wrong, with exit 1 and 2', async () => {
    const dir = recordedDataDir()
    writeFileSync(join(dir, 'bad.yaml'), '- id: x\n  name: x\n  tagId: a\n  condition: { kind: high }\n')
    const bad = capture()
    expect(await main(['alarms', 'test', '--rules', join(dir, 'bad.yaml'), '--data-dir', dir, '--from', String(T0), '--to', String(T0 + 1)], bad)).toBe(1)
    expect(bad.err).toMatch(/otw alarms test: 1 problem in the rules file: rule 1 \(x\): condition.limit: .* — fix them and import again/)
    const usage = capture()
    expect(await main(['alarms', 'test', '--rules', join(dir, 'rules.yaml'), '--data-dir', dir, '--from', 'yesterday', '--to', String(T0)], usage)).toBe(2)
    expect(usage.err).toContain('--from "yesterday" is not a time')
    const help = capture()
    expect(await main(['alarms', '--help'], help)).toBe(0)
    expect(help.out).toContain('Usage: otw alarms test --rules rules.yaml --data-dir <dir> --from <ISO> --to <ISO> [--json]')
    const empty = capture()
    expect(
      await main(
        ['alarms', 'test', '--rules', join(dir, 'rules.yaml'), '--data-dir', join(dir, 'nowhere'), '--from', String(T0), '--to', String(T0 + 1)],
        empty,
      ),
    ).toBe(1)
    expect(empty.err).toContain('no historian at')
  })
})
