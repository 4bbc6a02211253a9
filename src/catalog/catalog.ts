/** The catalog as the rest of the code uses it: a Kysely handle, writes that announce changes, health. */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { CatalogDatabase } from './schema.ts';
import { connectCatalog, migrateCatalog, type CatalogKind } from './database.ts';
import { CatalogNotifier, type CatalogChange } from './notifier.ts';
import { postgresAccessLogWriter, sqliteAccessLogWriter, type AccessLogWriter } from './access-log-writer.ts';

export type Changed = (entity: string, id: string | null) => void;

/** The tables of the objects a role may hold per-object permissions on, by the entity names writes report. */
const OBJECT_TABLES = {
  datasource: 'datasources',
  module: 'modules',
  endpoint: 'api_assignments',
  macro: 'macro_defs',
  group: 'groups',
  client: 'clients',
} as const;

/**
 * Per-object permissions live as long as their object: when a write reports an object that no longer exists,
 * every role permission naming it goes in the same transaction (whichever path deleted it, cascades included).
 */
async function forgetPermissionsOfDeleted(trx: Transaction<CatalogDatabase>, entity: string, id: string | null): Promise<void> {
  const table = OBJECT_TABLES[entity as keyof typeof OBJECT_TABLES];
  if (!table || !id) return;
  const exists = await trx.selectFrom(table).select('id').where('id', '=', id).executeTakeFirst();
  if (!exists) await trx.deleteFrom('role_permissions').where('resource_id', '=', id).execute();
}

export class Catalog {
  readonly db: Kysely<CatalogDatabase>;
  readonly kind: CatalogKind;
  readonly location: string;
  readonly notifier: CatalogNotifier;
  #poll: NodeJS.Timeout | null = null;
  #seenVersion = 0;
  #accessLogWriter: AccessLogWriter | null = null;

  constructor(db: Kysely<CatalogDatabase>, kind: CatalogKind, location: string, notifier: CatalogNotifier) {
    this.db = db;
    this.kind = kind;
    this.location = location;
    this.notifier = notifier;
  }

  /**
   * Runs `fn` in one transaction. Whatever `fn` reports through `changed` bumps the catalog version in that
   * same transaction and is announced once it has committed; a rollback announces nothing.
   */
  async write<T>(fn: (trx: Transaction<CatalogDatabase>, changed: Changed) => Promise<T>): Promise<T> {
    const announced: CatalogChange[] = [];
    const result = await this.db.transaction().execute(async (trx) => {
      const pending: [string, string | null][] = [];
      const value = await fn(trx, (entity, id) => pending.push([entity, id]));
      for (const [entity, id] of pending) {
        await forgetPermissionsOfDeleted(trx, entity, id);
        announced.push(await this.notifier.record(trx, entity, id));
      }
      return value;
    });
    for (const change of announced) {
      this.#seenVersion = Math.max(this.#seenVersion, change.version);
      this.notifier.announce(change);
    }
    return result;
  }

  /**
   * An embedded (SQLite) catalog has no NOTIFY: another process writing the same file (`portico import`
   * while the server runs) is noticed by watching the version, and announced as a change of everything.
   */
  async watchForeignWrites(intervalMs = 1000): Promise<void> {
    if (this.kind !== 'sqlite' || this.#poll) return;
    this.#seenVersion = await this.version();
    this.#poll = setInterval(() => {
      this.version().then(
        (v) => {
          if (v <= this.#seenVersion) return;
          this.#seenVersion = v;
          this.notifier.announce({ version: v, entity: '*', id: null, origin: 'catalog-file' });
        },
        () => undefined,
      );
    }, intervalMs);
    this.#poll.unref();
  }

  /** Where access-record batches go (see access-log-writer.ts); made on first use, ended by `close`. */
  get accessLogWriter(): AccessLogWriter {
    this.#accessLogWriter ??= this.kind === 'sqlite' ? sqliteAccessLogWriter(this.location) : postgresAccessLogWriter(this.db);
    return this.#accessLogWriter;
  }

  async version(): Promise<number> {
    const row = await this.db.selectFrom('catalog_version').select('version').where('id', '=', 1).executeTakeFirst();
    return Number(row?.version ?? 0);
  }

  /** Throws when the catalog cannot answer. */
  async ping(): Promise<void> {
    await sql`select 1`.execute(this.db);
  }

  async close(): Promise<void> {
    if (this.#poll) clearInterval(this.#poll);
    // Made now if never used, so that writes after close are refused rather than reopening the file.
    await this.accessLogWriter.close();
    await this.notifier.stop();
    await this.db.destroy();
  }
}

export async function openCatalog(
  options: { databaseUrl: string | null; dataDir: string },
  log?: { warn(obj: object, msg?: string): void },
): Promise<Catalog> {
  const conn = connectCatalog(options);
  try {
    await migrateCatalog(conn.db);
  } catch (err) {
    await conn.db.destroy();
    throw err;
  }
  const notifier = new CatalogNotifier(conn.kind, conn.url, log);
  const catalog = new Catalog(conn.db, conn.kind, conn.location, notifier);
  try {
    await notifier.start();
  } catch (err) {
    await catalog.close();
    throw err;
  }
  return catalog;
}

export const now = (): string => new Date().toISOString();
export const flag = (b: boolean): 0 | 1 => (b ? 1 : 0);
