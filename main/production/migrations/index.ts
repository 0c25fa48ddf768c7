import type { Database } from '../../historian/sqlite'
import { migration0001 } from './0001_downtime_events'

export interface ProductionMigration {
  version: number
  name: string
  up(db: Database): void
  down(db: Database): void
}

/** In order; add 0002_….ts, never edit an applied one. */
export const productionMigrations: readonly ProductionMigration[] = [migration0001]
