/**
 * Gateway clients (applications exchanging `client_id`/`client_secret` for a token), groups of clients, and
 * the grants that let them call private endpoints: per endpoint (API assignment) or per module (every route of
 * the module, generated table routes included). A grant row names exactly one of the two.
 */
import { sql, type Kysely } from 'kysely';

const ID = 'varchar(36)';
const TIME = 'varchar(32)';

const ONE_TARGET = sql`(api_assignment_id is null) <> (module_id is null)`;

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('clients')
    .addColumn('id', ID, (c) => c.primaryKey())
    .addColumn('name', 'varchar(255)', (c) => c.notNull().unique())
    .addColumn('client_id', 'varchar(128)', (c) => c.notNull().unique())
    .addColumn('secret_hash', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('rate_limit_per_minute', 'integer')
    .addColumn('max_concurrent', 'integer')
    .addColumn('token_expire_seconds', 'integer', (c) => c.notNull().defaultTo(3600))
    .addColumn('is_active', 'integer', (c) => c.notNull().defaultTo(1))
    // Gateway tokens issued before this time are refused (secret regenerated, client deactivated).
    .addColumn('tokens_valid_after', TIME, (c) => c.notNull())
    .addColumn('created_at', TIME, (c) => c.notNull())
    .addColumn('updated_at', TIME, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('groups')
    .addColumn('id', ID, (c) => c.primaryKey())
    .addColumn('name', 'varchar(255)', (c) => c.notNull().unique())
    .addColumn('description', 'text')
    .addColumn('is_active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', TIME, (c) => c.notNull())
    .addColumn('updated_at', TIME, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('client_groups')
    .addColumn('client_id', ID, (c) => c.notNull().references('clients.id').onDelete('cascade'))
    .addColumn('group_id', ID, (c) => c.notNull().references('groups.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('client_groups_pkey', ['client_id', 'group_id'])
    .execute();
  await db.schema.createIndex('client_groups_group').on('client_groups').column('group_id').execute();

  // Deleting an endpoint or a module deletes the grants that name it.
  for (const [table, owner, ownerTable] of [
    ['group_grants', 'group_id', 'groups'],
    ['client_grants', 'client_id', 'clients'],
  ] as const) {
    await db.schema
      .createTable(table)
      .addColumn('id', ID, (c) => c.primaryKey())
      .addColumn(owner, ID, (c) => c.notNull().references(`${ownerTable}.id`).onDelete('cascade'))
      .addColumn('api_assignment_id', ID, (c) => c.references('api_assignments.id').onDelete('cascade'))
      .addColumn('module_id', ID, (c) => c.references('modules.id').onDelete('cascade'))
      .addCheckConstraint(`${table}_one_target`, ONE_TARGET)
      .execute();
    await db.schema.createIndex(`${table}_owner`).on(table).column(owner).execute();
    await db.schema.createIndex(`${table}_endpoint`).on(table).column('api_assignment_id').execute();
    await db.schema.createIndex(`${table}_module`).on(table).column('module_id').execute();
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['client_grants', 'group_grants', 'client_groups', 'groups', 'clients']) {
    await db.schema.dropTable(t).execute();
  }
}
