// The ordered migrations of workbench.db; add a numbered file and list it here.
import type { Database } from '../../historian/sqlite'
import * as m0001 from './0001_connections'
import * as m0002 from './0002_write_audit'

export interface WorkbenchMigration {
  version: number
  name: string
  up(db: Database): void
  down(db: Database): void
}

export const workbenchMigrations: readonly WorkbenchMigration[] = [
  { name: '0001_connections', ...m0001 },
  { name: '0002_write_audit', ...m0002 },
]
