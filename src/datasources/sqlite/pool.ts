/**
 * A SQLite "pool": one better-sqlite3 connection, opened on first use, behind the shared ManagedPool with
 * a single permit. The permit is the async mutex that keeps statements of two transactions (or a plain
 * query and a transaction) from interleaving on the one connection; waiting for it is bounded by the
 * acquire timeout like any pool.
 *
 * No statement timeout: better-sqlite3 runs statements synchronously on the main thread and offers no way
 * to interrupt one, so `statementTimeoutMs` is ignored. Integers beyond 2^53 lose precision (the driver's
 * default number mode; its BigInt mode would not serialise to JSON).
 */
import Database from 'better-sqlite3';
import type { ConnectionSettings, PoolLimits, QueryResult } from '../dialect.ts';
import { ManagedPool, type Driver } from '../managed-pool.ts';

type Db = Database.Database;
type Statement = Database.Statement<unknown[], unknown>;

const STATEMENT_CACHE_SIZE = 200;

export function isMemoryPath(path: string): boolean {
  return path === ':memory:' || path === '';
}

function sqliteParam(value: unknown): unknown {
  if (value === undefined) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value instanceof Date) return value.toISOString();
  if (value !== null && typeof value === 'object' && !Buffer.isBuffer(value)) return JSON.stringify(value);
  return value;
}

class SqliteDriver implements Driver<Db> {
  readonly #settings: ConnectionSettings;
  readonly #limits: PoolLimits;
  #db: Db | null = null;
  #statements = new Map<string, Statement>();

  constructor(settings: ConnectionSettings, limits: PoolLimits) {
    this.#settings = settings;
    this.#limits = limits;
  }

  get openConnections(): number {
    return this.#db?.open ? 1 : 0;
  }

  #open(): Db {
    const path = this.#settings.database;
    const db = new Database(path, {
      readonly: this.#settings.options?.['readonly'] === true,
      fileMustExist: !isMemoryPath(path),
      // Waiting for another process's lock blocks the event loop (the driver sleeps synchronously): keep it short.
      timeout: Math.min(Math.max(this.#limits.acquireTimeoutMs, 0), 1000),
    });
    try {
      db.pragma('foreign_keys = ON');
      // Reading the schema now turns "not a database" into a connect error rather than a query error.
      db.prepare('SELECT count(*) FROM sqlite_master').get();
    } catch (err) {
      db.close();
      throw err;
    }
    return db;
  }

  async connect(): Promise<Db> {
    this.#db ??= this.#open();
    return this.#db;
  }

  #prepare(db: Db, sql: string): Statement {
    let statement = this.#statements.get(sql);
    if (statement) {
      // Move to the end: the map's order is least recently used first.
      this.#statements.delete(sql);
    } else {
      statement = db.prepare(sql);
      if (this.#statements.size >= STATEMENT_CACHE_SIZE) {
        const oldest = this.#statements.keys().next().value;
        if (oldest !== undefined) this.#statements.delete(oldest);
      }
    }
    this.#statements.set(sql, statement);
    return statement;
  }

  async run(db: Db, sql: string, params: readonly unknown[]): Promise<QueryResult> {
    const statement = this.#prepare(db, sql);
    const values = params.map(sqliteParam);
    if (statement.reader) {
      const rows = statement.all(...values) as Record<string, unknown>[];
      return { rows, rowCount: rows.length };
    }
    return { rows: [], rowCount: statement.run(...values).changes };
  }

  release(db: Db, _failure: unknown, discard: boolean): void {
    // Some errors end SQLite's transaction by themselves; make sure none stays open for the next user.
    if (discard && db.open && db.inTransaction) {
      try {
        db.exec('ROLLBACK');
      } catch {
        // Nothing left to roll back.
      }
    }
  }

  async end(): Promise<void> {
    this.#statements.clear();
    this.#db?.close();
    this.#db = null;
  }
}

export function createSqlitePool(
  settings: ConnectionSettings,
  limits: PoolLimits,
  describe: (err: unknown) => string,
): ManagedPool<Db> {
  return new ManagedPool(new SqliteDriver(settings, limits), limits, describe, 1);
}
