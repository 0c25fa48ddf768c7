// Turns a failed write into a message that says what failed, on which file, and what to do.
import { sqliteCode } from '../database/sqlite'
import type { HistorianErrorEvent } from './types'

const ADVICE: Record<string, string> = {
  SQLITE_FULL: 'The disk (or the file size limit) is full: free disk space or move the project to a larger drive.',
  SQLITE_READONLY: 'The file is read-only: check its permissions and that the drive is not mounted read-only.',
  SQLITE_IOERR: 'The drive reported an I/O error: check the drive or network share.',
  SQLITE_BUSY: 'Another process holds the file locked: close other programs using this project.',
  SQLITE_CANTOPEN: 'The file cannot be opened: check that the folder still exists and is writable.',
}

export function describeFailure(
  operation: HistorianErrorEvent['operation'],
  file: string,
  cause: unknown,
  pendingSamples: number,
  retryInMs: number,
): HistorianErrorEvent {
  const code = sqliteCode(cause)
  const base = code ? (ADVICE[code] ?? ADVICE[code.replace(/_[A-Z]+$/, '')] ?? '') : ''
  const what = cause instanceof Error ? cause.message : String(cause)
  const message =
    `Historian ${operation} failed on ${file}: ${what}${code ? ` (${code})` : ''}. ` +
    `${pendingSamples.toLocaleString('en-US')} samples are kept in memory and nothing was dropped; retrying in ${Math.round(retryInMs / 1000)} s. ` +
    (base || 'Check the drive and the file permissions.')
  return { operation, file, code, message, pendingSamples, retryInMs, cause }
}
