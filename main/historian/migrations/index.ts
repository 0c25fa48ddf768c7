// The ordered list of schema migrations; add a new numbered file and list it here.
import type { Database } from '../sqlite';
import * as m0001 from './0001_tags_blocks';
import * as m0002 from './0002_rollups';
import * as m0003 from './0003_settings';
import * as m0004 from './0004_block_rollups';

export interface Migration {
  version: number;
  name: string;
  up(db: Database): void;
  down(db: Database): void;
}

export const migrations: readonly Migration[] = [
  { name: '0001_tags_blocks', ...m0001 },
  { name: '0002_rollups', ...m0002 },
  { name: '0003_settings', ...m0003 },
  { name: '0004_block_rollups', ...m0004 },
];
