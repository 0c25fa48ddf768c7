// The ordered migrations of alarms.db; add a numbered file and list it here.
import type { NumberedMigration } from '../../../database/numbered-migrations'
import * as m0001 from './0001_alarms'
import * as m0002 from './0002_notifications'

export const alarmsMigrations: readonly NumberedMigration[] = [
  { name: '0001_alarms', ...m0001 },
  { name: '0002_notifications', ...m0002 },
]
