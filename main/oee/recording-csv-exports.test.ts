import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { openHistorian } from '../historian'
import { tempDir } from '../historian/test-helpers'
import { computeLineOee } from './line-oee'
import { exampleConfig, exampleRange, exampleSeries } from './oee-scenarios.fixture'
import { parseRecordingCsv } from './recording-csv'

// `otw oee` reads the workstation's own exports: the example recording goes into a real historian file, comes out as
// the historian's long and wide CSV, and gives the same OEE as the recording itself.
describe("the app's own CSV exports as otw oee input", () => {
  const exportAs = async (format: 'csv-long' | 'csv-wide', timeFormat: 'iso' | 'epoch-ms') => {
    const d = tempDir()
    const h = openHistorian({ file: d.file('e.otwh'), flushIntervalMs: 0, retentionIntervalMs: 0 })
    const tags = Object.keys(exampleSeries)
    for (const tag of tags) for (const s of exampleSeries[tag]) h.append(tag, s.t, s.v, Number.isNaN(s.v) ? 2 : 0)
    h.flush()
    const first = Math.min(...tags.map((t) => exampleSeries[t][0].t))
    await h.exportRange({ tagIds: tags, from: first, to: exampleRange.to, format, out: d.file('out.csv'), timeFormat })
    const text = readFileSync(d.file('out.csv'), 'utf8')
    h.close()
    d.remove()
    return text
  }

  for (const [format, timeFormat] of [
    ['csv-long', 'iso'],
    ['csv-wide', 'epoch-ms'],
    ['csv-wide', 'iso'],
  ] as const)
    it(`${format} (${timeFormat} times) gives the OEE of the recording`, async () => {
      const text = await exportAs(format, timeFormat)
      expect(text.split('\n')[0]).toMatch(format === 'csv-long' ? /^time,tag,value,quality,reason$/ : /^time,[^,]+,[^,]+ quality,[^,]+ reason,/)
      const series = parseRecordingCsv(text, `export.${format}.csv`)
      expect(Object.keys(series).sort()).toEqual(Object.keys(exampleSeries).sort())
      for (const by of ['shift', 'day'] as const) {
        const expected = computeLineOee({ config: exampleConfig, series: exampleSeries, range: exampleRange, by })
        expect(computeLineOee({ config: exampleConfig, series, range: exampleRange, by })).toEqual(expected)
      }
    })

  it('reads the Trends CSV (value and quality per pen; an empty value marked "no data" is a gap)', () => {
    const text = ['time,A,A quality,B,B quality', '2024-01-10T05:00:00.000Z,1,good,,', '2024-01-10T05:00:01.000Z,,no data: link down,3,uncertain'].join('\n')
    expect(parseRecordingCsv(text)).toEqual({
      A: [
        { t: Date.parse('2024-01-10T05:00:00Z'), v: 1 },
        { t: Date.parse('2024-01-10T05:00:01Z'), v: Number.NaN },
      ],
      B: [{ t: Date.parse('2024-01-10T05:00:01Z'), v: 3 }],
    })
  })
})
