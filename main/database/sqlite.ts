// Loads better-sqlite3 (which ships no types here) behind the narrow interface the historian uses.
import { createRequire } from 'node:module'

export interface RunResult {
  changes: number
  lastInsertRowid: number | bigint
}

export interface Statement<Row = Record<string, unknown>> {
  run(...params: unknown[]): RunResult
  get(...params: unknown[]): Row | undefined
  all(...params: unknown[]): Row[]
  iterate(...params: unknown[]): IterableIterator<Row>
  raw(on?: boolean): Statement<unknown[]>
}

export interface Database {
  readonly name: string
  readonly open: boolean
  prepare<Row = Record<string, unknown>>(sql: string): Statement<Row>
  exec(sql: string): Database
  pragma(sql: string, options?: { simple?: boolean }): unknown
  transaction<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R
  close(): void
}

export interface DatabaseOptions {
  readonly?: boolean
  fileMustExist?: boolean
  timeout?: number
}

type DatabaseConstructor = new (file: string, options?: DatabaseOptions) => Database

const require = createRequire(import.meta.url)
const BetterSqlite3 = require('better-sqlite3') as DatabaseConstructor

export function openDatabase(file: string, options?: DatabaseOptions): Database {
  return new BetterSqlite3(file, options)
}

/** SQLite error code such as SQLITE_FULL, when the error came from SQLite. */
export function sqliteCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' ? code : undefined
}
