import type { NumberedMigration } from '../../database/numbered-migrations'
import { migration0001 } from './0001_downtime_events'

export type ProductionMigration = NumberedMigration

/** In order; add 0002_….ts, never edit an applied one. */
export const productionMigrations: readonly ProductionMigration[] = [migration0001]
