// The ordered migrations of workbench.db; add a numbered file and list it here.
import type { NumberedMigration } from '../../database/numbered-migrations'
import * as m0001 from './0001_connections'
import * as m0002 from './0002_write_audit'
import * as m0003 from './0003_write_audit_address'
import * as m0004 from './0004_devices'

export type WorkbenchMigration = NumberedMigration

export const workbenchMigrations: readonly WorkbenchMigration[] = [
  { name: '0001_connections', ...m0001 },
  { name: '0002_write_audit', ...m0002 },
  { name: '0003_write_audit_address', ...m0003 },
  { name: '0004_devices', ...m0004 },
]
