import { stringify } from 'csv-stringify/sync'
import { WorkbenchError, type EventOf, type ParsedInputOf, type TagCsvMapping, type TagCsvSource, type TagInfo } from '../../preload/contract'
import { modbusDriverOf, scanRegisterRange, scanUnitIds } from '../connectors/modbus'
import { checkS7Tag, previewS7TagSource, readS7TagSource, s7Device } from '../connectors/s7'
import type { Handlers, StreamSink } from '../ipc/handlers'
import { longTask, progressReporter } from '../ipc/long-task'
import { TAG_CSV_COLUMNS } from '../tags/tag-csv'
import type { ConnectionManager } from './connection-manager'
import { convertCsv, previewCsv, readCsvSource } from './tag-csv-import'

// Handlers of connection-tools.ts and s7.ts: tag CSV import/export, Modbus scans, the traffic log and counters (Modbus, S7), OPC UA certificates,
// the S7 CPU's identity and the S7 tag import.

const stamp = (): string => new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19)

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

export function connectionToolHandlers(manager: ConnectionManager, allTags: () => TagInfo[]) {
  const targetConfig = (connectionId: string | undefined) => (connectionId === undefined ? undefined : { ...manager.config(connectionId), id: connectionId })

  const exportTags = (input?: { tagIds?: string[] }) => {
    const wanted = input?.tagIds ? new Set(input.tagIds) : undefined
    const tags = allTags().filter((t) => !wanted || wanted.has(t.id))
    const configs = new Map<string, Record<string, unknown>[]>()
    for (const id of manager.ids()) configs.set(id, manager.config(id).tags as unknown as Record<string, unknown>[])
    const rows = tags.map((tag) => {
      // Tags of hand-made connections carry more than TagInfo shows (byte order, scan rate, string length).
      const stored = configs.get(tag.connectionId)?.find((t) => `${tag.connectionId}:${String(t.name)}` === tag.id) ?? {}
      const scaling = stored.scaling as { rawLow: number; rawHigh: number; engLow: number; engHigh: number } | undefined
      const text = (value: unknown) => (value === undefined || value === null ? '' : String(value as string | number))
      return [
        tag.id,
        tag.name,
        tag.path.join('/'),
        tag.connectionId,
        tag.address,
        tag.dataType,
        text(stored.byteOrder ?? (/^(hr|ir):/.test(tag.address) ? 'ABCD' : '')),
        text(tag.unit),
        text(tag.range?.low),
        text(tag.range?.high),
        text(scaling?.rawLow),
        text(scaling?.rawHigh),
        text(scaling?.engLow),
        text(scaling?.engHigh),
        '',
        tag.access,
        text(stored.scanRateMs),
        text(stored.stringLength),
        tag.description ?? '',
      ]
    })
    return { fileName: `tags-${stamp()}.csv`, csv: stringify([[...TAG_CSV_COLUMNS], ...rows]), count: rows.length }
  }

  const previewS7 = async (input: ParsedInputOf<'s7.tagSourcePreview'>) => {
    const config = manager.config(input.id)
    if (config.protocol !== 's7')
      throw new WorkbenchError('INVALID_INPUT', `Connection "${config.name}" is ${config.protocol}: DB sources and PLC tag tables import into S7 connections`)
    return previewS7TagSource(await readS7TagSource(input.source), new Set(config.tags.map((t) => t.name)), input.dbNumbers)
  }

  return {
    's7.device': (input: { id: string }) => s7Device(manager.driver(input.id)),
    's7.checkTag': (input: { address: string; dataType?: string }) => checkS7Tag(input.address, input.dataType),
    's7.tagSourcePreview': previewS7,
    's7.tagSourceImport': async (input: ParsedInputOf<'s7.tagSourceImport'>) => {
      const preview = await previewS7(input)
      const fresh = preview.tags.filter((t) => !t.taken).map((t) => t.tag)
      if (fresh.length === 0) {
        throw new WorkbenchError(
          'INVALID_INPUT',
          `S7 tag import ${preview.fileName}: every tag of the file is already on the connection — nothing was imported`,
        )
      }
      // One update: the connection is rebuilt with every new tag or, on any failure, left as it was.
      await manager.addTags(input.id, fresh)
      return { connectionId: input.id, imported: fresh.length, skipped: preview.tags.length - fresh.length + preview.skipped.length }
    },

    'tags.csvPreview': async (input: { source: TagCsvSource; mapping?: TagCsvMapping; connectionId?: string; previewRows?: number }) =>
      previewCsv(await readCsvSource(input.source), { mapping: input.mapping, target: targetConfig(input.connectionId), previewRows: input.previewRows }),

    'tags.csvImport': async (input: { source: TagCsvSource; mapping: TagCsvMapping; connectionId: string; skipErrors: boolean }) => {
      const file = await readCsvSource(input.source)
      const target = targetConfig(input.connectionId)!
      const converted = convertCsv(file.text, input.mapping, target)
      if (converted.errors.length > 0 && !input.skipErrors) {
        const first = converted.errors.slice(0, 3).map((e) => `line ${e.line}: ${e.message}`)
        throw new WorkbenchError(
          'INVALID_INPUT',
          `Tag CSV ${file.fileName}: ${converted.errors.length} of ${converted.rowCount} rows have errors (${first.join('; ')}) — nothing was imported; fix the file or the mapping, or leave those rows out`,
          { errors: converted.errors.slice(0, 500) },
        )
      }
      if (converted.tags.length === 0) throw new WorkbenchError('INVALID_INPUT', `Tag CSV ${file.fileName}: no row can be imported — nothing was imported`)
      // One update: the connection is rebuilt with every new tag or, on any failure, left as it was.
      await manager.addTags(input.connectionId, converted.tags)
      return { connectionId: input.connectionId, imported: converted.tags.length, skipped: converted.rowCount - converted.tags.length }
    },

    'tags.csvExport': exportTags,

    'certificates.own': () => manager.tools.opcua.ownCertificate(),
    'certificates.regenerate': () => manager.tools.opcua.regenerateOwnCertificate(),
    'certificates.remove': async (input: { thumbprint: string }) => {
      await manager.tools.opcua.removeCertificate(input.thumbprint)
      return { ok: true as const }
    },

    'connections.trafficExport': (input: { id: string; format: 'text' | 'csv' }) => {
      const log = manager.diagnostics(input.id).traffic
      const frames = log.entries().length
      const base = `${log.format.name}-traffic-${input.id}-${stamp()}`
      return input.format === 'csv'
        ? { fileName: `${base}.csv`, content: log.exportCsv(), frames }
        : { fileName: `${base}.txt`, content: log.exportText(), frames }
    },
    'connections.trafficClear': (input: { id: string }) => {
      manager.diagnostics(input.id).traffic.clear()
      return { ok: true as const }
    },
    'connections.countersReset': (input: { id: string }) => {
      manager.diagnostics(input.id).counters.reset()
      return { ok: true as const }
    },

    'modbus.scanUnits': (input: ParsedInputOf<'modbus.scanUnits'>, sink: StreamSink<EventOf<'modbus.scanUnits'>>) =>
      longTask(
        sink,
        async (signal) => {
          const session = modbusDriverOf(manager.driver(input.id)).scanSession()
          let reported = 0
          const report = await scanUnitIds(session, {
            from: input.from,
            to: input.to,
            timeoutMs: input.timeoutMs,
            probe: { table: input.table, offset: input.offset },
            signal,
            onProgress: progressReporter(sink, { intervalMs: 100 }),
            onResult: (result) => {
              reported++
              sink.emit({ kind: 'unit', ...result })
            },
          })
          for (const result of report.results.slice(reported)) sink.emit({ kind: 'unit', ...result })
          return { kind: 'done' as const, found: report.found, cancelled: report.cancelled }
        },
        { describeFailure: (error) => new WorkbenchError('UNAVAILABLE', `Modbus unit scan on ${input.id}: ${describeError(error)}`) },
      ),

    'modbus.scanRange': (input: ParsedInputOf<'modbus.scanRange'>, sink: StreamSink<EventOf<'modbus.scanRange'>>) =>
      longTask(
        sink,
        async (signal) => {
          const session = modbusDriverOf(manager.driver(input.id)).scanSession()
          const report = await scanRegisterRange(session, {
            unitId: input.unitId,
            table: input.table,
            from: input.start,
            to: input.start + input.count - 1,
            blockSize: input.blockSize,
            timeoutMs: input.timeoutMs,
            signal,
            onProgress: progressReporter(sink, { intervalMs: 100 }),
            onData: (offset, data) => sink.emit({ kind: 'data', offset, values: [...data] }),
          })
          return {
            kind: 'done' as const,
            answered: report.answered,
            rejected: report.rejected,
            cancelled: report.cancelled,
            ranges: report.ranges.map((r) => ({ from: r.from, to: r.to, status: r.status })),
          }
        },
        { describeFailure: (error) => new WorkbenchError('UNAVAILABLE', `Modbus register scan on ${input.id}: ${describeError(error)}`) },
      ),

    // Polls until the stream closes; a dropped link is a poll result (the monitor waits for the reconnect), a removed
    // connection ends it.
    'modbus.monitor': (input: ParsedInputOf<'modbus.monitor'>, sink: StreamSink<EventOf<'modbus.monitor'>>) => {
      modbusDriverOf(manager.driver(input.id))
      // One Modbus tools object serves modbus-tcp and modbus-rtu connections.
      return manager.tools['modbus-tcp'].monitor(() => manager.driver(input.id), {
        range: { unitId: input.unitId, table: input.table, start: input.start, quantity: input.quantity },
        pollMs: input.pollMs,
        onPoll: (poll) => sink.emit(poll),
        onEnd: (error) => sink.end(error),
      })
    },
  } satisfies Partial<Handlers>
}
