import { connectionConfigSchema, type ConnectionConfig } from '../../preload/contract'
import { joinSecrets, splitSecrets, type ConnectionSecrets } from './connection-secrets'
import type { SecretBox } from '../secrets/secret-box'
import type { Database } from './workbench-db'

export interface StoredConnection {
  id: string
  config: ConnectionConfig
  /** Why the sealed secrets could not be opened here (sealed by another host, e.g. the desktop app's safeStorage); the config then has none. */
  secretsUnreadable?: string
}

interface Row {
  id: string
  config_json: string
  sealed_secrets: string | null
}

/** Owns the SQL of the `connections` table; secrets go in sealed, never as plain text. */
export class ConnectionStore {
  constructor(
    private readonly db: Database,
    private readonly box: SecretBox,
  ) {}

  list(): StoredConnection[] {
    return this.db
      .prepare<Row>('SELECT id, config_json, sealed_secrets FROM connections ORDER BY created_at, id')
      .all()
      .map((row) => this.fromRow(row))
  }

  get(id: string): StoredConnection | undefined {
    const row = this.db.prepare<Row>('SELECT id, config_json, sealed_secrets FROM connections WHERE id = ?').get(id)
    return row ? this.fromRow(row) : undefined
  }

  /** Inserts or replaces; a secret left out of `config` keeps the stored one. */
  save(id: string, config: ConnectionConfig): StoredConnection {
    const previous = this.get(id)
    const split = splitSecrets(config)
    const secrets: ConnectionSecrets = { ...(previous ? splitSecrets(previous.config).secrets : {}), ...split.secrets }
    // Secrets this host cannot open stay sealed as they are unless new ones replace them: nothing is lost by an edit here.
    const keepUnreadable = previous?.secretsUnreadable !== undefined && Object.keys(split.secrets).length === 0
    const sealed = keepUnreadable ? this.sealedOf(id) : Object.keys(secrets).length === 0 ? null : this.box.seal(JSON.stringify(secrets))
    const now = Date.now()
    this.db
      .prepare(
        `INSERT INTO connections (id, name, kind, config_json, sealed_secrets, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, kind = excluded.kind, config_json = excluded.config_json,
           sealed_secrets = excluded.sealed_secrets, updated_at = excluded.updated_at`,
      )
      .run(id, config.name, config.protocol, JSON.stringify(split.config), sealed, now, now)
    return { id, config: joinSecrets(split.config, secrets) }
  }

  /** Copies the WAL into the database and empties it, so replaced rows (a plain-text secret) are gone from both files. */
  checkpointAndTruncateWal(): void {
    this.db.pragma('wal_checkpoint(TRUNCATE)')
  }

  remove(id: string): boolean {
    return this.db.prepare('DELETE FROM connections WHERE id = ?').run(id).changes > 0
  }

  private sealedOf(id: string): string | null {
    return this.db.prepare<{ sealed_secrets: string | null }>('SELECT sealed_secrets FROM connections WHERE id = ?').get(id)?.sealed_secrets ?? null
  }

  private fromRow(row: Row): StoredConnection {
    const config = connectionConfigSchema.parse(JSON.parse(row.config_json))
    if (!row.sealed_secrets) return { id: row.id, config }
    try {
      return { id: row.id, config: joinSecrets(config, JSON.parse(this.box.open(row.sealed_secrets)) as ConnectionSecrets) }
    } catch (error) {
      return { id: row.id, config, secretsUnreadable: error instanceof Error ? error.message : String(error) }
    }
  }
}
