// The ordered list of historian schema migrations, applied by the app's shared runner
// (main/database/numbered-migrations.ts) with the version in the file's own `schema_version` table.
// Add a new numbered file and list it here; never edit an applied one.
import type { NumberedMigration } from '../../database/numbered-migrations'
import * as m0001 from './0001_tags_blocks'
import * as m0002 from './0002_rollups'
import * as m0003 from './0003_settings'
import * as m0004 from './0004_block_rollups'
import * as m0005 from './0005_no_data_index'
import * as m0006 from './0006_retention_hold'

export type Migration = NumberedMigration

/** The table holding the historian file's schema version (the name historian files have always used). */
export const VERSION_TABLE = 'schema_version'

export const migrations: readonly Migration[] = [
  { name: '0001_tags_blocks', ...m0001 },
  { name: '0002_rollups', ...m0002 },
  { name: '0003_settings', ...m0003 },
  { name: '0004_block_rollups', ...m0004 },
  { name: '0005_no_data_index', ...m0005 },
  { name: '0006_retention_hold', ...m0006 },
]
