import type { NumberedMigration } from '../../database/numbered-migrations'
import { migration0001 } from './0001_downtime_events'
import { migration0002 } from './0002_settings_history'

export type ProductionMigration = NumberedMigration

/** In order; add 0002_….ts, never edit an applied one. */
export const productionMigrations: readonly ProductionMigration[] = [migration0001, migration0002]
