import { parse } from 'csv-parse/sync'
import { stringify } from 'csv-stringify/sync'
import { parseAccess, parseDataType, parseIgnitionAddress, parseKepwareAddress, type CsvFormat, type ImportedAddress } from './tag-csv-dialects'
import { Tag, tagFullPath, type ByteOrder, type TagInput } from './tag'

// Tag lists in and out as CSV: our own columns, plus Kepware and Ignition exports through a column mapping.

export type { CsvFormat } from './tag-csv-dialects'

/** Our own columns, in export order (documented in README.md). */
export const TAG_CSV_COLUMNS = [
  'id',
  'name',
  'path',
  'connectionId',
  'address',
  'dataType',
  'byteOrder',
  'engineeringUnit',
  'rangeLow',
  'rangeHigh',
  'rawLow',
  'rawHigh',
  'engLow',
  'engHigh',
  'deadband',
  'access',
  'scanRateMs',
  'stringLength',
  'description',
] as const

/** What a source column can feed: our columns plus Kepware's scaling switch. */
export type TagCsvField = (typeof TAG_CSV_COLUMNS)[number] | 'scalingType'

export interface ColumnMapping {
  /** Decides how data types, access and addresses are spelled in the file. */
  format: CsvFormat
  /** Field → header of the source column that feeds it. Unmapped fields stay empty. */
  columns: Partial<Record<TagCsvField, string>>
  /** Values for fields the file does not carry (Kepware and Ignition have no connection id). */
  defaults?: {
    connectionId?: string
    byteOrder?: ByteOrder
    /** Folders put in front of every imported tag's own path. */
    path?: string[]
    scanRateMs?: number
  }
  /** Ignition devices set to zero-based addressing (HR0 = first register). */
  ignitionZeroBased?: boolean
}

export interface TagImportError {
  /** 1-based line in the file, header = line 1. */
  line: number
  message: string
}

export interface TagImportResult {
  tags: Tag[]
  errors: TagImportError[]
}

function normalise(header: string): string {
  return header.toLowerCase().replace(/[^a-z0-9]/g, '')
}

// Normalised header spellings per field, from our export, Kepware, Ignition and common hand-made lists.
const HEADER_ALIASES: Record<TagCsvField, string[]> = {
  id: ['id', 'tagid'],
  name: ['name', 'tagname', 'tag'],
  path: ['path', 'folder', 'tagpath', 'group'],
  connectionId: ['connectionid', 'connection', 'device', 'opcserver'],
  address: ['address', 'opcitempath', 'itempath', 'register'],
  dataType: ['datatype', 'type'],
  byteOrder: ['byteorder', 'endianness', 'wordorder'],
  engineeringUnit: ['engineeringunit', 'engunits', 'engunit', 'unit', 'units'],
  rangeLow: ['rangelow', 'englow', 'min'],
  rangeHigh: ['rangehigh', 'enghigh', 'max'],
  rawLow: ['rawlow'],
  rawHigh: ['rawhigh'],
  engLow: ['scaledlow'],
  engHigh: ['scaledhigh'],
  deadband: ['deadband'],
  access: ['access', 'clientaccess', 'readwrite'],
  scanRateMs: ['scanratems', 'scanrate', 'pollrate'],
  stringLength: ['stringlength', 'length'],
  description: ['description', 'documentation', 'comment', 'tooltip'],
  scalingType: ['scaling', 'scalingtype'],
}

// Ignition's Eng Low/High are the display range; ours scale raw counts, so each format picks its meaning.
const FORMAT_OVERRIDES: Record<CsvFormat, Partial<Record<TagCsvField, string[]>>> = {
  otw: { rangeLow: ['rangelow'], rangeHigh: ['rangehigh'], engLow: ['englow'], engHigh: ['enghigh'] },
  kepware: { engLow: ['scaledlow'], engHigh: ['scaledhigh'], rangeLow: [], rangeHigh: [] },
  ignition: { rangeLow: ['englow'], rangeHigh: ['enghigh'], engLow: [], engHigh: [], connectionId: [] },
  unknown: {},
}

/** Which tool wrote this CSV, from its header row. */
export function detectFormat(headers: readonly string[]): CsvFormat {
  const has = new Set(headers.map(normalise))
  if (['name', 'connectionid', 'address', 'datatype'].every((h) => has.has(h))) return 'otw'
  if (has.has('tagname') && has.has('address') && has.has('datatype') && (has.has('clientaccess') || has.has('respectdatatype'))) {
    return 'kepware'
  }
  if (has.has('opcitempath') && has.has('name')) return 'ignition'
  return 'unknown'
}

/** A first column mapping for the mapping step; the person confirms or edits it. */
export function suggestMapping(headers: readonly string[]): ColumnMapping {
  const format = detectFormat(headers)
  const columns: ColumnMapping['columns'] = {}
  const taken = new Set<string>()
  for (const field of Object.keys(HEADER_ALIASES) as TagCsvField[]) {
    const aliases = FORMAT_OVERRIDES[format][field] ?? HEADER_ALIASES[field]
    const header = headers.find((h) => aliases.includes(normalise(h)) && !taken.has(h))
    if (header !== undefined) {
      columns[field] = header
      taken.add(header)
    }
  }
  return { format, columns }
}

/** Parses a tag CSV through a mapping: good rows become tags, bad rows become errors with line numbers. */
export function importTags(csvText: string, mapping: ColumnMapping): TagImportResult {
  const errors: TagImportError[] = []
  const records = parse(csvText, {
    info: true,
    bom: true,
    relax_column_count: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    on_skip: (error) => {
      if (error) errors.push({ line: Number(error.lines), message: `malformed CSV (${error.message}) — fix the quoting on this row` })
      return undefined
    },
  }) as unknown as { record: string[]; info: { lines: number } }[]
  const [header, ...rows] = records
  if (!header || header.record.every((h) => h.trim() === '')) {
    return { tags: [], errors: [...errors, { line: 1, message: 'the file has no header row; expected column names on line 1' }] }
  }

  const headers = header.record.map((h) => h.trim())
  const index = new Map<TagCsvField, number>()
  for (const [field, source] of Object.entries(mapping.columns) as [TagCsvField, string | undefined][]) {
    if (source === undefined || source === '') continue
    const position = headers.findIndex((h) => h === source.trim())
    if (position < 0) {
      return {
        tags: [],
        errors: [{ line: header.info.lines, message: `column "${source}" mapped to ${field} is not in the header (${headers.join(', ')})` }],
      }
    }
    index.set(field, position)
  }
  const missing = (['name', 'address', 'dataType'] as const).filter((f) => !index.has(f))
  if (missing.length > 0) {
    return {
      tags: [],
      errors: [{ line: header.info.lines, message: `no column is mapped to ${missing.join(', ')}; map them before importing` }],
    }
  }

  const tags: Tag[] = []
  const lineById = new Map<string, number>()
  for (const { record, info } of rows) {
    if (record.length !== headers.length) {
      errors.push({
        line: info.lines,
        message: `${record.length} columns but the header has ${headers.length} — check for a stray or missing comma`,
      })
      continue
    }
    const cell = (field: TagCsvField): string | undefined => {
      const position = index.get(field)
      if (position === undefined) return undefined
      const value = record[position]!
      return field === 'description' ? value : value.trim()
    }
    try {
      const tag = rowToTag(cell, mapping)
      const previous = lineById.get(tag.id)
      if (previous !== undefined) throw new Error(`tag id "${tag.id}" is already used on line ${previous}`)
      lineById.set(tag.id, info.lines)
      tags.push(tag)
    } catch (error) {
      errors.push({ line: info.lines, message: (error as Error).message })
    }
  }
  return { tags, errors }
}

function rowToTag(cell: (field: TagCsvField) => string | undefined, mapping: ColumnMapping): Tag {
  const { format, defaults = {} } = mapping
  const text = (field: TagCsvField) => {
    const value = cell(field)
    return value === undefined || value === '' ? undefined : value
  }
  const number = (field: TagCsvField) => {
    const value = text(field)
    if (value === undefined) return undefined
    const parsed = Number(value)
    if (!Number.isFinite(parsed)) throw new Error(`${field} "${value}" is not a number`)
    return parsed
  }

  let name = text('name')
  if (!name) throw new Error('name is empty; every tag needs a name')
  let path =
    text('path')
      ?.split('/')
      .filter((s) => s !== '') ?? []
  if (format === 'kepware' && name.includes('.')) {
    // Kepware exports tags inside tag groups as Group.SubGroup.Tag.
    const parts = name.split('.')
    name = parts.pop()!
    path = [...path, ...parts]
  }
  path = [...(defaults.path ?? []), ...path]

  const rawAddress = text('address')
  if (!rawAddress) throw new Error('address is empty; give the device address of the tag')
  const imported: ImportedAddress =
    format === 'kepware'
      ? parseKepwareAddress(rawAddress)
      : format === 'ignition'
        ? parseIgnitionAddress(rawAddress, mapping.ignitionZeroBased)
        : { address: rawAddress }

  const typeText = text('dataType')
  const declaredType = typeText === undefined ? undefined : parseDataType(typeText, format)
  // The wire type fixed by the address wins over the display type (Ignition coerces, Kepware strings).
  const dataType = imported.dataType ?? declaredType
  if (!dataType) throw new Error('data type is empty; use one of bool, int16, uint16, int32, uint32, int64, uint64, float32, float64, string')

  const connectionId = text('connectionId') ?? defaults.connectionId ?? imported.device
  if (!connectionId) {
    throw new Error('connection is empty; map a connection column or choose a connection for the whole import')
  }

  const rangeLow = number('rangeLow')
  const rangeHigh = number('rangeHigh')
  if ((rangeLow === undefined) !== (rangeHigh === undefined)) {
    throw new Error('range needs both rangeLow and rangeHigh, or neither')
  }
  const scaling = scalingOf(number('rawLow'), number('rawHigh'), number('engLow'), number('engHigh'), text('scalingType'))

  const input: TagInput = {
    id: text('id') ?? `${connectionId}/${tagFullPath({ path, name })}`,
    name,
    path,
    connectionId,
    address: imported.address,
    dataType,
    byteOrder: imported.byteOrder ?? text('byteOrder') ?? defaults.byteOrder,
    engineeringUnit: text('engineeringUnit'),
    range: rangeLow === undefined ? undefined : { low: rangeLow, high: rangeHigh! },
    scaling,
    deadband: deadbandOf(text('deadband')),
    access: text('access') === undefined ? undefined : parseAccess(text('access')!),
    description: cell('description') ?? '',
    stringLength: imported.stringLength ?? number('stringLength'),
    scanRateMs: number('scanRateMs') ?? defaults.scanRateMs,
  }
  const result = Tag.safeParse(input)
  if (!result.success) {
    throw new Error(result.error.issues.map((issue) => `${issue.path.join('.') || 'tag'}: ${issue.message}`).join('; '))
  }
  return result.data
}

function scalingOf(
  rawLow: number | undefined,
  rawHigh: number | undefined,
  engLow: number | undefined,
  engHigh: number | undefined,
  scalingType: string | undefined,
): TagInput['scaling'] {
  if (scalingType !== undefined) {
    const kind = scalingType.toLowerCase()
    if (kind === 'none') return undefined
    if (kind !== 'linear') throw new Error(`scaling "${scalingType}" is not supported; only Linear (or None) can be imported`)
  }
  const values = [rawLow, rawHigh, engLow, engHigh]
  if (values.every((v) => v === undefined)) return undefined
  if (values.some((v) => v === undefined)) {
    throw new Error('scaling needs all four of rawLow, rawHigh, engLow, engHigh, or none of them')
  }
  return { rawLow: rawLow!, rawHigh: rawHigh!, engLow: engLow!, engHigh: engHigh! }
}

/** `0.5` is absolute (engineering units), `2%` is percent of range. */
function deadbandOf(text: string | undefined): TagInput['deadband'] {
  if (text === undefined) return undefined
  const percent = text.endsWith('%')
  const value = Number(percent ? text.slice(0, -1) : text)
  if (!Number.isFinite(value) || value < 0) {
    throw new Error(`deadband "${text}" is not valid; write 0.5 for engineering units or 2% for percent of range`)
  }
  return { mode: percent ? 'percent' : 'absolute', value }
}

function formatDeadband(deadband: Tag['deadband']): string {
  if (!deadband) return ''
  return deadband.mode === 'percent' ? `${deadband.value}%` : String(deadband.value)
}

const optional = (value: number | string | undefined) => (value === undefined ? '' : String(value))

/** Our CSV: one row per tag, all columns always present, so export → import → export is identical. */
export function exportTags(tags: readonly Tag[]): string {
  const rows = tags.map((tag) => [
    tag.id,
    tag.name,
    tag.path.join('/'),
    tag.connectionId,
    tag.address,
    tag.dataType,
    tag.byteOrder,
    optional(tag.engineeringUnit),
    optional(tag.range?.low),
    optional(tag.range?.high),
    optional(tag.scaling?.rawLow),
    optional(tag.scaling?.rawHigh),
    optional(tag.scaling?.engLow),
    optional(tag.scaling?.engHigh),
    formatDeadband(tag.deadband),
    tag.access,
    optional(tag.scanRateMs),
    optional(tag.stringLength),
    tag.description,
  ])
  return stringify([[...TAG_CSV_COLUMNS], ...rows])
}

/** The mapping for files written by exportTags. */
export const OTW_MAPPING: ColumnMapping = {
  format: 'otw',
  columns: Object.fromEntries(TAG_CSV_COLUMNS.map((column) => [column, column])),
}
