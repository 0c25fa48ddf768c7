import { parse } from 'csv-parse/sync'
import { formatS7Address, parseS7Address } from './s7-address'
import { formatS7DataType } from './s7-data-types'

// A TIA Portal PLC tag table export (the XLSX saved as CSV: Name, Path, Data Type, Logical Address, Comment …) turned
// into S7 tags. Rows whose address or type the connector cannot read are reported with the reason, not dropped silently.

export interface TagTableTag {
  name: string
  /** The tag table the tag sits in (`Default tag table`). */
  path: string[]
  /** Canonical address without `%`: `MW20`, `DB1.DBX0.0`, `I0.0`. */
  address: string
  dataType: string
  comment?: string
  /** Whether TIA Portal lets the HMI write it (`Hmi Writeable`), as a hint for the tag's access. */
  hmiWriteable?: boolean
}

export interface TagTableProblem {
  /** 1-based line in the file. */
  line: number
  name: string
  problem: string
}

export interface TagTable {
  tags: TagTableTag[]
  problems: TagTableProblem[]
}

const REQUIRED = ['Name', 'Data Type', 'Logical Address'] as const

export class TagTableError extends Error {
  constructor(problem: string) {
    super(`TIA Portal tag table: ${problem}`)
    this.name = 'TagTableError'
  }
}

export function parseTagTable(text: string): TagTable {
  const body = text.replace(/^\uFEFF/, '')
  const firstLine = body.slice(0, body.indexOf('\n') < 0 ? undefined : body.indexOf('\n'))
  // Excel saves CSV with the list separator of its locale: ';' in most of Europe, ',' elsewhere, or tabs.
  const delimiter = [';', '\t', ','].find((d) => firstLine.includes(d)) ?? ','
  let rows: string[][]
  try {
    rows = parse(body, { delimiter, relax_column_count: true, skip_empty_lines: true, trim: true }) as string[][]
  } catch (error) {
    throw new TagTableError(`cannot read the file as CSV (${(error as Error).message})`)
  }
  const header = rows[0]?.map((h) => h.toLowerCase())
  const column = (name: string) => header?.indexOf(name.toLowerCase()) ?? -1
  const missing = REQUIRED.filter((name) => column(name) < 0)
  if (!header || missing.length > 0) {
    throw new TagTableError(
      `the header has no ${missing.map((m) => `"${m}"`).join(', ')} column — export the PLC tag table from TIA Portal (Export in the tag table's toolbar) and save the sheet "PLC Tags" as CSV`,
    )
  }
  const [nameAt, typeAt, addressAt, pathAt, commentAt, writeAt] = ['Name', 'Data Type', 'Logical Address', 'Path', 'Comment', 'Hmi Writeable'].map(column)
  const tags: TagTableTag[] = []
  const problems: TagTableProblem[] = []
  rows.slice(1).forEach((row, index) => {
    const line = index + 2
    const name = row[nameAt!] ?? ''
    if (!name) {
      problems.push({ line, name: '', problem: 'the row has no name' })
      return
    }
    try {
      const item = parseS7Address(row[addressAt!] ?? '', row[typeAt!] ?? '')
      const tag: TagTableTag = { name, path: row[pathAt!] ? [row[pathAt!]!] : [], address: formatS7Address(item), dataType: formatS7DataType(item.dataType) }
      const comment = row[commentAt!]
      if (comment) tag.comment = comment
      if (writeAt! >= 0 && row[writeAt!]) tag.hmiWriteable = /^(true|wahr|1|yes|ja)$/i.test(row[writeAt!]!)
      tags.push(tag)
    } catch (error) {
      problems.push({ line, name, problem: (error as Error).message })
    }
  })
  return { tags, problems }
}
