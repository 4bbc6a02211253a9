/**
 * Managed endpoints (API assignments) with their committed versions, and Jinja macros with theirs. A draft
 * lives on the endpoint or macro row; a version is an immutable snapshot of it; `published_version_id` says
 * which snapshot is live. Route keys stay in `route_keys` (owner_kind 'endpoint').
 */
import { PostgresAdapter, sql, type Kysely } from 'kysely';

const ID = 'varchar(36)';
const TIME = 'varchar(32)';

export async function up(db: Kysely<unknown>): Promise<void> {
  // Deleting a module deletes its endpoints (their route keys are released by the repository). A data source
  // in use by a draft cannot be deleted (no action): the repository checks first and answers 409.
  await db.schema
    .createTable('api_assignments')
    .addColumn('id', ID, (c) => c.primaryKey())
    .addColumn('module_id', ID, (c) => c.notNull().references('modules.id').onDelete('cascade'))
    .addColumn('name', 'varchar(255)', (c) => c.notNull())
    .addColumn('path', 'varchar(1024)', (c) => c.notNull())
    .addColumn('http_method', 'varchar(8)', (c) => c.notNull())
    .addColumn('execute_engine', 'varchar(16)', (c) => c.notNull().defaultTo('sql'))
    .addColumn('datasource_id', ID, (c) => c.references('datasources.id'))
    .addColumn('access_type', 'varchar(16)', (c) => c.notNull().defaultTo('private'))
    .addColumn('rate_limit_per_minute', 'integer')
    .addColumn('description', 'text')
    .addColumn('content', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('params', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('param_validates', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('result_transform', 'text')
    .addColumn('sort_order', 'integer', (c) => c.notNull().defaultTo(0))
    // The highest version number ever committed: numbers are never reused, even after a delete.
    .addColumn('last_version', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', TIME, (c) => c.notNull())
    .addColumn('updated_at', TIME, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('api_assignments_module').on('api_assignments').column('module_id').execute();
  await db.schema.createIndex('api_assignments_datasource').on('api_assignments').column('datasource_id').execute();

  // Versions keep the data source id as history, without a foreign key: an old snapshot must not pin a data
  // source forever. The repository refuses to publish a version whose data source is gone.
  await db.schema
    .createTable('api_assignment_versions')
    .addColumn('id', ID, (c) => c.primaryKey())
    .addColumn('api_assignment_id', ID, (c) => c.notNull().references('api_assignments.id').onDelete('cascade'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('content', 'text', (c) => c.notNull())
    .addColumn('params', 'text', (c) => c.notNull())
    .addColumn('param_validates', 'text', (c) => c.notNull())
    .addColumn('result_transform', 'text')
    .addColumn('datasource_id', ID)
    .addColumn('execute_engine', 'varchar(16)', (c) => c.notNull())
    .addColumn('commit_message', 'text')
    .addColumn('committed_by', 'varchar(255)')
    .addColumn('committed_at', TIME, (c) => c.notNull())
    .addUniqueConstraint('api_assignment_versions_number', ['api_assignment_id', 'version'])
    .execute();
  await db.schema
    .createIndex('api_assignment_versions_committed')
    .on('api_assignment_versions')
    .column('committed_at')
    .execute();
  // Added after the versions table exists (the two tables refer to each other). SQLite accepts a REFERENCES
  // clause in ADD COLUMN when the default is NULL; PostgreSQL needs the referenced table to exist.
  await db.schema
    .alterTable('api_assignments')
    .addColumn('published_version_id', ID, (c) => c.references('api_assignment_versions.id'))
    .execute();

  await db.schema
    .createTable('macro_defs')
    .addColumn('id', ID, (c) => c.primaryKey())
    .addColumn('module_id', ID, (c) => c.references('modules.id').onDelete('cascade'))
    .addColumn('name', 'varchar(255)', (c) => c.notNull())
    .addColumn('macro_type', 'varchar(16)', (c) => c.notNull().defaultTo('jinja'))
    .addColumn('content', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('description', 'text')
    .addColumn('last_version', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', TIME, (c) => c.notNull())
    .addColumn('updated_at', TIME, (c) => c.notNull())
    .addUniqueConstraint('macro_defs_module_name', ['module_id', 'name'])
    .execute();
  // NULLs are distinct in a unique constraint on both backends: global names need their own partial index.
  await db.schema
    .createIndex('macro_defs_global_name')
    .on('macro_defs')
    .column('name')
    .unique()
    .where(sql.ref('module_id'), 'is', null)
    .execute();

  await db.schema
    .createTable('macro_def_versions')
    .addColumn('id', ID, (c) => c.primaryKey())
    .addColumn('macro_def_id', ID, (c) => c.notNull().references('macro_defs.id').onDelete('cascade'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('content', 'text', (c) => c.notNull())
    .addColumn('commit_message', 'text')
    .addColumn('committed_by', 'varchar(255)')
    .addColumn('committed_at', TIME, (c) => c.notNull())
    .addUniqueConstraint('macro_def_versions_number', ['macro_def_id', 'version'])
    .execute();
  await db.schema
    .alterTable('macro_defs')
    .addColumn('published_version_id', ID, (c) => c.references('macro_def_versions.id'))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  // The tables refer to each other. PostgreSQL: drop the back references, then children before parents.
  // SQLite cannot drop a column that carries a foreign key, but dropping a parent first deletes its rows,
  // and the cascade takes the versions with them.
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  if (postgres) {
    await db.schema.alterTable('macro_defs').dropColumn('published_version_id').execute();
    await db.schema.alterTable('api_assignments').dropColumn('published_version_id').execute();
  }
  const order = postgres
    ? ['macro_def_versions', 'macro_defs', 'api_assignment_versions', 'api_assignments']
    : ['macro_defs', 'macro_def_versions', 'api_assignments', 'api_assignment_versions'];
  for (const t of order) await db.schema.dropTable(t).execute();
}
