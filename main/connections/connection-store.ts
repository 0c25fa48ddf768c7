import { connectionConfigSchema, type ConnectionConfig } from '../../preload/contract'
import { joinSecrets, splitSecrets, type ConnectionSecrets } from './connection-secrets'
import type { SecretBox } from '../secrets/secret-box'
import type { Database } from './workbench-db'

export interface StoredConnection {
  id: string
  config: ConnectionConfig
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
    const sealed = Object.keys(secrets).length === 0 ? null : this.box.seal(JSON.stringify(secrets))
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

  private fromRow(row: Row): StoredConnection {
    const config = connectionConfigSchema.parse(JSON.parse(row.config_json))
    const secrets = row.sealed_secrets ? (JSON.parse(this.box.open(row.sealed_secrets)) as ConnectionSecrets) : {}
    return { id: row.id, config: joinSecrets(config, secrets) }
  }
}
