import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { NodeRedAdminCheck } from './node-red-admin-probe'

/** In the data folder's top level, so a session bundle carries it (see session-bundle.ts). */
export const NODE_RED_CHECKS_FILE = 'node-red-admin-checks.json'

const RESULTS = new Set(['open', 'login', 'unreachable', 'not-node-red'])

/** One saved answer, or undefined for an entry that is not one (a hand-edited or older file is read, not trusted). */
function asCheck(raw: unknown): NodeRedAdminCheck | undefined {
  const c = raw as Partial<NodeRedAdminCheck> | null
  if (!c || typeof c.url !== 'string' || typeof c.source !== 'string' || typeof c.evidence !== 'string') return undefined
  if (!RESULTS.has(c.result as string) || typeof c.checkedAt !== 'number' || !Number.isFinite(c.checkedAt)) return undefined
  return {
    url: c.url,
    source: c.source,
    result: c.result!,
    evidence: c.evidence,
    checkedAt: c.checkedAt,
    ...(typeof c.version === 'string' ? { version: c.version } : {}),
  }
}

/**
 * The Node-RED admin-API answers a recording got, newest per editor, kept in the session so a report on the imported
 * session shows them with when they were asked. An imported session reads it and never writes.
 */
export class NodeRedCheckLog {
  private readonly file: string

  constructor(
    dataDir: string,
    readonly readOnly: boolean,
  ) {
    this.file = join(dataDir, NODE_RED_CHECKS_FILE)
  }

  list(): NodeRedAdminCheck[] {
    if (!existsSync(this.file)) return []
    try {
      const saved = JSON.parse(readFileSync(this.file, 'utf8')) as { checks?: unknown }
      return (Array.isArray(saved.checks) ? saved.checks : []).flatMap((c) => asCheck(c) ?? [])
    } catch {
      // An unreadable file is no evidence; the report then shows what it asks now.
      return []
    }
  }

  /** Keeps these answers, replacing the older answer of the same editor. */
  record(checks: readonly NodeRedAdminCheck[]): void {
    if (this.readOnly || checks.length === 0) return
    const byUrl = new Map(this.list().map((c) => [c.url, c]))
    for (const c of checks) byUrl.set(c.url, { ...c, whileRecording: undefined })
    const all = [...byUrl.values()].sort((a, b) => a.url.localeCompare(b.url))
    // Written beside and renamed: a crash mid-write leaves the previous answers, not half a file.
    const tmp = `${this.file}.tmp`
    writeFileSync(tmp, JSON.stringify({ format: 'otw-node-red-checks/1', checks: all }, null, 2))
    renameSync(tmp, this.file)
  }
}
