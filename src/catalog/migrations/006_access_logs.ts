/**
 * Access records: one row per gateway outcome. No foreign keys on purpose: a record is history and must
 * neither pin nor disappear with the endpoint, module or client it names. Written in batches outside
 * `catalog.write` (they do not bump the catalog version), pruned by the retention setting.
 */
import type { Kysely } from 'kysely';

const ID = 'varchar(36)';
const TIME = 'varchar(32)';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('access_logs')
    .addColumn('id', ID, (c) => c.primaryKey())
    .addColumn('created_at', TIME, (c) => c.notNull())
    .addColumn('endpoint_id', 'varchar(255)')
    .addColumn('endpoint_version', 'integer')
    // The module's catalog id (the filter pyDBAPI calls module_id).
    .addColumn('module', 'varchar(255)')
    // The client's catalog row id (what client_groups refers to) and its name at the time.
    .addColumn('client_id', 'varchar(255)')
    .addColumn('client_name', 'varchar(255)')
    .addColumn('ip', 'varchar(64)', (c) => c.notNull())
    .addColumn('method', 'varchar(16)', (c) => c.notNull())
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('status', 'integer', (c) => c.notNull())
    // REAL affinity in SQLite, float8 in PostgreSQL.
    .addColumn('duration_ms', 'double precision', (c) => c.notNull())
    .addColumn('params', 'text')
    .addColumn('headers', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('body', 'text')
    .addColumn('request_id', 'varchar(128)', (c) => c.notNull())
    .addColumn('error_code', 'varchar(64)')
    .execute();
  await db.schema.createIndex('access_logs_created').on('access_logs').column('created_at').execute();
  await db.schema
    .createIndex('access_logs_endpoint_created')
    .on('access_logs')
    .columns(['endpoint_id', 'created_at'])
    .execute();
  await db.schema
    .createIndex('access_logs_client_created')
    .on('access_logs')
    .columns(['client_id', 'created_at'])
    .execute();
  await db.schema.createIndex('access_logs_status').on('access_logs').column('status').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('access_logs').execute();
}
