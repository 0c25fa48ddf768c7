// The crash test's app stand-in: writes the tenant's retention hold into the historian (OTW_HOLD_HISTORIAN), prints
// "held", then syncs (OTW_HOLD_SYNC_DB, OTW_HOLD_TARGET: JSON, password in the environment) and prints a line per pass.
// Rate-limited (2,000 rows/s) so the test can kill it with SIGKILL mid-sync: cursors moved, the hold did not.
import { openHistorian } from '../historian'
import { refreshRetentionHold } from './retention-hold'
import { SyncCursorStore } from './sync-cursor-store'
import { TenantSync } from './tenant-sync'

const historian = openHistorian({ file: process.env.OTW_HOLD_HISTORIAN!, flushIntervalMs: 0, retentionIntervalMs: 0 })
const cursors = new SyncCursorStore(process.env.OTW_HOLD_SYNC_DB!)
await refreshRetentionHold(historian, cursors)
process.stdout.write('held\n')
const sync = new TenantSync({
  source: historian,
  cursors,
  target: JSON.parse(process.env.OTW_HOLD_TARGET!),
  batchRows: 500,
  horizonMs: 0,
  rateLimitRowsPerSecond: 2000,
})
for (;;) {
  const r = await sync.syncOnce()
  process.stdout.write(`pass ${r.rowsSent}\n`)
  if (r.rowsSent === 0 && r.rowsSkipped === 0) break
}
cursors.close()
historian.close()
