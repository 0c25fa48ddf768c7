import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { main } from '../cli'

const io = () => {
  const out = { stdout: '', stderr: '' }
  return {
    out,
    io: { stdout: (s: string) => (out.stdout += s), stderr: (s: string) => (out.stderr += s), untilInterrupted: () => new Promise<void>(() => {}) },
  }
}

describe('otw report', () => {
  const dir = mkdtempSync(join(tmpdir(), 'otw-cli-report-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('writes the PDF and the HTML of a data folder and prints the line figures as JSON', async () => {
    const { out, io: cli } = io()
    const pdf = join(dir, 'report.pdf')
    const html = join(dir, 'report.html')
    const code = await main(
      [
        'report',
        '--data-dir',
        join(dir, 'data'),
        '--from',
        '2024-05-06T00:00:00Z',
        '--to',
        '2024-05-07T00:00:00Z',
        '--out',
        pdf,
        '--html',
        html,
        '--site',
        'Plant Ost',
        '--compare-from',
        '2024-05-05T00:00:00Z',
        '--compare-to',
        '2024-05-06T00:00:00Z',
        '--json',
      ],
      cli,
    )
    expect(out.stderr).toBe('')
    expect(code).toBe(0)
    const json = JSON.parse(out.stdout) as { pdf: string; line: { oee: number | null } }
    expect(json.pdf).toBe(pdf)
    expect(json.line).toHaveProperty('oee')
    expect(execFileSync('pdftotext', [pdf, '-']).toString()).toContain('Plant Ost')
    expect(existsSync(html) && readFileSync(html, 'utf8')).toContain('Compared with:')
  }, 60_000)

  it('covers the lines and machines named with --line and --machine, and says which line names it knows', async () => {
    const { out, io: cli } = io()
    const html = join(dir, 'part.html')
    const args = ['report', '--data-dir', join(dir, 'data'), '--from', '2024-05-06T00:00:00Z', '--to', '2024-05-07T00:00:00Z', '--out', join(dir, 'part.pdf')]
    expect(await main([...args, '--html', html, '--line', 'Line1', '--machine', 'Line1.Filler', '--machine', 'Line1.Capper', '--json'], cli)).toBe(0)
    const json = JSON.parse(out.stdout) as { scope: { lines: string[]; machines: { id: string; name: string }[] }; machines: { machine: string }[] }
    expect(json.scope).toEqual({
      lines: ['Line1'],
      machines: [
        { id: 'Line1.Filler', name: 'Filler' },
        { id: 'Line1.Capper', name: 'Capper' },
      ],
    })
    expect(json.machines.map((m) => m.machine)).toEqual(['Line1.Filler', 'Line1.Capper'])
    expect(readFileSync(html, 'utf8')).toContain('<b>Machines:</b> Filler, Capper <span class="diff">(left out: Labeler)</span>')
    const wrong = io()
    expect(await main([...args, '--line', 'Line 2'], wrong.io)).not.toBe(0)
    expect(wrong.out.stderr).toContain('No line "Line 2" — this workstation\'s OEE settings have "Line1"')
  }, 60_000)

  it('refuses a time it cannot read, naming the option', async () => {
    const { out, io: cli } = io()
    expect(await main(['report', '--data-dir', dir, '--from', 'yesterday', '--to', '2024-05-07', '--out', join(dir, 'x.pdf')], cli)).toBe(2)
    expect(out.stderr).toContain('--from "yesterday" is not a time — use ISO 8601')
  })
})
