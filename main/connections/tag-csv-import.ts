import { basename } from 'node:path'
import { parse } from 'csv-parse/sync'
import {
  WorkbenchError,
  modbusTagConfigSchema,
  opcuaTagConfigSchema,
  type ConnectionConfig,
  type ModbusTagConfig,
  type OpcUaTagConfig,
  type TagCsvMapping,
  type TagCsvPreview,
  type TagCsvSource,
} from '../../preload/contract'
import { readCheckedText } from '../files/checked-file'
import { parseModbusAddress } from '../../preload/contract/modbus-address'
import { detectFormat, importTags, suggestMapping, type ColumnMapping } from '../tags/tag-csv'
import type { Tag } from '../tags/tag'

// The Tags view's "Import CSV…": read the file, show what the column mapping makes of it, then add every row to one
// connection in one update (all or nothing).

/** Stands in for the connection until the person picks one, so rows do not fail for the lack of it. */
const PREVIEW_CONNECTION = 'target'

export interface CsvText {
  fileName: string
  text: string
}

export async function readCsvSource(source: TagCsvSource): Promise<CsvText> {
  if (source.kind === 'text') return { fileName: source.fileName || 'tags.csv', text: source.text }
  return { fileName: basename(source.path), text: await readCheckedText(source.path, 'tagCsv') }
}

function headersOf(text: string): string[] {
  const [first] = parse(text, { bom: true, to_line: 1, relax_column_count: true, skip_empty_lines: true }) as string[][]
  return (first ?? []).map((h) => h.trim())
}

function toColumnMapping(mapping: TagCsvMapping): ColumnMapping {
  return {
    format: mapping.format,
    columns: mapping.columns,
    defaults: { connectionId: PREVIEW_CONNECTION, byteOrder: mapping.byteOrder },
    ignitionZeroBased: mapping.ignitionZeroBased,
  }
}

export function suggestedMapping(headers: readonly string[]): TagCsvMapping {
  const suggested = suggestMapping(headers)
  const { id: _id, deadband: _deadband, ...columns } = suggested.columns
  return { format: suggested.format, columns, byteOrder: 'ABCD' }
}

/** A connection tag's name: Kepware groups and Ignition folders stay visible as `Group.Tag`. */
export function connectionTagName(tag: Pick<Tag, 'name' | 'path'>): string {
  return [...tag.path, tag.name].join('.')
}

type TargetTag = ModbusTagConfig | OpcUaTagConfig

/** Imported folders as a connection tag stores them (at most 16 levels of 120 characters), none when there are none. */
function folderPath(path: readonly string[]): string[] | undefined {
  const folders = path
    .map((p) => p.trim().slice(0, 120))
    .filter((p) => p !== '')
    .slice(-16)
  return folders.length > 0 ? folders : undefined
}

/** The tag as the target connection stores it, or why it does not fit that connection. */
export function toConnectionTag(tag: Tag, target: ConnectionConfig): TargetTag {
  const name = connectionTagName(tag)
  const common = {
    name,
    // Kepware groups and Ignition folders also become the tag's folders in the Tags tree.
    path: folderPath(tag.path),
    unit: tag.engineeringUnit,
    range: tag.range,
    description: tag.description === '' ? undefined : tag.description,
  }
  if (target.protocol === 'modbus-tcp' || target.protocol === 'modbus-rtu') {
    try {
      parseModbusAddress(tag.address)
    } catch (error) {
      throw new Error(`address "${tag.address}" is not a Modbus address (${(error as Error).message}) — import it into an OPC UA connection instead`)
    }
    return modbusTagConfigSchema.parse({
      ...common,
      address: tag.address,
      dataType: tag.dataType,
      byteOrder: tag.byteOrder,
      access: tag.access,
      stringLength: tag.stringLength,
      scanRateMs: tag.scanRateMs,
      scaling: tag.scaling,
    })
  }
  if (target.protocol === 'opcua') {
    return opcuaTagConfigSchema.parse({ ...common, nodeId: tag.address, dataType: tag.dataType, access: tag.access })
  }
  if (target.protocol === 's7') {
    throw new Error(
      `connection "${target.name}" is S7: import a TIA Portal PLC tag table or DB source in its detail (Connections); CSV import fills Modbus and OPC UA connections`,
    )
  }
  throw new Error(`connection "${target.name}" is MQTT: map topics to tags in its detail panel; CSV import fills Modbus and OPC UA connections`)
}

interface Converted {
  lines: number[]
  tags: TargetTag[]
  errors: { line: number; message: string }[]
  rowCount: number
  records: { line: number; cells: string[]; tag?: TargetTag; error?: string }[]
}

/** Runs the mapping over every row and, with a target, checks each row against it. */
export function convertCsv(text: string, mapping: TagCsvMapping, target?: ConnectionConfig & { id: string }): Converted {
  const result = importTags(text, toColumnMapping(mapping))
  const records = (
    parse(text, { bom: true, info: true, relax_column_count: true, skip_empty_lines: true, skip_records_with_error: true }) as unknown as {
      record: string[]
      info: { lines: number }
    }[]
  ).slice(1)
  const errorByLine = new Map(result.errors.map((e) => [e.line, e.message]))
  const taken = new Set((target?.tags ?? []).map((t) => t.name))
  const out: Converted = { lines: [], tags: [], errors: [], rowCount: records.length, records: [] }
  // importTags keeps good rows in file order, so they line up with the records that have no error.
  let next = 0
  for (const { record, info } of records) {
    const line = info.lines
    const failed = errorByLine.get(line)
    if (failed !== undefined) {
      out.records.push({ line, cells: record, error: failed })
      continue
    }
    const tag = result.tags[next++]
    if (!tag) continue
    try {
      if (target && mapping.columns.connectionId && tag.connectionId !== PREVIEW_CONNECTION && tag.connectionId !== target.id) {
        throw new Error(
          `the row is for connection "${tag.connectionId}", not "${target.id}" — choose that connection, or set the Connection id column to "not imported"`,
        )
      }
      const converted: TargetTag = target
        ? toConnectionTag(tag, target)
        : {
            name: connectionTagName(tag),
            address: tag.address,
            dataType: tag.dataType,
            byteOrder: tag.byteOrder,
            access: tag.access,
            unit: tag.engineeringUnit,
          }
      if (taken.has(converted.name))
        throw new Error(
          `a tag named "${converted.name}" is already ${target?.tags.some((t) => t.name === converted.name) ? `in "${target.name}"` : 'on an earlier line'}`,
        )
      taken.add(converted.name)
      out.tags.push(converted)
      out.lines.push(line)
      out.records.push({ line, cells: record, tag: converted })
    } catch (error) {
      out.records.push({ line, cells: record, error: messageOf(error) })
    }
  }
  out.errors = [
    ...result.errors.filter((e) => !records.some((r) => r.info.lines === e.line)),
    ...out.records.filter((r) => r.error !== undefined).map((r) => ({ line: r.line, message: r.error! })),
  ].sort((a, b) => a.line - b.line)
  return out
}

function messageOf(error: unknown): string {
  if (error && typeof error === 'object' && 'issues' in error && Array.isArray((error as { issues: unknown[] }).issues)) {
    return (error as { issues: { path: PropertyKey[]; message: string }[] }).issues.map((i) => `${i.path.join('.') || 'tag'}: ${i.message}`).join('; ')
  }
  return error instanceof Error ? error.message : String(error)
}

export function previewCsv(
  file: CsvText,
  options: { mapping?: TagCsvMapping; target?: ConnectionConfig & { id: string }; previewRows?: number },
): TagCsvPreview {
  const headers = headersOf(file.text)
  if (headers.length === 0 || headers.every((h) => h === '')) {
    throw new WorkbenchError('INVALID_INPUT', `Tag CSV ${file.fileName}: the file is empty or has no header row — the first line must name the columns`)
  }
  const mapping = options.mapping ?? suggestedMapping(headers)
  const converted = convertCsv(file.text, mapping, options.target)
  const tagView = (tag: TargetTag) => ({
    name: tag.name,
    address: 'nodeId' in tag ? tag.nodeId : tag.address,
    dataType: tag.dataType ?? '',
    access: tag.access ?? 'read',
    unit: tag.unit,
    byteOrder: 'byteOrder' in tag && tag.dataType !== 'bool' ? tag.byteOrder : '',
  })
  return {
    fileName: file.fileName,
    headers,
    detectedFormat: detectFormat(headers),
    mapping,
    rowCount: converted.rowCount,
    okCount: converted.tags.length,
    errors: converted.errors.slice(0, 500),
    rows: converted.records.slice(0, options.previewRows ?? 20).map((r) => ({ line: r.line, cells: r.cells, tag: r.tag && tagView(r.tag), error: r.error })),
  }
}
