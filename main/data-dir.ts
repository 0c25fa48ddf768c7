import { homedir } from 'node:os'
import { join } from 'node:path'

/**
 * Where the app keeps its databases, PKI folders and settings when no host says otherwise:
 * OTW_DATA_DIR, else the platform's per-user config folder.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.OTW_DATA_DIR) return env.OTW_DATA_DIR
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'OT Workbench')
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'OT Workbench')
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'ot-workbench')
}
