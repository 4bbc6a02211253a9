/** Catalog version, administrators, roles and permissions, revoked tokens, data sources. */
import type { Kysely } from 'kysely';

// Column types that mean the same on SQLite and PostgreSQL.
const ID = 'varchar(36)';
const TIME = 'varchar(32)';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('catalog_version')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('version', 'bigint', (c) => c.notNull())
    .execute();
  await db.insertInto('catalog_version' as never).values({ id: 1, version: 1 } as never).execute();

  await db.schema
    .createTable('users')
    .addColumn('id', ID, (c) => c.primaryKey())
    .addColumn('username', 'varchar(255)', (c) => c.notNull().unique())
    .addColumn('email', 'varchar(255)')
    .addColumn('full_name', 'varchar(255)')
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('is_active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('is_superuser', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('tokens_valid_after', TIME, (c) => c.notNull())
    .addColumn('created_at', TIME, (c) => c.notNull())
    .addColumn('updated_at', TIME, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('roles')
    .addColumn('id', ID, (c) => c.primaryKey())
    .addColumn('name', 'varchar(255)', (c) => c.notNull().unique())
    .addColumn('description', 'text')
    .addColumn('is_system', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', TIME, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('user_roles')
    .addColumn('user_id', ID, (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('role_id', ID, (c) => c.notNull().references('roles.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('user_roles_pkey', ['user_id', 'role_id'])
    .execute();

  await db.schema
    .createTable('role_permissions')
    .addColumn('id', ID, (c) => c.primaryKey())
    .addColumn('role_id', ID, (c) => c.notNull().references('roles.id').onDelete('cascade'))
    .addColumn('resource_type', 'varchar(64)', (c) => c.notNull())
    .addColumn('action', 'varchar(64)', (c) => c.notNull())
    .addColumn('resource_id', ID)
    .execute();
  await db.schema
    .createIndex('role_permissions_lookup')
    .on('role_permissions')
    .columns(['role_id', 'resource_type', 'action'])
    .execute();

  await db.schema
    .createTable('revoked_tokens')
    .addColumn('jti', ID, (c) => c.primaryKey())
    .addColumn('expires_at', TIME, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('datasources')
    .addColumn('id', ID, (c) => c.primaryKey())
    .addColumn('name', 'varchar(255)', (c) => c.notNull().unique())
    .addColumn('product_type', 'varchar(32)', (c) => c.notNull())
    .addColumn('host', 'varchar(255)')
    .addColumn('port', 'integer')
    .addColumn('database', 'varchar(1024)', (c) => c.notNull())
    .addColumn('username', 'varchar(255)')
    .addColumn('password_encrypted', 'text')
    .addColumn('ssl_mode', 'varchar(32)', (c) => c.notNull().defaultTo('disable'))
    .addColumn('options', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('description', 'text')
    .addColumn('is_active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', TIME, (c) => c.notNull())
    .addColumn('updated_at', TIME, (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['datasources', 'revoked_tokens', 'role_permissions', 'user_roles', 'roles', 'users', 'catalog_version']) {
    await db.schema.dropTable(t).execute();
  }
}
