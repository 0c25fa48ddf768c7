// The ordered migrations of alarms.db; add a numbered file and list it here.
import type { NumberedMigration } from '../../../database/numbered-migrations'
import * as m0001 from './0001_alarms'
import * as m0002 from './0002_notifications'
import * as m0003 from './0003_two_phase_outbox'

export const alarmsMigrations: readonly NumberedMigration[] = [
  { name: '0001_alarms', ...m0001 },
  { name: '0002_notifications', ...m0002 },
  { name: '0003_two_phase_outbox', ...m0003 },
]
