import type { NumberedMigration } from '../../../database/numbered-migrations'
import { migration0001 } from './0001_downtime_events'
import { migration0002 } from './0002_settings_history'
import { migration0003 } from './0003_no_data_state'
import { migration0004 } from './0004_several_lines'

export type ProductionMigration = NumberedMigration

/** In order; add 0004_….ts, never edit an applied one. */
export const productionMigrations: readonly ProductionMigration[] = [migration0001, migration0002, migration0003, migration0004]
