import { readCpuIdentity, type S7CpuIdentity } from './s7-identity'
import type { S7Session } from './s7-session'

// What `otw browse s7://…` and the connection's detail show: the CPU's identity and the DBs it lists, where it answers.

export interface S7DbEntry {
  db: number
  /** Length in bytes from the block info, where the CPU gives it. */
  size?: number
}

export interface S7BrowseResult {
  identity: S7CpuIdentity
  /** Undefined when the CPU does not answer block functions (S7-1200/1500 over PUT/GET usually do not). */
  dbs?: S7DbEntry[]
  dbListProblem?: string
}

/** Block info per DB costs one request each; beyond this many DBs only the numbers are listed. */
const MAX_SIZED_DBS = 200

export async function browseS7(session: S7Session): Promise<S7BrowseResult> {
  const identity = await readCpuIdentity(session)
  const list = await session.listDbs()
  if (list.errorCode !== 0) {
    return {
      identity,
      dbListProblem: `the CPU does not list its blocks (error 0x${list.errorCode.toString(16).padStart(4, '0')}) — S7-1200/1500 do not over PUT/GET; take the DB numbers from TIA Portal`,
    }
  }
  const dbs: S7DbEntry[] = []
  for (const db of list.numbers) {
    const info = dbs.length < MAX_SIZED_DBS ? await session.dbSize(db) : { errorCode: 1 }
    dbs.push(info.size === undefined ? { db } : { db, size: info.size })
  }
  return { identity, dbs }
}
