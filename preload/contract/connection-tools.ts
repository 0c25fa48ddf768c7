import { z } from 'zod'
import { longTaskProgressSchema } from './schemas'

// The tools around connections: tag CSV import (with a column-mapping step) and export, Modbus scans, the traffic log
// and counters of Modbus and S7, and the OPC UA certificate manager.

const id = z.string().min(1).max(200)
const thumbprint = z.object({ thumbprint: z.string().min(1).max(200) }).strict()

/** Fields a CSV column can feed (the tag model's columns plus Kepware's scaling switch). */
export const TAG_CSV_FIELDS = [
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
  'scalingType',
  'access',
  'scanRateMs',
  'stringLength',
  'description',
] as const
export type TagCsvFieldName = (typeof TAG_CSV_FIELDS)[number]
export const TAG_CSV_FORMATS = ['otw', 'kepware', 'ignition', 'unknown'] as const

/** The file: its text as read in the page (file input, drag and drop), or a path on the host. */
export const tagCsvSourceSchema = z.union([
  z.object({ kind: z.literal('text'), fileName: z.string().max(500), text: z.string().max(3_500_000) }).strict(),
  z.object({ kind: z.literal('path'), path: z.string().trim().min(1).max(2000) }).strict(),
])
export type TagCsvSource = z.infer<typeof tagCsvSourceSchema>

export const tagCsvMappingSchema = z
  .object({
    format: z.enum(TAG_CSV_FORMATS),
    /** Field → header of the column that feeds it; absent = not imported. */
    columns: z.partialRecord(z.enum(TAG_CSV_FIELDS), z.string().max(200)),
    byteOrder: z.enum(['ABCD', 'BADC', 'CDAB', 'DCBA']).optional(),
    /** Ignition devices set to zero-based addressing. */
    ignitionZeroBased: z.boolean().optional(),
  })
  .strict()
export type TagCsvMapping = z.infer<typeof tagCsvMappingSchema>

export const tagCsvPreviewRowSchema = z.object({
  /** Line in the file (header = 1). */
  line: z.number(),
  cells: z.array(z.string()),
  /** The tag this row becomes, or why it cannot. */
  tag: z
    .object({ name: z.string(), address: z.string(), dataType: z.string(), access: z.string(), unit: z.string().optional(), byteOrder: z.string() })
    .optional(),
  error: z.string().optional(),
})

export const tagCsvPreviewSchema = z.object({
  fileName: z.string(),
  headers: z.array(z.string()),
  /** Which tool wrote the file, from its header row. */
  detectedFormat: z.enum(TAG_CSV_FORMATS),
  /** The mapping used for this preview: the suggested one unless one was given. */
  mapping: tagCsvMappingSchema,
  rowCount: z.number(),
  okCount: z.number(),
  errors: z.array(z.object({ line: z.number(), message: z.string() })),
  /** The first rows, each with the tag it becomes or its error. */
  rows: z.array(tagCsvPreviewRowSchema),
})
export type TagCsvPreview = z.infer<typeof tagCsvPreviewSchema>

export const ownCertificateSchema = z.object({
  subject: z.string(),
  issuer: z.string(),
  thumbprint: z.string(),
  notBefore: z.string(),
  notAfter: z.string(),
  applicationUri: z.string().optional(),
  /** Where the PKI folders (own, trusted, rejected) are. */
  pkiFolder: z.string(),
})
export type OwnCertificate = z.infer<typeof ownCertificateSchema>

export const connectionToolRequests = {
  /** Reads a tag CSV and shows what the mapping makes of it; nothing is imported. */
  'tags.csvPreview': {
    input: z
      .object({
        source: tagCsvSourceSchema,
        mapping: tagCsvMappingSchema.optional(),
        /** The target: rows are also checked against it (address form, names already taken). */
        connectionId: id.optional(),
        previewRows: z.number().int().min(1).max(500).optional(),
      })
      .strict(),
    output: tagCsvPreviewSchema,
  },
  /** Imports all rows into one connection, or nothing; with skipErrors the rows with errors are left out. */
  'tags.csvImport': {
    input: z.object({ source: tagCsvSourceSchema, mapping: tagCsvMappingSchema, connectionId: id, skipErrors: z.boolean().default(false) }).strict(),
    output: z.object({ connectionId: z.string(), imported: z.number(), skipped: z.number() }),
  },
  /** The tags (all, or the given ids) in the app's own CSV columns. */
  'tags.csvExport': {
    input: z
      .object({ tagIds: z.array(z.string().min(1).max(512)).max(100_000).optional() })
      .strict()
      .optional(),
    output: z.object({ fileName: z.string(), csv: z.string(), count: z.number() }),
  },
  /** The app's own OPC UA certificate (made on first use). */
  'certificates.own': { input: z.object({}).strict().optional(), output: ownCertificateSchema },
  'certificates.regenerate': { input: z.object({}).strict().optional(), output: ownCertificateSchema },
  /** Forgets a server certificate; the next connect records it as untrusted again. */
  'certificates.remove': { input: thumbprint, output: z.object({ ok: z.literal(true) }) },
  /** The whole traffic log of a Modbus or S7 connection as text (bus-monitor lines) or CSV. */
  'connections.trafficExport': {
    input: z.object({ id, format: z.enum(['text', 'csv']) }).strict(),
    output: z.object({ fileName: z.string(), content: z.string(), frames: z.number() }),
  },
  'connections.trafficClear': { input: z.object({ id }).strict(), output: z.object({ ok: z.literal(true) }) },
  /** Requests, responses, timeouts, the protocol's error counts and round-trip times start from zero again. */
  'connections.countersReset': { input: z.object({ id }).strict(), output: z.object({ ok: z.literal(true) }) },
} as const

const progress = longTaskProgressSchema

export const modbusUnitScanInputSchema = z
  .object({
    id,
    from: z.number().int().min(0).max(255).default(1),
    to: z.number().int().min(0).max(255).default(247),
    timeoutMs: z.number().int().min(20).max(10_000).default(300),
    table: z.enum(['hr', 'ir', 'co', 'di']).default('hr'),
    offset: z.number().int().min(0).max(65535).default(0),
  })
  .strict()
  .refine((s) => s.from <= s.to, { message: 'the first unit id must not be above the last', path: ['to'] })
export const modbusUnitScanEventSchema = z.discriminatedUnion('kind', [
  progress,
  z.object({ kind: z.literal('unit'), unitId: z.number(), status: z.enum(['answered', 'exception', 'silent']), detail: z.string() }),
  z.object({ kind: z.literal('done'), found: z.array(z.number()), cancelled: z.boolean() }),
])
export type ModbusUnitScanEvent = z.infer<typeof modbusUnitScanEventSchema>

export const modbusRangeScanInputSchema = z
  .object({
    id,
    unitId: z.number().int().min(0).max(255),
    table: z.enum(['hr', 'ir', 'co', 'di']),
    /** First 0-based offset. */
    start: z.number().int().min(0).max(65535),
    count: z.number().int().min(1).max(65536),
    blockSize: z.number().int().min(1).max(2000).optional(),
    timeoutMs: z.number().int().min(20).max(10_000).optional(),
  })
  .strict()
  .refine((s) => s.start + s.count - 1 <= 65535, { message: 'start + count goes past offset 65535', path: ['count'] })
export const modbusRangeScanEventSchema = z.discriminatedUnion('kind', [
  progress,
  /** Values that answered: register words (0..65535) or bits. */
  z.object({ kind: z.literal('data'), offset: z.number(), values: z.array(z.union([z.number(), z.boolean()])) }),
  z.object({
    kind: z.literal('done'),
    answered: z.number(),
    rejected: z.number(),
    cancelled: z.boolean(),
    ranges: z.array(z.object({ from: z.number(), to: z.number(), status: z.string() })),
  }),
])
export type ModbusRangeScanEvent = z.infer<typeof modbusRangeScanEventSchema>

/** Streams: progress and results as they come; closing the stream cancels the scan. */
export const connectionToolStreams = {
  'modbus.scanUnits': { kind: 'stream' as const, input: modbusUnitScanInputSchema, event: modbusUnitScanEventSchema },
  'modbus.scanRange': { kind: 'stream' as const, input: modbusRangeScanInputSchema, event: modbusRangeScanEventSchema },
}

/** Modbus Application Protocol limits per read: 2000 bits (FC1/FC2), 125 registers (FC3/FC4). */
export const MODBUS_MONITOR_MAX_QUANTITY = { co: 2000, di: 2000, hr: 125, ir: 125 } as const

export const modbusMonitorInputSchema = z
  .object({
    id,
    unitId: z.number().int().min(0).max(255),
    table: z.enum(['hr', 'ir', 'co', 'di']),
    /** First 0-based offset. */
    start: z.number().int().min(0).max(65535),
    quantity: z.number().int().min(1).max(2000),
    pollMs: z.number().int().min(100).max(3_600_000).default(1000),
  })
  .strict()
  .superRefine((s, ctx) => {
    const max = MODBUS_MONITOR_MAX_QUANTITY[s.table]
    if (s.quantity > max)
      ctx.addIssue({
        code: 'custom',
        path: ['quantity'],
        message: `at most ${max} ${s.table === 'co' || s.table === 'di' ? 'bits' : 'registers'} per read (function ${{ co: 1, di: 2, hr: 3, ir: 4 }[s.table]})`,
      })
    if (s.start + s.quantity - 1 > 65535) ctx.addIssue({ code: 'custom', path: ['quantity'], message: 'start + quantity goes past offset 65535' })
  })
export type ModbusMonitorInput = z.input<typeof modbusMonitorInputSchema>

const monitorCountersSchema = z.object({ polls: z.number(), ok: z.number(), errors: z.number(), exceptions: z.number(), timeouts: z.number() })

/** One poll of a register monitor: the words or bits, or why not (exception code and name, timeout, no connection). */
export const modbusMonitorEventSchema = z.object({
  kind: z.literal('poll'),
  seq: z.number(),
  status: z.enum(['ok', 'exception', 'timeout', 'crc', 'disconnected', 'protocol']),
  values: z.array(z.union([z.number(), z.boolean()])).optional(),
  exceptionCode: z.number().optional(),
  exceptionName: z.string().optional(),
  message: z.string().optional(),
  rttMs: z.number().optional(),
  counters: monitorCountersSchema,
})
export type ModbusMonitorEvent = z.infer<typeof modbusMonitorEventSchema>

const word = z.number().int().min(0).max(65535)
/**
 * A write from the register monitor: the words (or the coil) the cell showed and the ones to send. The host refuses,
 * and sends nothing, when the device no longer holds what was shown; it is armed and audited like a tag write.
 */
export const modbusMonitorWriteInputSchema = z
  .object({
    id,
    unitId: z.number().int().min(0).max(255),
    table: z.enum(['hr', 'co']),
    offset: z.number().int().min(0).max(65535),
    shown: z.union([z.array(word).min(1).max(123), z.tuple([z.boolean()])]),
    values: z.union([z.array(word).min(1).max(123), z.tuple([z.boolean()])]),
    /** How the cell shows the value (`float32 CDAB`) and the value in that format, for the audit log. */
    format: z.string().min(1).max(40),
    shownText: z.string().max(200),
    newText: z.string().max(200),
  })
  .strict()
  .superRefine((s, ctx) => {
    const bits = s.table === 'co'
    if (bits !== (typeof s.values[0] === 'boolean') || bits !== (typeof s.shown[0] === 'boolean'))
      ctx.addIssue({ code: 'custom', path: ['values'], message: bits ? 'a coil takes true or false' : 'holding registers take 16-bit words (0..65535)' })
    if (s.shown.length !== s.values.length) ctx.addIssue({ code: 'custom', path: ['values'], message: 'as many values as were shown' })
    if (s.offset + s.values.length - 1 > 65535) ctx.addIssue({ code: 'custom', path: ['values'], message: 'the write goes past offset 65535' })
  })
export type ModbusMonitorWriteInput = z.infer<typeof modbusMonitorWriteInputSchema>

export const modbusMonitorRequests = {
  'modbus.monitorWrite': {
    input: modbusMonitorWriteInputSchema,
    output: z.object({
      result: z.enum(['ok', 'mismatch']),
      readBack: z.array(z.union([z.number(), z.boolean()])),
      message: z.string(),
      auditId: z.number(),
    }),
  },
} as const

/** A polled view of one range; closing the stream stops the polls. Several per connection, on its own link. */
export const modbusMonitorStreams = {
  'modbus.monitor': { kind: 'stream' as const, input: modbusMonitorInputSchema, event: modbusMonitorEventSchema },
}
