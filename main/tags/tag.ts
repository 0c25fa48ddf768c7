import { z } from 'zod'
import { MODBUS_BYTE_ORDERS, MODBUS_DATA_TYPES, type TagInfo } from '../../preload/contract'

// The one tag model every connector (Modbus, OPC UA, MQTT), the historian and the UI share.

/** The register data types; defined once in the contract so the forms offer exactly what main accepts. */
export const DATA_TYPES = MODBUS_DATA_TYPES
export const DataType = z.enum(DATA_TYPES)
export type DataType = z.infer<typeof DataType>

/**
 * Byte order of a multi-register value, named by where the bytes of the big-endian value land
 * (A = most significant byte). The same four names apply to every width:
 *
 * | name | 16-bit | 32-bit | 64-bit   | meaning                                  |
 * |------|--------|--------|----------|------------------------------------------|
 * | ABCD | AB     | ABCD   | ABCDEFGH | big endian, high word first (Modbus std) |
 * | BADC | BA     | BADC   | BADCFEHG | bytes swapped inside each word           |
 * | CDAB | AB     | CDAB   | GHEFCDAB | words in reverse order (low word first)  |
 * | DCBA | BA     | DCBA   | HGFEDCBA | little endian                            |
 *
 * The 64-bit names are accepted as aliases and stored as their 4-letter family name.
 * For strings, ABCD/CDAB put the first character in the high byte, BADC/DCBA in the low byte.
 */
export const BYTE_ORDERS = MODBUS_BYTE_ORDERS
export const BYTE_ORDER_64_ALIASES = {
  ABCDEFGH: 'ABCD',
  BADCFEHG: 'BADC',
  GHEFCDAB: 'CDAB',
  HGFEDCBA: 'DCBA',
} as const satisfies Record<string, (typeof BYTE_ORDERS)[number]>

export const ByteOrder = z.preprocess(
  (input) =>
    typeof input === 'string' ? (BYTE_ORDER_64_ALIASES[input.trim().toUpperCase() as keyof typeof BYTE_ORDER_64_ALIASES] ?? input.trim().toUpperCase()) : input,
  z.enum(BYTE_ORDERS),
)
export type ByteOrder = (typeof BYTE_ORDERS)[number]

/** The 64-bit name of a byte order family, for display next to 64-bit tags. */
export function byteOrderName64(order: ByteOrder): keyof typeof BYTE_ORDER_64_ALIASES {
  const entry = Object.entries(BYTE_ORDER_64_ALIASES).find(([, family]) => family === order)
  return entry![0] as keyof typeof BYTE_ORDER_64_ALIASES
}

export const EngineeringRange = z.object({ low: z.number(), high: z.number() }).refine((r) => r.low < r.high, { message: 'range low must be below range high' })
export type EngineeringRange = z.infer<typeof EngineeringRange>

/** Linear scaling from the raw device value to engineering units. */
export const LinearScaling = z
  .object({ rawLow: z.number(), rawHigh: z.number(), engLow: z.number(), engHigh: z.number() })
  .refine((s) => s.rawLow !== s.rawHigh, { message: 'scaling rawLow and rawHigh must differ' })
  .refine((s) => s.engLow !== s.engHigh, { message: 'scaling engLow and engHigh must differ' })
export type LinearScaling = z.infer<typeof LinearScaling>

/** absolute: engineering units; percent: percent of the engineering range (high - low). */
export const Deadband = z.object({
  mode: z.enum(['absolute', 'percent']),
  value: z.number().nonnegative(),
})
export type Deadband = z.infer<typeof Deadband>

export const TagAccess = z.enum(['read', 'read-write'])
export type TagAccess = z.infer<typeof TagAccess>

// Folder names are joined with '/' in CSV and UI, so they cannot contain one; names are trimmed so
// hand-edited CSVs and exported ones agree.
const PathSegment = z
  .string()
  .trim()
  .min(1, 'path folders cannot be empty')
  .refine((s) => !s.includes('/'), { message: "path folders cannot contain '/'" })

export const Tag = z
  .object({
    id: z.string().trim().min(1),
    name: z.string().trim().min(1),
    /** ISA-95 folders: enterprise / site / area / line / work cell. */
    path: z.array(PathSegment).default([]),
    connectionId: z.string().trim().min(1),
    /** Protocol specific: `hr:99` for Modbus, a NodeId for OPC UA, a topic for MQTT. */
    address: z.string().trim().min(1),
    dataType: DataType,
    byteOrder: ByteOrder.default('ABCD'),
    engineeringUnit: z.string().trim().optional(),
    range: EngineeringRange.optional(),
    scaling: LinearScaling.optional(),
    deadband: Deadband.optional(),
    access: TagAccess.default('read'),
    description: z.string().default(''),
    /** Registers (2 characters each) a string occupies; required for string tags. */
    stringLength: z.number().int().positive().optional(),
    /** Poll period for polled protocols; the connection default applies when absent. */
    scanRateMs: z.number().int().positive().optional(),
  })
  .refine((t) => t.dataType !== 'string' || t.stringLength !== undefined, {
    message: 'string tags need stringLength (number of registers, 2 characters each)',
    path: ['stringLength'],
  })
  .refine((t) => t.dataType === 'string' || t.stringLength === undefined, {
    message: 'stringLength only applies to string tags',
    path: ['stringLength'],
  })
  .refine((t) => t.deadband?.mode !== 'percent' || t.range !== undefined || t.scaling !== undefined, {
    message: 'a percent deadband needs a range (or scaling) to take the percent of',
    path: ['deadband'],
  })
export type Tag = z.infer<typeof Tag>
export type TagInput = z.input<typeof Tag>

export const QualityStatus = z.enum(['good', 'uncertain', 'bad'])
export type QualityStatus = z.infer<typeof QualityStatus>

export const Quality = z.object({ status: QualityStatus, reason: z.string().optional() })
export type Quality = z.infer<typeof Quality>

/**
 * A sampled value. 64-bit integers outside Number.MAX_SAFE_INTEGER travel as decimal strings,
 * because bigint does not survive JSON (IPC, WebSocket, historian export).
 */
export const TagScalar = z.union([z.number(), z.boolean(), z.string()])
export type TagScalar = z.infer<typeof TagScalar>

export const TagValue = z.object({
  tagId: z.string().min(1),
  value: TagScalar.nullable(),
  quality: Quality,
  /** Epoch ms when the device (or server) took the sample. */
  sourceTime: z.number(),
  /** Epoch ms when the workstation received it. */
  receiveTime: z.number(),
  /** True when the value was not refreshed within its expected period. */
  stale: z.boolean().default(false),
})
export type TagValue = z.infer<typeof TagValue>

/** A bigint as a TagScalar: a number while exact, otherwise its decimal string. */
export function bigintToScalar(value: bigint): number | string {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString()
}

/** The full folder path and name, as shown in trees and used in CSV: `Site/Area/Line/Name`. */
export function tagFullPath(tag: Pick<Tag, 'path' | 'name'>): string {
  return [...tag.path, tag.name].join('/')
}

/** The contract's view of a tag, as the renderer's tag browser shows it. */
export function toTagInfo(tag: Tag): TagInfo {
  return {
    id: tag.id,
    name: tag.name,
    path: tag.path,
    connectionId: tag.connectionId,
    address: tag.address,
    dataType: tag.dataType,
    ...(tag.engineeringUnit === undefined ? {} : { unit: tag.engineeringUnit }),
    ...(tag.range === undefined ? {} : { range: tag.range }),
    ...(tag.scaling === undefined ? {} : { scaling: tag.scaling }),
    access: tag.access,
    ...(tag.description === '' ? {} : { description: tag.description }),
  }
}
