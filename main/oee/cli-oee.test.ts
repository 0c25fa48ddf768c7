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
})
