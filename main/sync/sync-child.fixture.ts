// A sync in its own process for the crash tests: OTW_SYNC_HISTORIAN, OTW_SYNC_DB, OTW_SYNC_TARGET (JSON, password inside
// the environment, never argv); prints one line per pass, exits when everything is sent.
import { openHistorian } from '../historian'
import { SyncCursorStore } from './sync-cursor-store'
import { TenantSync } from './tenant-sync'

const historian = openHistorian({ file: process.env.OTW_SYNC_HISTORIAN!, flushIntervalMs: 0, retentionIntervalMs: 0 })
const cursors = new SyncCursorStore(process.env.OTW_SYNC_DB!)
const sync = new TenantSync({
  source: historian,
  cursors,
  target: JSON.parse(process.env.OTW_SYNC_TARGET!),
  batchRows: Number(process.env.OTW_SYNC_BATCH ?? 2000),
  horizonMs: 0,
})
for (;;) {
  try {
    const r = await sync.syncOnce()
    process.stdout.write(`pass ${r.rowsSent} ${r.rowsSkipped}\n`)
    if (r.rowsSent === 0 && r.rowsSkipped === 0) break
  } catch (error) {
    process.stdout.write(`error ${(error as Error).message}\n`)
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}
cursors.close()
historian.close()
