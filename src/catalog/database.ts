/**
 * Opens the catalog: Kysely over embedded SQLite (file in DATA_DIR) or PostgreSQL (DATABASE_URL), then
 * applies pending migrations. The rest of the code sees one Kysely<CatalogDatabase> whatever the backend.
 */
import path from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { Kysely, Migrator, PostgresDialect, SqliteDialect } from 'kysely';
import type { CatalogDatabase } from './schema.ts';
import { migrationProvider } from './migrations/index.ts';

export type CatalogKind = 'sqlite' | 'postgres';

/**
 * Pragmas of every connection to the SQLite catalog (the access-log writer's too). In WAL mode
 * `synchronous = NORMAL` cannot corrupt the file; a power cut may lose the last commits, not the file.
 */
export const SQLITE_PRAGMAS = ['journal_mode = WAL', 'synchronous = NORMAL', 'foreign_keys = ON', 'busy_timeout = 5000'] as const;

export interface CatalogConnection {
  db: Kysely<CatalogDatabase>;
  kind: CatalogKind;
  /** PostgreSQL URL when kind is postgres (the change notifier opens its own LISTEN connection). */
  url: string | null;
  /** Where the SQLite file is, for messages. */
  location: string;
}

export function connectCatalog(options: { databaseUrl: string | null; dataDir: string }): CatalogConnection {
  if (options.databaseUrl) {
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 10, application_name: 'portico-catalog' });
    // An idle connection the server ends (restart, failover) emits 'error' on the pool; unhandled, it would
    // end the process. The pool replaces it on the next query.
    pool.on('error', () => undefined);
    const u = new URL(options.databaseUrl);
    return {
      db: new Kysely<CatalogDatabase>({ dialect: new PostgresDialect({ pool }) }),
      kind: 'postgres',
      url: options.databaseUrl,
      location: `postgres://${u.host}${u.pathname}`,
    };
  }
  const file = path.join(options.dataDir, 'catalog.db');
  const sqlite = new SQLite(file);
  for (const pragma of SQLITE_PRAGMAS) sqlite.pragma(pragma);
  return {
    db: new Kysely<CatalogDatabase>({ dialect: new SqliteDialect({ database: sqlite }) }),
    kind: 'sqlite',
    url: null,
    location: file,
  };
}

/** Applies every pending migration; throws with the failing migration's name. */
export async function migrateCatalog(db: Kysely<CatalogDatabase>): Promise<string[]> {
  const migrator = new Migrator({ db, provider: migrationProvider });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`Catalog migration ${failed?.migrationName ?? ''} failed: ${reason}`);
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
