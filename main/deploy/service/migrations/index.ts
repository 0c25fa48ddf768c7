// The ordered migrations of the deploy tables in workbench.db (their own version table); add a numbered file and list it here.
import type { NumberedMigration } from '../../../database/numbered-migrations'
import * as m0001 from './0001_deploy_targets_and_versions'

export const DEPLOY_SCHEMA_TABLE = 'deploy_schema_version'

export const deployMigrations: readonly NumberedMigration[] = [{ name: '0001_deploy_targets_and_versions', ...m0001 }]
