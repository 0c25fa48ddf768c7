import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { runOeeCommand } from './cli-oee'
import type { LineOeeReport } from './oee-result'

const examples = fileURLToPath(new URL('./examples/', import.meta.url))

async function otw(argv: string[], files: Record<string, string> = {}) {
  let stdout = ''
  let stderr = ''
  const code = await runOeeCommand(argv, {
    stdout: (s) => void (stdout += s),
    stderr: (s) => void (stderr += s),
    readFile: async (p) => files[p] ?? readFile(p.startsWith('/') ? p : examples + p, 'utf8'),
  })
  return { code, stdout, stderr }
}

const base = ['--config', 'machine.json', '--data', 'recording.csv', '--from', '2024-01-10', '--to', '2024-01-11']

describe('otw oee', () => {
  it('prints a table per shift for the example, with the bottleneck named', async () => {
    const r = await otw([...base, '--by', 'shift'])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/2024-01-10 early\s+filler/)
    expect(r.stdout).toMatch(/2024-01-10 late\s+line @ /)
    expect(r.stdout).toMatch(/Bottleneck/)
    expect(r.stderr).toMatch(/warning: machine capper: total counter L1.Capper.Total was reset 1 time/)
  })

  it('prints JSON with --json; local dates are read in the plant time zone', async () => {
    const r = await otw([...base, '--json', '--by', 'day'])
    expect(r.code).toBe(0)
    const report = JSON.parse(r.stdout) as LineOeeReport
    expect(report.range).toEqual({ from: '2024-01-10T00:00:00.000+01:00', to: '2024-01-11T00:00:00.000+01:00' })
    expect(report.periods.map((p) => p.period.label)).toEqual(['2024-01-10'])
    expect(report.periods[0].machines.map((m) => m.machine)).toEqual(['filler', 'capper'])
  })

  it('returns 2 with usage on bad arguments', async () => {
    for (const argv of [
      [],
      ['--config', 'machine.json'],
      [...base, '--by', 'month'],
      [...base, '--bogus'],
      ['--config', 'm', '--data', 'd', '--from', 'soon', '--to', '2024-01-11'],
    ]) {
      const r = await otw(argv)
      expect(r.code, argv.join(' ')).toBe(2)
      expect(r.stderr).toMatch(/Usage: otw oee/)
    }
    expect((await otw([...base.slice(0, 6), '--to', '2024-01-09'])).stderr).toMatch(/--to \(2024-01-09\) must be after --from/)
  })

  it('returns 1 and says what and why when the operation fails', async () => {
    const missing = await otw(['--config', '/nonexistent/machine.json', ...base.slice(2)])
    expect(missing.code).toBe(1)
    expect(missing.stderr).toMatch(/cannot read config \/nonexistent\/machine.json: .*ENOENT.* — check the path/)

    const badConfig = await otw(base, {
      'machine.json': JSON.stringify({ calendar: { timeZone: 'Mars/Olympus', shifts: [] }, line: { name: 'x', machines: [] } }),
    })
    expect(badConfig.code).toBe(1)
    expect(badConfig.stderr).toMatch(/not a valid OEE configuration[\s\S]*calendar.timeZone: unknown IANA time zone/)

    const badCsv = await otw(base, { 'recording.csv': 'time,tag,value\n2024-01-10T06:00:00Z,a,1\n2024-01-10T06:00:00Z,a,one\n' })
    expect(badCsv.code).toBe(1)
    expect(badCsv.stderr).toMatch(/recording.csv: 1 malformed row\(s\)[\s\S]*line 3: value "one" for tag a/)
  })

  describe('several lines ({ lines: [...] })', () => {
    const twoLines = async (): Promise<string> => {
      const old = JSON.parse(await readFile(examples + 'machine.json', 'utf8')) as { line: { name: string; machines: { id: string }[] } }
      const { line, ...rest } = old
      return JSON.stringify({
        ...rest,
        lines: [
          { name: 'Line 1', machines: line.machines.filter((m) => m.id === 'filler') },
          { id: 'l2', name: 'Line 2', machines: line.machines.filter((m) => m.id === 'capper') },
        ],
      })
    }
    const args = ['--config', 'lines.json', '--data', 'recording.csv', '--from', '2024-01-10', '--to', '2024-01-11']

    it('computes every line, one table each; --json gives { lines: [...] }', async () => {
      const files = { 'lines.json': await twoLines() }
      const table = await otw(args, files)
      expect(table.code).toBe(0)
      expect(table.stdout).toContain('OEE Line 1 —')
      expect(table.stdout).toContain('OEE Line 2 —')
      const json = await otw([...args, '--json'], files)
      const out = JSON.parse(json.stdout) as { lines: LineOeeReport[] }
      expect(out.lines.map((r) => [r.line, r.periods[0].machines.map((m) => m.machine)])).toEqual([
        ['Line 1', ['filler']],
        ['Line 2', ['capper']],
      ])
      // Each line alone gives the same figures as the one-line example gives that machine.
      const one = JSON.parse((await otw([...base, '--json'])).stdout) as LineOeeReport
      expect(out.lines[1].periods[0].machines[0].oee).toBeCloseTo(one.periods[0].machines.find((m) => m.machine === 'capper')!.oee!, 12)
    })

    it('--line picks one line by name or id; an unknown line is a usage error naming the lines', async () => {
      const files = { 'lines.json': await twoLines() }
      for (const pick of ['Line 2', 'l2']) {
        const r = await otw([...args, '--json', '--line', pick], files)
        expect(r.code).toBe(0)
        expect((JSON.parse(r.stdout) as LineOeeReport).line).toBe('Line 2')
      }
      const bad = await otw([...args, '--line', 'Line 9'], files)
      expect(bad.code).toBe(2)
      expect(bad.stderr).toContain('--line "Line 9" is not in lines.json — its lines: "Line 1", "Line 2"')
    })

    it('refuses a machine id used on two lines, and both line and lines, naming the line and field', async () => {
      const config = JSON.parse(await twoLines()) as { lines: { machines: { id: string }[] }[]; line?: unknown }
      config.lines[1].machines[0].id = 'filler'
      const dup = await otw(args, { 'lines.json': JSON.stringify(config) })
      expect(dup.code).toBe(1)
      expect(dup.stderr).toContain('lines.1.machines.0.id: line "Line 2": machine id "filler" is already used on line "Line 1"')
      const both = await otw(args, { 'lines.json': JSON.stringify({ ...config, line: config.lines[0] }) })
      expect(both.stderr).toContain('line: give "lines" (several lines) or "line" (one line), not both')
    })
  })
})
