import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { computeLineOee } from './line-oee'
import { exampleConfig, exampleRange, exampleSeries } from './oee-scenarios.fixture'
import { RecordingCsvError, formatRecordingCsv, parseRecordingCsv } from './recording-csv'

function problemsOf(text: string) {
  try {
    parseRecordingCsv(text, 'bad.csv')
  } catch (e) {
    expect(e).toBeInstanceOf(RecordingCsvError)
    return (e as RecordingCsvError).problems
  }
  throw new Error('expected a RecordingCsvError')
}

describe('recording CSV', () => {
  it('parses ISO (Z and offset) and epoch ms times, booleans, comments and blank lines, sorted per tag', () => {
    const series = parseRecordingCsv(
      ['time,tag,value', '# comment', '2024-01-10T06:00:01+01:00,a,2', '', '1704862800000,a,1', '2024-01-10T05:00:02Z,b,true'].join('\n'),
    )
    expect(series).toEqual({
      a: [
        { t: 1704862800000, v: 1 },
        { t: 1704862801000, v: 2 },
      ],
      b: [{ t: 1704862802000, v: 1 }],
    })
  })

  it('keeps # inside tag names; only lines starting with # are comments', () => {
    expect(parseRecordingCsv('# header comment\n5,PLC#1.State,3\n')).toEqual({ 'PLC#1.State': [{ t: 5, v: 3 }] })
  })

  it('reports every malformed row with its line number and what is wrong', () => {
    const problems = problemsOf(
      [
        'time,tag,value',
        '2024-01-10T06:00:00Z,a,1',
        '2024-01-10T06:00:00,a,1',
        'yesterday,a,1',
        '2024-01-10T06:00:00Z,,1',
        '2024-01-10T06:00:00Z,a,abc',
        '2024-01-10T06:00:00Z,a',
      ].join('\n'),
    )
    expect(problems).toEqual([
      { line: 3, message: 'time "2024-01-10T06:00:00" has no time zone — add Z or an offset such as +01:00' },
      { line: 4, message: 'time "yesterday" is neither ISO 8601 (2024-03-31T06:00:00Z) nor epoch milliseconds' },
      { line: 5, message: 'tag is empty' },
      { line: 6, message: 'value "abc" for tag a is not a number, true, false or NaN (no data)' },
      { line: 7, message: 'has 2 column(s), expected 3 (time,tag,value)' },
    ])
  })

  it('reads another header as a wide CSV and says so when a value does not fit', () => {
    expect(problemsOf('time,name,val\n1,a,1\n')).toEqual([
      {
        line: 2,
        message:
          'value "a" for tag name is not a number, true, false or NaN (no data) — read as a wide CSV (time, then a column per tag) because the header is not "time,tag,value"',
      },
    ])
  })

  it('the message names the file and the first problems', () => {
    expect(() => parseRecordingCsv('1,a,x\n', 'plant.csv')).toThrow(/plant\.csv: 1 malformed row\(s\)[\s\S]*line 1: value "x"/)
  })

  it('the CSV path and the in-memory series path give the same numbers', () => {
    const fromCsv = parseRecordingCsv(readFileSync(new URL('./examples/recording.csv', import.meta.url), 'utf8'))
    expect(fromCsv).toEqual(parseRecordingCsv(formatRecordingCsv(exampleSeries)))
    for (const by of ['shift', 'day'] as const) {
      const a = computeLineOee({ config: exampleConfig, series: exampleSeries, range: exampleRange, by })
      const b = computeLineOee({ config: exampleConfig, series: fromCsv, range: exampleRange, by })
      expect(b).toEqual(a)
    }
  })
})
