// The tenant's schema as numbered migrations with up and down, in two flavours: plain PostgreSQL (declarative
// partitions by day, BRIN on time, a rollup table the sync maintains) and TimescaleDB (hypertable, compression,
// retention, a continuous aggregate). Both expose the same names, so the same queries work on either.
import type { SchemaChange, TenantFlavor } from '../../../preload/contract/tenant'

export interface MigrationContext {
  flavor: TenantFlavor['kind']
  /** Cluster-wide role names, prefixed by the database so two tenants on one server do not share roles. */
  writerRole: string
  readerRole: string
  /** TimescaleDB only: compress chunks older than this many days, drop raw data older than retentionDays. */
  compressAfterDays: number
  retentionDays: number
}

export interface TenantMigration {
  version: number
  name: string
  changes(ctx: MigrationContext): SchemaChange[]
  up(ctx: MigrationContext): string[]
  down(ctx: MigrationContext): string[]
}

export function migrationContext(database: string, flavor: TenantFlavor['kind']): MigrationContext {
  const prefix = database.toLowerCase().replace(/[^a-z0-9_]/g, '_')
  return { flavor, writerRole: `${prefix}_otw_writer`, readerRole: `${prefix}_otw_reader`, compressAfterDays: 7, retentionDays: 3650 }
}

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`

const create = (kind: SchemaChange['kind'], name: string): SchemaChange => ({ action: 'create', kind, name })

export const tenantMigrations: readonly TenantMigration[] = [
  {
    version: 1,
    name: 'sites, devices, tags and sensor_data',
    changes: (ctx) => [
      create('table', 'sites'),
      create('table', 'devices'),
      create('table', 'tags'),
      create('table', ctx.flavor === 'plain' ? 'sensor_data (partitioned by range of time, one partition a day)' : 'sensor_data (hypertable)'),
      create('index', 'sensor_data_key (device_id, tag_name, time, seq) unique'),
      create('index', ctx.flavor === 'plain' ? 'sensor_data_time_brin (BRIN on time)' : 'sensor_data_time_idx (hypertable default)'),
      ...(ctx.flavor === 'timescaledb' ? [create('policy', 'compression after 7 days'), create('policy', 'retention')] : []),
    ],
    up: (ctx) => [
      `CREATE TABLE sites (site_id text PRIMARY KEY, name text NOT NULL, isa95_path text, created_at timestamptz NOT NULL DEFAULT now())`,
      `CREATE TABLE devices (device_id text PRIMARY KEY, site_id text REFERENCES sites (site_id), name text NOT NULL, protocol text, address text, created_at timestamptz NOT NULL DEFAULT now())`,
      `CREATE TABLE tags (device_id text NOT NULL REFERENCES devices (device_id), tag_name text NOT NULL, isa95_path text, unit text, range_low double precision, range_high double precision, data_type text, source_protocol text, source_address text, PRIMARY KEY (device_id, tag_name))`,
      ctx.flavor === 'plain'
        ? `CREATE TABLE sensor_data (time timestamptz NOT NULL, device_id text NOT NULL, tag_name text NOT NULL, value double precision, quality smallint NOT NULL, seq integer NOT NULL DEFAULT 0, reason text) PARTITION BY RANGE (time)`
        : `CREATE TABLE sensor_data (time timestamptz NOT NULL, device_id text NOT NULL, tag_name text NOT NULL, value double precision, quality smallint NOT NULL, seq integer NOT NULL DEFAULT 0, reason text)`,
      ...(ctx.flavor === 'timescaledb' ? [`SELECT create_hypertable('sensor_data', 'time', chunk_time_interval => interval '1 day')`] : []),
      `CREATE UNIQUE INDEX sensor_data_key ON sensor_data (device_id, tag_name, time, seq)`,
      ...(ctx.flavor === 'plain'
        ? [`CREATE INDEX sensor_data_time_brin ON sensor_data USING brin (time)`]
        : [
            `ALTER TABLE sensor_data SET (timescaledb.compress, timescaledb.compress_segmentby = 'device_id, tag_name')`,
            `SELECT add_compression_policy('sensor_data', interval '${ctx.compressAfterDays} days')`,
            `SELECT add_retention_policy('sensor_data', interval '${ctx.retentionDays} days')`,
          ]),
    ],
    down: () => [`DROP TABLE sensor_data`, `DROP TABLE tags`, `DROP TABLE devices`, `DROP TABLE sites`],
  },
  {
    version: 2,
    name: 'hourly rollups (avg, min, max, count)',
    changes: (ctx) =>
      ctx.flavor === 'plain'
        ? [create('table', 'sensor_data_hourly_sums (maintained by the sync)'), create('view', 'sensor_data_hourly')]
        : [create('view', 'sensor_data_hourly (continuous aggregate)'), create('policy', 'continuous aggregate refresh hourly')],
    up: (ctx) =>
      ctx.flavor === 'plain'
        ? [
            `CREATE TABLE sensor_data_hourly_sums (device_id text NOT NULL, tag_name text NOT NULL, bucket timestamptz NOT NULL, count bigint NOT NULL, sum double precision NOT NULL, min double precision NOT NULL, max double precision NOT NULL, PRIMARY KEY (device_id, tag_name, bucket))`,
            `CREATE VIEW sensor_data_hourly AS SELECT device_id, tag_name, bucket, sum / count AS avg, min, max, count FROM sensor_data_hourly_sums`,
          ]
        : [
            `CREATE MATERIALIZED VIEW sensor_data_hourly WITH (timescaledb.continuous) AS SELECT device_id, tag_name, time_bucket(interval '1 hour', time) AS bucket, avg(value) AS avg, min(value) AS min, max(value) AS max, count(value) AS count FROM sensor_data WHERE value <> 'NaN' GROUP BY device_id, tag_name, bucket WITH NO DATA`,
            `SELECT add_continuous_aggregate_policy('sensor_data_hourly', start_offset => interval '3 days', end_offset => interval '1 hour', schedule_interval => interval '1 hour')`,
          ],
    down: (ctx) =>
      ctx.flavor === 'plain' ? [`DROP VIEW sensor_data_hourly`, `DROP TABLE sensor_data_hourly_sums`] : [`DROP MATERIALIZED VIEW sensor_data_hourly`],
  },
  {
    version: 3,
    name: 'a writer role for the sync and a read-only role for Grafana and BI',
    changes: (ctx) => [create('role', ctx.writerRole), create('role', ctx.readerRole), create('grant', 'writer: insert/select; reader: select')],
    up: (ctx) => {
      const tables = ctx.flavor === 'plain' ? 'sites, devices, tags, sensor_data, sensor_data_hourly_sums' : 'sites, devices, tags, sensor_data'
      return [
        `CREATE ROLE ${ident(ctx.writerRole)} NOLOGIN`,
        `CREATE ROLE ${ident(ctx.readerRole)} NOLOGIN`,
        `GRANT USAGE, CREATE ON SCHEMA public TO ${ident(ctx.writerRole)}`,
        `GRANT SELECT, INSERT, UPDATE ON ${tables} TO ${ident(ctx.writerRole)}`,
        `GRANT SELECT ON sensor_data_hourly TO ${ident(ctx.writerRole)}`,
        `GRANT USAGE ON SCHEMA public TO ${ident(ctx.readerRole)}`,
        `GRANT SELECT ON ${tables}, sensor_data_hourly TO ${ident(ctx.readerRole)}`,
      ]
    },
    down: (ctx) => [
      `DROP OWNED BY ${ident(ctx.writerRole)}, ${ident(ctx.readerRole)}`,
      `DROP ROLE ${ident(ctx.writerRole)}`,
      `DROP ROLE ${ident(ctx.readerRole)}`,
    ],
  },
]

export const latestTenantVersion = tenantMigrations.at(-1)!.version
