// The ordered migrations of alarms.db; add a numbered file and list it here.
import type { NumberedMigration } from '../../../database/numbered-migrations'
import * as m0001 from './0001_alarms'

export const alarmsMigrations: readonly NumberedMigration[] = [{ name: '0001_alarms', ...m0001 }]
