/**
 * A MySQL / MariaDB pool: mysql2's promise pool behind the shared ManagedPool, which supplies the bounded
 * wait for a free connection that mysql2 lacks (its queue waits forever).
 *
 * Statements with parameters go through `execute` (server-side prepared, cached per connection); a
 * statement the prepared protocol refuses is retried once through `query`, where mysql2 escapes the values
 * client-side (multipleStatements stays off, so an escaped value cannot start a second statement). Dates come back as strings (`dateStrings`), BIGINT and DECIMAL as strings
 * (no precision lost, like the PostgreSQL dialect).
 */
import mysql from 'mysql2/promise';
import type { ConnectionSettings, PoolLimits, QueryResult } from '../dialect.ts';
import { ManagedPool, type Driver } from '../managed-pool.ts';
import { connectTimedOut, errorCode } from '../errors.ts';

export const MYSQL_DEFAULT_PORT = 3306;
/**
 * Errors after which a parameterised statement is retried through `query`: ER_UNSUPPORTED_PS, and the parse
 * error MariaDB gives for a placeholder where the prepared protocol allows none (`SHOW TABLES LIKE ?`).
 * A statement that really is malformed fails the same way on the retry.
 */
const RETRY_AS_TEXT = new Set([1295, 1064]);

type Flavour = 'mariadb' | 'mysql';

function sslFor(mode: ConnectionSettings['sslMode']): mysql.PoolOptions['ssl'] {
  switch (mode) {
    case 'prefer':
    case 'require':
      return { rejectUnauthorized: false };
    case 'verify-full':
      return { rejectUnauthorized: true };
    default:
      return undefined;
  }
}

function poolOptions(settings: ConnectionSettings, limits: PoolLimits, ssl: mysql.PoolOptions['ssl']): mysql.PoolOptions {
  const size = Math.max(1, limits.size);
  return {
    host: settings.host || 'localhost',
    port: settings.port ?? MYSQL_DEFAULT_PORT,
    database: settings.database,
    user: settings.username ?? undefined,
    password: settings.password ?? undefined,
    ssl,
    connectionLimit: size,
    maxIdle: size,
    idleTimeout: 30_000,
    waitForConnections: true,
    queueLimit: 0,
    connectTimeout: limits.connectTimeoutMs,
    enableKeepAlive: true,
    charset: 'utf8mb4',
    dateStrings: true,
    supportBigNumbers: true,
    bigNumberStrings: true,
    multipleStatements: false,
  };
}

/** The statement that limits one session's statements; MySQL's limit covers read-only SELECTs only. */
export function statementTimeoutSql(flavour: Flavour, ms: number): string {
  return flavour === 'mariadb'
    ? `SET SESSION max_statement_time = ${(ms / 1000).toFixed(3)}`
    : `SET SESSION max_execution_time = ${Math.ceil(ms)}`;
}

function mysqlParam(value: unknown): unknown {
  if (value === undefined) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'bigint') return value.toString();
  if (value !== null && typeof value === 'object' && !(value instanceof Date) && !Buffer.isBuffer(value)) {
    return JSON.stringify(value);
  }
  return value;
}

function toResult(result: unknown): QueryResult {
  if (Array.isArray(result)) {
    // A CALL answers with [rows, header]: the first result set is the answer.
    const rows = (Array.isArray(result[0]) ? result[0] : result) as Record<string, unknown>[];
    return { rows, rowCount: rows.length };
  }
  const header = result as mysql.ResultSetHeader;
  return { rows: [], rowCount: header.affectedRows ?? 0 };
}

const prepared = new WeakSet<object>();

class MysqlDriver implements Driver<mysql.PoolConnection> {
  readonly #settings: ConnectionSettings;
  readonly #limits: PoolLimits;
  #pool: mysql.Pool;
  #sslFallbackDone = false;
  #flavour: Flavour | null = null;
  #ended = false;

  constructor(settings: ConnectionSettings, limits: PoolLimits) {
    this.#settings = settings;
    this.#limits = limits;
    this.#pool = this.#build(sslFor(settings.sslMode));
  }

  #build(ssl: mysql.PoolOptions['ssl']): mysql.Pool {
    const pool = mysql.createPool(poolOptions(this.#settings, this.#limits, ssl));
    pool.pool.on('error', () => undefined);
    return pool;
  }

  get openConnections(): number {
    if (this.#ended) return 0;
    // mysql2 keeps every open connection in `_allConnections` (not emptied by end()); there is no public count.
    const all = (this.#pool.pool as unknown as { _allConnections?: { length: number } })._allConnections;
    return all?.length ?? 0;
  }

  async connect(): Promise<mysql.PoolConnection> {
    let conn: mysql.PoolConnection;
    try {
      conn = await this.#pool.getConnection();
    } catch (err) {
      const code = errorCode(err);
      if (this.#settings.sslMode === 'prefer' && !this.#sslFallbackDone && code === 'HANDSHAKE_NO_SSL_SUPPORT') {
        this.#sslFallbackDone = true;
        const old = this.#pool;
        this.#pool = this.#build(undefined);
        void old.end().catch(() => undefined);
        return this.connect();
      }
      if (code === 'ETIMEDOUT') throw connectTimedOut(this.#settings, MYSQL_DEFAULT_PORT, this.#limits.connectTimeoutMs);
      throw err;
    }
    if (!prepared.has(conn.connection)) {
      try {
        await this.#prepareSession(conn);
        prepared.add(conn.connection);
      } catch (err) {
        conn.destroy();
        throw err;
      }
    }
    return conn;
  }

  async #prepareSession(conn: mysql.PoolConnection): Promise<void> {
    const ms = this.#limits.statementTimeoutMs;
    if (ms <= 0) return;
    if (!this.#flavour) {
      const [rows] = await conn.query('SELECT VERSION() AS v');
      const version = String((rows as Record<string, unknown>[])[0]?.['v'] ?? '');
      this.#flavour = /mariadb/i.test(version) ? 'mariadb' : 'mysql';
    }
    await conn.query(statementTimeoutSql(this.#flavour, ms));
  }

  async run(conn: mysql.PoolConnection, sql: string, params: readonly unknown[]): Promise<QueryResult> {
    if (params.length === 0) return toResult((await conn.query(sql))[0]);
    const values = params.map(mysqlParam);
    try {
      return toResult((await conn.execute(sql, values as never))[0]);
    } catch (err) {
      if (!RETRY_AS_TEXT.has((err as { errno?: number }).errno ?? 0)) throw err;
      return toResult((await conn.query(sql, values))[0]);
    }
  }

  release(conn: mysql.PoolConnection, failure: unknown, discard: boolean): void {
    const fatal = failure !== undefined && (failure as { fatal?: unknown } | null)?.fatal === true;
    if (discard || fatal) conn.destroy();
    else conn.release();
  }

  async end(): Promise<void> {
    await this.#pool.end();
    this.#ended = true;
  }
}

export function createMysqlPool(
  settings: ConnectionSettings,
  limits: PoolLimits,
  describe: (err: unknown) => string,
): ManagedPool<mysql.PoolConnection> {
  return new ManagedPool(new MysqlDriver(settings, limits), limits, describe);
}
