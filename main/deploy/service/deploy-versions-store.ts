// Owns the SQL of deploy_targets and deploy_versions in workbench.db; secrets go in sealed, never as plain text.
import type { DeployTarget, DeployVersion, FlowDiffView, VerifyReport } from '../../../preload/contract'
import { migrate } from '../../database/numbered-migrations'
import type { Database } from '../../database/sqlite'
import type { SecretBox } from '../../secrets/secret-box'
import type { DeployedTag } from '../node-red/gateway-flow'
import type { NodeRedNode } from '../node-red/node-red-flow'
import { DEPLOY_SCHEMA_TABLE, deployMigrations } from './migrations'

/** A target's secrets, sealed together. */
export interface TargetSecrets {
  password?: string
  token?: string
  gatewayPassword?: string
  readerPassword?: string
}

export interface StoredTarget {
  config: Omit<DeployTarget, 'auth' | 'broker'> & {
    auth: { kind: 'none' | 'password' | 'token'; username?: string }
    broker: { url: string; gatewayAddress?: string; gatewayUsername?: string; readerUsername?: string }
  }
  secrets: TargetSecrets
}

export interface StoredVersion extends DeployVersion {
  /** The tab as deployed (without credentials): what a rollback deploys again. */
  tab: NodeRedNode[]
  rev?: string
}

export function migrateDeployTables(db: Database, target?: number): number {
  return migrate(db, deployMigrations, DEPLOY_SCHEMA_TABLE, target)
}

interface TargetRow {
  id: string
  config_json: string
  sealed_secrets: string | null
}

interface VersionRow {
  id: number
  target_id: string
  version: number
  kind: 'apply' | 'rollback'
  user: string
  created_at: number
  summary: string
  status: DeployVersion['status']
  tab_json: string
  tags_json: string
  diff_json: string
  drift_choice: 'keep-theirs' | 'overwrite' | null
  verify_json: string | null
  rev: string | null
  rolled_back_to: number | null
}

export class DeployVersionsStore {
  constructor(
    private readonly db: Database,
    private readonly box: SecretBox,
  ) {
    migrateDeployTables(db)
  }

  targets(): StoredTarget[] {
    return this.db
      .prepare<TargetRow>('SELECT id, config_json, sealed_secrets FROM deploy_targets ORDER BY created_at, id')
      .all()
      .map((row) => this.targetOf(row))
  }

  target(id: string): StoredTarget | undefined {
    const row = this.db.prepare<TargetRow>('SELECT id, config_json, sealed_secrets FROM deploy_targets WHERE id = ?').get(id)
    return row ? this.targetOf(row) : undefined
  }

  saveTarget(target: StoredTarget, now = Date.now()): void {
    const sealed = Object.values(target.secrets).some((v) => v !== undefined) ? this.box.seal(JSON.stringify(target.secrets)) : null
    this.db
      .prepare(
        `INSERT INTO deploy_targets (id, name, kind, config_json, sealed_secrets, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, config_json = excluded.config_json, sealed_secrets = excluded.sealed_secrets, updated_at = excluded.updated_at`,
      )
      .run(target.config.id, target.config.name, target.config.kind, JSON.stringify(target.config), sealed, now, now)
  }

  removeTarget(id: string): boolean {
    return this.db.prepare('DELETE FROM deploy_targets WHERE id = ?').run(id).changes > 0
  }

  versions(targetId: string, limit = 100): StoredVersion[] {
    return this.db.prepare<VersionRow>('SELECT * FROM deploy_versions WHERE target_id = ? ORDER BY version DESC LIMIT ?').all(targetId, limit).map(versionOf)
  }

  version(targetId: string, version: number): StoredVersion | undefined {
    const row = this.db.prepare<VersionRow>('SELECT * FROM deploy_versions WHERE target_id = ? AND version = ?').get(targetId, version)
    return row ? versionOf(row) : undefined
  }

  /** The newest version: what the workbench last put on the gateway. */
  latest(targetId: string): StoredVersion | undefined {
    return this.versions(targetId, 1)[0]
  }

  addVersion(entry: Omit<StoredVersion, 'id' | 'version'>): StoredVersion {
    return this.db.transaction(() => {
      const next = (this.db.prepare<{ v: number | null }>('SELECT max(version) AS v FROM deploy_versions WHERE target_id = ?').get(entry.targetId)?.v ?? 0) + 1
      const result = this.db
        .prepare(
          `INSERT INTO deploy_versions (target_id, version, kind, user, created_at, summary, status, tab_json, tags_json, diff_json, drift_choice, verify_json, rev, rolled_back_to)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          entry.targetId,
          next,
          entry.kind,
          entry.user,
          entry.createdAt,
          entry.summary,
          entry.status,
          JSON.stringify(entry.tab),
          JSON.stringify(entry.tags),
          JSON.stringify(entry.diff),
          entry.driftChoice ?? null,
          entry.verify ? JSON.stringify(entry.verify) : null,
          entry.rev ?? null,
          entry.rolledBackTo ?? null,
        )
      return { ...entry, id: Number(result.lastInsertRowid), version: next }
    })()
  }

  /** A failed apply that was rolled back by itself: it says so, and which version runs now. */
  markRolledBack(id: number, rolledBackTo: number): void {
    this.db.prepare("UPDATE deploy_versions SET status = 'rolled-back', rolled_back_to = ? WHERE id = ?").run(rolledBackTo, id)
  }

  private targetOf(row: TargetRow): StoredTarget {
    return {
      config: JSON.parse(row.config_json) as StoredTarget['config'],
      secrets: row.sealed_secrets ? (JSON.parse(this.box.open(row.sealed_secrets)) as TargetSecrets) : {},
    }
  }
}

function versionOf(row: VersionRow): StoredVersion {
  const tab = JSON.parse(row.tab_json) as NodeRedNode[]
  return {
    id: row.id,
    targetId: row.target_id,
    version: row.version,
    kind: row.kind,
    user: row.user,
    createdAt: row.created_at,
    summary: row.summary,
    status: row.status,
    diff: JSON.parse(row.diff_json) as FlowDiffView,
    driftChoice: row.drift_choice ?? undefined,
    verify: row.verify_json ? (JSON.parse(row.verify_json) as VerifyReport) : undefined,
    nodeCount: tab.length,
    tags: JSON.parse(row.tags_json) as DeployedTag[],
    tab,
    rev: row.rev ?? undefined,
    rolledBackTo: row.rolled_back_to ?? undefined,
  }
}
