/** Modules, the table-API specs imported into them, and the gateway's route keys (one owner per method + path). */
import type { Kysely } from 'kysely';

const ID = 'varchar(36)';
const TIME = 'varchar(32)';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('modules')
    .addColumn('id', ID, (c) => c.primaryKey())
    .addColumn('name', 'varchar(255)', (c) => c.notNull().unique())
    .addColumn('path_prefix', 'varchar(255)', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('sort_order', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('is_active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', TIME, (c) => c.notNull())
    .addColumn('updated_at', TIME, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('specs')
    .addColumn('id', ID, (c) => c.primaryKey())
    .addColumn('module_id', ID, (c) => c.notNull().unique().references('modules.id').onDelete('cascade'))
    .addColumn('filename', 'varchar(1024)')
    .addColumn('content', 'text', (c) => c.notNull())
    .addColumn('access_type', 'varchar(16)', (c) => c.notNull().defaultTo('private'))
    .addColumn('entity_count', 'integer', (c) => c.notNull())
    .addColumn('operation_count', 'integer', (c) => c.notNull())
    .addColumn('created_at', TIME, (c) => c.notNull())
    .addColumn('updated_at', TIME, (c) => c.notNull())
    .execute();

  // Method + full path (parameters written `{}`) is unique across the gateway, whoever serves it.
  await db.schema
    .createTable('route_keys')
    .addColumn('method', 'varchar(8)', (c) => c.notNull())
    .addColumn('path', 'varchar(1024)', (c) => c.notNull())
    .addColumn('owner_kind', 'varchar(16)', (c) => c.notNull())
    .addColumn('owner_id', ID, (c) => c.notNull())
    .addPrimaryKeyConstraint('route_keys_pkey', ['method', 'path'])
    .execute();
  await db.schema.createIndex('route_keys_owner').on('route_keys').columns(['owner_kind', 'owner_id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['route_keys', 'specs', 'modules']) await db.schema.dropTable(t).execute();
}
