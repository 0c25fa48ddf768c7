import { z } from 'zod'
import { s7TagConfigSchema } from './connections'

// Siemens S7 beyond the connection itself: what the CPU says about itself and the blocks it lists, the address check
// the tag form runs as the engineer types, and tag import from a TIA Portal DB source or PLC tag table (preview first).

const id = z.string().min(1).max(200)

/** Rack/slot or TSAPs per CPU family, for the connection form's presets. */
export const S7_CPU_PRESETS = [
  { family: 'S7-1500', rack: 0, slot: 1, note: 'enable PUT/GET in the CPU protection settings; DBs non-optimized' },
  { family: 'S7-1200', rack: 0, slot: 1, note: 'enable PUT/GET in the CPU protection settings; DBs non-optimized' },
  { family: 'ET 200SP CPU', rack: 0, slot: 1, note: 'as S7-1500' },
  { family: 'S7-300', rack: 0, slot: 2, note: 'CPU in slot 2 of rack 0' },
  { family: 'S7-400', rack: 0, slot: 3, note: 'check the CPU slot in the hardware configuration (often 2 or 3)' },
  { family: 'WinAC / S7-PLCSIM Advanced', rack: 0, slot: 1, note: '' },
  { family: 'LOGO! 0BA7/0BA8', localTsap: '01.00', remoteTsap: '02.00', note: 'set up a server connection with these TSAPs in LOGO!Soft Comfort' },
  { family: 'S7-200 (CP 243-1)', localTsap: '4D.57', remoteTsap: '4D.57', note: 'the TSAPs configured in the CP wizard' },
] as const
export type S7CpuPreset = (typeof S7_CPU_PRESETS)[number]

/** The address syntax, for the tag form's help. */
export const S7_ADDRESS_HELP = [
  'DB1.DBX6.2  bit 2 of byte 6 of DB1 (BOOL)',
  'DB1.DBB7 · DB1.DBW4 · DB1.DBD0  byte, word, double word of DB1 (the data type says INT, REAL, …)',
  'M10.0 · MB10 · MW20 · MD24  memory (flags)',
  'I0.0 · IW64 · Q0.1 · QW80  process image inputs and outputs (E/A accepted)',
  'DB1.DBB40 with STRING[20], LREAL, DATE_AND_TIME  longer types by their first byte',
  'DB1,REAL0 · DB1,X6.2 · DB1,S10.20  nodes7 style',
] as const

/** The data types the S7 tag form offers (STRING[n] and WSTRING[n] are typed with their length). */
export const S7_FORM_DATA_TYPES = [
  'BOOL',
  'BYTE',
  'CHAR',
  'WORD',
  'INT',
  'DWORD',
  'DINT',
  'SINT',
  'USINT',
  'UINT',
  'UDINT',
  'REAL',
  'LREAL',
  'TIME',
  'DATE_AND_TIME',
  'STRING[20]',
  'WSTRING[20]',
] as const

export const s7CpuIdentitySchema = z.object({
  orderNumber: z.string().optional(),
  firmware: z.string().optional(),
  hardwareVersion: z.number().optional(),
  moduleName: z.string().optional(),
  moduleTypeName: z.string().optional(),
  serialNumber: z.string().optional(),
  systemName: z.string().optional(),
  plantId: z.string().optional(),
  copyright: z.string().optional(),
  memoryCardSerial: z.string().optional(),
  pduSize: z.number(),
  /** SZL lists the CPU refused or does not have. */
  unavailable: z.array(z.string()),
})

export const s7DeviceSchema = z.object({
  identity: s7CpuIdentitySchema,
  /** The DBs the CPU lists, with their sizes where it gives them; absent when it does not answer block functions. */
  dbs: z.array(z.object({ db: z.number(), size: z.number().optional() })).optional(),
  dbListProblem: z.string().optional(),
})
export type S7Device = z.infer<typeof s7DeviceSchema>

export const s7TagCheckSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), address: z.string(), dataType: z.string(), bytes: z.number(), description: z.string() }),
  z.object({ ok: z.literal(false), message: z.string() }),
])
export type S7TagCheckResult = z.infer<typeof s7TagCheckSchema>

/** A DB source (`.db`, `.scl`) or a PLC tag table (`.csv`): its text as read in the page, or a path on the host. */
export const s7TagSourceSchema = z.union([
  z.object({ kind: z.literal('text'), fileName: z.string().max(500), text: z.string().min(1).max(5_000_000) }).strict(),
  z.object({ kind: z.literal('path'), path: z.string().trim().min(1).max(2000) }).strict(),
])
export type S7TagSource = z.infer<typeof s7TagSourceSchema>

const tagSourceInput = z
  .object({
    id,
    source: s7TagSourceSchema,
    /** DB numbers by DB name, for TIA Portal sources that name DBs by symbol only. */
    dbNumbers: z.record(z.string().min(1).max(200), z.number().int().min(1).max(65_535)).optional(),
  })
  .strict()

export const s7TagSourcePreviewSchema = z.object({
  fileName: z.string(),
  format: z.enum(['db-source', 'tag-table']),
  /** The DBs of a DB source with the bytes each takes. */
  blocks: z.array(z.object({ name: z.string(), dbNumber: z.number(), size: z.number() })),
  /** Every tag the file becomes; `taken` when the connection already has a tag of that name (import leaves it out). */
  tags: z.array(z.object({ tag: s7TagConfigSchema, taken: z.boolean() })),
  /** Members and rows that do not become tags, with why. */
  skipped: z.array(z.object({ name: z.string(), reason: z.string(), line: z.number().optional() })),
})
export type S7TagSourcePreview = z.infer<typeof s7TagSourcePreviewSchema>

export const s7Requests = {
  /** What the CPU says about itself (order number, module name, serial, firmware) and the DBs it lists; needs the connection open. */
  's7.device': { input: z.object({ id }).strict(), output: s7DeviceSchema },
  /** Checks an S7 address and data type as typed; never an error, the reply says what is wrong. */
  's7.checkTag': {
    input: z.object({ address: z.string().max(200), dataType: z.string().max(60).optional() }).strict(),
    output: s7TagCheckSchema,
  },
  /** Reads a DB source or a PLC tag table and shows the tags it becomes with their offsets; nothing is imported. */
  's7.tagSourcePreview': { input: tagSourceInput, output: s7TagSourcePreviewSchema },
  /** Adds every tag of the file whose name the connection does not have yet, in one update. */
  's7.tagSourceImport': { input: tagSourceInput, output: z.object({ connectionId: z.string(), imported: z.number(), skipped: z.number() }) },
} as const
