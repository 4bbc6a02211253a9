/**
 * A PostgreSQL pool: pg.Pool behind the shared ManagedPool (bounded acquire wait, graceful close).
 *
 * Values come back as pg gives them, except that nothing is parsed into a lossy or zone-shifted form:
 * int8 and numeric stay strings (pg's default: no precision lost), and date/time types stay the server's
 * text (pg would turn `timestamp without time zone` into a Date in this process's zone). The type parsers
 * are set per pool, never on pg's global registry, which the catalog shares.
 */
import crypto from 'node:crypto';
import pg from 'pg';
import type { ConnectionSettings, PoolLimits, QueryResult } from '../dialect.ts';
import { ManagedPool, type Driver } from '../managed-pool.ts';
import { connectTimedOut, errorMessage } from '../errors.ts';

export const POSTGRES_DEFAULT_PORT = 5432;
const MAX_NAMED = 1000;

// date, time, timestamp, timestamptz, timetz, interval, and their arrays are kept as text.
const TEXT_TYPES = new Set([1082, 1083, 1114, 1184, 1266, 1186]);
const TEXT_ARRAY_TYPES = new Set([1182, 1183, 1115, 1185, 1270, 1187]);
const TEXT_ARRAY = 1009;
type TypeId = Parameters<typeof pg.types.getTypeParser>[0];

const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (TEXT_TYPES.has(oid)) return (value: string) => value;
    return pg.types.getTypeParser((TEXT_ARRAY_TYPES.has(oid) ? TEXT_ARRAY : oid) as TypeId, format);
  }) as pg.CustomTypesConfig['getTypeParser'],
};

const NO_SSL_SUPPORT = 'The server does not support SSL connections';

function sslFor(mode: ConnectionSettings['sslMode']): pg.PoolConfig['ssl'] {
  switch (mode) {
    case 'prefer':
    case 'require':
      return { rejectUnauthorized: false };
    case 'verify-full':
      return true;
    default:
      return false;
  }
}

/**
 * The startup `options` string that sets search_path to one schema. The identifier is double-quoted (a
 * quote doubled), then backslash and whitespace are escaped, because the server splits `options` on spaces.
 */
export function searchPathOption(schema: string): string {
  const quoted = `"${schema.replaceAll('"', '""')}"`;
  return `-c search_path=${quoted.replace(/[\\\s]/g, (ch) => `\\${ch}`)}`;
}

function poolConfig(settings: ConnectionSettings, limits: PoolLimits, ssl: pg.PoolConfig['ssl']): pg.PoolConfig {
  const schema = settings.options?.['schema'];
  return {
    host: settings.host || 'localhost',
    port: settings.port ?? POSTGRES_DEFAULT_PORT,
    database: settings.database,
    user: settings.username ?? undefined,
    password: settings.password ?? undefined,
    ssl,
    max: Math.max(1, limits.size),
    connectionTimeoutMillis: limits.connectTimeoutMs,
    idleTimeoutMillis: 30_000,
    allowExitOnIdle: true,
    application_name: 'portico',
    statement_timeout: limits.statementTimeoutMs > 0 ? limits.statementTimeoutMs : undefined,
    options: typeof schema === 'string' && schema !== '' ? searchPathOption(schema) : undefined,
    types,
  };
}

function isConnectTimeout(err: unknown): boolean {
  const message = errorMessage(err);
  return message === 'timeout expired' || message.startsWith('Connection terminated due to connection timeout');
}

function toResult(result: pg.QueryResult | pg.QueryResult[]): QueryResult {
  // A multi-statement simple query answers with one result per statement; the last one is the answer.
  const last = Array.isArray(result) ? result[result.length - 1] : result;
  if (!last) return { rows: [], rowCount: 0 };
  return { rows: last.rows as Record<string, unknown>[], rowCount: last.rowCount ?? last.rows.length };
}

const guarded = new WeakSet<pg.PoolClient>();

class PostgresDriver implements Driver<pg.PoolClient> {
  readonly #settings: ConnectionSettings;
  readonly #limits: PoolLimits;
  #pool: pg.Pool;
  #sslFallbackDone = false;
  readonly #names = new Map<string, string>();

  constructor(settings: ConnectionSettings, limits: PoolLimits) {
    this.#settings = settings;
    this.#limits = limits;
    this.#pool = this.#build(sslFor(settings.sslMode));
  }

  #build(ssl: pg.PoolConfig['ssl']): pg.Pool {
    const pool = new pg.Pool(poolConfig(this.#settings, this.#limits, ssl));
    // An idle client whose server goes away emits 'error' on the pool; unhandled, it would end the process.
    pool.on('error', () => undefined);
    return pool;
  }

  get openConnections(): number {
    return this.#pool.totalCount;
  }

  /**
   * A name for a parameterised statement, so each connection parses and plans it once and then only binds
   * (pg keeps named statements per connection). Only the first MAX_NAMED distinct texts get a name, which
   * bounds what a connection holds when callers send ever-new SQL; the rest run unnamed.
   */
  #statementName(sql: string): string | undefined {
    let name = this.#names.get(sql);
    if (name === undefined && this.#names.size < MAX_NAMED) {
      name = `portico_${crypto.createHash('sha1').update(sql).digest('hex').slice(0, 24)}`;
      this.#names.set(sql, name);
    }
    return name;
  }

  async connect(): Promise<pg.PoolClient> {
    try {
      const client = await this.#pool.connect();
      if (!guarded.has(client)) {
        // A checked-out client that loses its server between statements emits 'error' too.
        client.on('error', () => undefined);
        guarded.add(client);
      }
      return client;
    } catch (err) {
      if (this.#settings.sslMode === 'prefer' && !this.#sslFallbackDone && errorMessage(err) === NO_SSL_SUPPORT) {
        // "prefer" means: SSL when the server offers it, plain otherwise (as libpq does).
        this.#sslFallbackDone = true;
        const old = this.#pool;
        this.#pool = this.#build(false);
        void old.end().catch(() => undefined);
        return this.connect();
      }
      if (isConnectTimeout(err)) {
        throw connectTimedOut(this.#settings, POSTGRES_DEFAULT_PORT, this.#limits.connectTimeoutMs);
      }
      throw err;
    }
  }

  run(client: pg.PoolClient, sql: string, params: readonly unknown[]): Promise<QueryResult> {
    const name = params.length > 0 ? this.#statementName(sql) : undefined;
    return new Promise((resolve, reject) => {
      // A Query made from the text (then named) rather than from a config object, which pg would copy
      // property by property on every call: measurable on the gateway's hot path.
      const query = new pg.Query(sql, params as unknown[], (err: Error | undefined, result: unknown) =>
        err ? reject(err) : resolve(toResult(result as pg.QueryResult | pg.QueryResult[])),
      );
      // pg's Query reads `name` when it is submitted (its typings omit the field).
      if (name) (query as { name?: string }).name = name;
      client.query(query);
    });
  }

  release(client: pg.PoolClient, failure: unknown, discard: boolean): void {
    // Passing an error destroys the client instead of returning a possibly broken session to the pool.
    if (discard) client.release(new Error('discarded after a failed rollback'));
    else client.release(failure !== undefined && isBrokenConnection(failure) ? toError(failure) : undefined);
  }

  end(): Promise<void> {
    return this.#pool.end();
  }
}

/** Errors after which the session is unusable: no SQLSTATE, or a connection-class SQLSTATE. */
function isBrokenConnection(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return true;
  return code.startsWith('08') || code.startsWith('57P') || /^E[A-Z]+$/.test(code);
}

function toError(err: unknown): Error {
  return err instanceof Error ? err : new Error(errorMessage(err));
}

export function createPostgresPool(
  settings: ConnectionSettings,
  limits: PoolLimits,
  describe: (err: unknown) => string,
): ManagedPool<pg.PoolClient> {
  return new ManagedPool(new PostgresDriver(settings, limits), limits, describe);
}
