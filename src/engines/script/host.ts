/**
 * The host side of one script call: what `db`, `tx`, `http`, `cache` and `log` do, reached from the isolate
 * through one dispatch function that takes and returns JSON text. Database work runs on one connection held
 * for the call, inside a transaction (opened on first use) that the engine commits when the call succeeds and
 * rolls back when it fails; `tx.*` cuts it into explicit transactions on the same connection.
 *
 * Errors never carry driver text or stacks: database errors are the dialect's classification, service errors
 * keep their message and code, anything else is logged and reported plainly.
 */
import type { Dialect, Pool, QueryResult, Session } from '../../datasources/dialect.ts';
import type { EngineLogger } from '../engine.ts';
import { AppError } from '../../errors.ts';
import { ScriptServiceError } from './errors.ts';
import type { ScriptCache } from './cache.ts';
import type { ScriptHttp, ScriptHttpRequest } from './http.ts';

export interface ScriptLogEntry {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  time: string;
}

export interface ScriptStatement {
  sql: string;
  values: unknown[];
  rowCount: number;
  ms: number;
}

/** What one request's script runs (validators, the script, the transform) leave behind, for debug. */
export interface ScriptTrace {
  logs: ScriptLogEntry[];
  statements: ScriptStatement[];
}

export const newTrace = (): ScriptTrace => ({ logs: [], statements: [] });

const MAX_LOGS = 1000;
const MAX_LOG_CHARS = 8000;
const MAX_STATEMENTS = 1000;

/** What the isolate gets back from one host call. */
type Reply = { ok: true; value: unknown } | { ok: false; message: string; code?: string; status?: number };

export interface HostServices {
  pool?: Pool;
  dialect?: Dialect;
  http?: () => ScriptHttp;
  cache?: () => ScriptCache;
  log?: EngineLogger;
  /** Name of the endpoint (or transform/validator) for server log lines. */
  label: string;
  trace: ScriptTrace;
}

const ROLLBACK = Symbol('rollback');

interface Held {
  session: Session;
  /** Ends the transaction: COMMIT when `commit`, ROLLBACK otherwise; resolves when the connection is back. */
  end(commit: boolean): Promise<void>;
}

/** Opens a transaction that stays open (holding its connection) until `end` is called. */
function holdTransaction(pool: Pool): Promise<Held> {
  return new Promise((resolve, reject) => {
    let finish!: (commit: boolean) => void;
    const gate = new Promise<void>((ok, no) => {
      finish = (commit) => (commit ? ok() : no(ROLLBACK));
    });
    gate.catch(() => undefined);
    const done = pool.transaction(async (session) => {
      resolve({
        session,
        end: async (commit) => {
          finish(commit);
          try {
            await done;
          } catch (err) {
            if (err !== ROLLBACK) throw err;
          }
        },
      });
      await gate;
    });
    done.catch((err: unknown) => reject(err));
  });
}

const stringify = (value: unknown): string => JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v));

const plain = (message: string, code?: string): Reply => ({ ok: false, message, ...(code ? { code } : {}) });

export class CallHost {
  readonly #services: HostServices;
  readonly #abort = new AbortController();
  #held: Promise<Held> | null = null;
  #explicit = false;
  #dirty = false;
  #closed = false;

  constructor(services: HostServices) {
    this.#services = services;
  }

  /** Stops outstanding HTTP calls and refuses further work (timeout, memory, end of call). */
  abort(): void {
    this.#closed = true;
    this.#abort.abort();
  }

  /** Commits (`ok`) or rolls back whatever transaction the call left open; refuses work from then on. */
  async finish(ok: boolean): Promise<void> {
    this.#closed = true;
    const held = this.#held;
    this.#held = null;
    if (!held) return;
    let tx: Held;
    try {
      tx = await held;
    } catch {
      return; // never opened: the error already reached the script
    }
    try {
      await tx.end(ok);
    } catch (err) {
      if (!ok) return;
      throw this.#dbError(err);
    }
  }

  readonly log = (level: string, message: string): void => {
    const { trace, log, label } = this.#services;
    const lvl = (['debug', 'info', 'warn', 'error'] as const).find((l) => l === level) ?? 'info';
    const text = typeof message === 'string' ? message.slice(0, MAX_LOG_CHARS) : '';
    if (trace.logs.length < MAX_LOGS) trace.logs.push({ level: lvl, message: text, time: new Date().toISOString() });
    log?.[lvl]({ script: label }, text);
  };

  readonly dispatch = async (op: string, argsJson: string): Promise<string> => {
    let reply: Reply;
    try {
      if (this.#closed) reply = plain('The script call has already ended.', 'script_ended');
      else reply = await this.#run(op, JSON.parse(argsJson) as unknown[]);
    } catch (err) {
      reply = this.#serviceError(err, op);
    }
    try {
      return stringify(reply);
    } catch {
      return stringify(plain('The value cannot be passed to the script.'));
    }
  };

  async #run(op: string, args: unknown[]): Promise<Reply> {
    switch (op) {
      case 'db.query':
      case 'db.queryOne':
      case 'db.execute': {
        const result = await this.#query(args[0], args[1]);
        if ('ok' in result) return result;
        const value = op === 'db.query' ? result.rows : op === 'db.queryOne' ? (result.rows[0] ?? null) : { rowCount: result.rowCount, rows: result.rows };
        return { ok: true, value };
      }
      case 'tx.begin':
      case 'tx.commit':
      case 'tx.rollback':
        return this.#tx(op);
      case 'http':
        return this.#http(args);
      case 'cache.get':
      case 'cache.set':
      case 'cache.delete':
      case 'cache.exists':
      case 'cache.incr':
      case 'cache.decr':
        return this.#cache(op, args);
      default:
        return plain(`Unknown host call ${op}`);
    }
  }

  #session(): Promise<Held> {
    const { pool } = this.#services;
    if (!pool) return Promise.reject(new AppError(400, 'no_database', 'This script has no database to use here.'));
    this.#held ??= holdTransaction(pool);
    return this.#held;
  }

  async #query(sql: unknown, params: unknown): Promise<QueryResult | Reply> {
    if (typeof sql !== 'string' || sql.trim() === '') return plain('db: the first argument must be the SQL text', 'invalid_argument');
    if (params !== undefined && params !== null && !Array.isArray(params)) {
      return plain('db: the second argument must be a list of values for the placeholders', 'invalid_argument');
    }
    const values = (params ?? []) as unknown[];
    const started = performance.now();
    try {
      const { session } = await this.#session();
      const result = await session.query(sql, values);
      this.#dirty = true;
      this.#record(sql, values, result.rowCount, started);
      return result;
    } catch (err) {
      this.#record(sql, values, 0, started);
      return this.#dbReply(err);
    }
  }

  #record(sql: string, values: unknown[], rowCount: number, started: number): void {
    const { statements } = this.#services.trace;
    if (statements.length < MAX_STATEMENTS) statements.push({ sql, values, rowCount, ms: Math.round((performance.now() - started) * 100) / 100 });
  }

  async #tx(op: 'tx.begin' | 'tx.commit' | 'tx.rollback'): Promise<Reply> {
    if (op === 'tx.begin' && this.#explicit) return plain('tx.begin(): a transaction is already open', 'transaction_open');
    if (op !== 'tx.begin' && !this.#explicit) return plain(`${op}(): no transaction is open; call tx.begin() first`, 'no_transaction');
    try {
      const { session } = await this.#session();
      if (op === 'tx.begin') {
        // Work done before begin() is committed, so rollback() undoes only what came after it.
        if (this.#dirty) await this.#restart(session, 'COMMIT');
        this.#explicit = true;
      } else {
        await this.#restart(session, op === 'tx.commit' ? 'COMMIT' : 'ROLLBACK');
        this.#explicit = false;
      }
      this.#dirty = false;
      return { ok: true, value: null };
    } catch (err) {
      return this.#dbReply(err);
    }
  }

  /** Ends the connection's transaction and opens the next one, keeping the connection. */
  async #restart(session: Session, end: 'COMMIT' | 'ROLLBACK'): Promise<void> {
    await session.query(end, []);
    await session.query('BEGIN', []);
  }

  async #http(args: unknown[]): Promise<Reply> {
    const [method, url, options] = args as [ScriptHttpRequest['method'], unknown, Record<string, unknown> | undefined];
    if (typeof url !== 'string') return plain('http: the first argument must be the URL', 'invalid_argument');
    const o = options !== null && typeof options === 'object' ? options : {};
    const factory = this.#services.http;
    if (!factory) return plain('http is not available here', 'http_unavailable');
    const request: ScriptHttpRequest = { method, url };
    if (o.headers && typeof o.headers === 'object') request.headers = o.headers as Record<string, string>;
    if (o.query && typeof o.query === 'object') request.query = o.query as Record<string, string>;
    if (o.body !== undefined) request.body = o.body;
    const timeout = o.timeoutMs ?? o.timeout;
    if (typeof timeout === 'number') request.timeoutMs = timeout;
    const response = await factory().request(request, this.#abort.signal);
    return { ok: true, value: response };
  }

  async #cache(op: string, args: unknown[]): Promise<Reply> {
    const factory = this.#services.cache;
    if (!factory) return plain('cache is not available here', 'cache_unavailable');
    const key = args[0];
    if (typeof key !== 'string' || key === '') return plain('cache: the key must be non-empty text', 'invalid_argument');
    const cache = factory();
    const by = typeof args[1] === 'number' ? args[1] : undefined;
    switch (op) {
      case 'cache.get':
        return { ok: true, value: (await cache.get(key)) ?? null };
      case 'cache.set': {
        const ttl = typeof args[2] === 'number' ? args[2] : undefined;
        await cache.set(key, args[1] === undefined ? null : args[1], ttl);
        return { ok: true, value: null };
      }
      case 'cache.delete':
        return { ok: true, value: await cache.delete(key) };
      case 'cache.exists':
        return { ok: true, value: await cache.exists(key) };
      case 'cache.incr':
        return { ok: true, value: await cache.incr(key, by) };
      default:
        return { ok: true, value: await cache.decr(key, by) };
    }
  }

  #dbError(err: unknown): AppError {
    if (err instanceof AppError) return err;
    const dialect = this.#services.dialect;
    const c = dialect ? dialect.classifyError(err) : { status: 500, code: 'database_error', message: 'The database could not run the statement.' };
    return new AppError(c.status, c.code, c.message);
  }

  #dbReply(err: unknown): Reply {
    const e = this.#dbError(err);
    return { ok: false, message: e.message, code: e.code, status: e.status };
  }

  #serviceError(err: unknown, op: string): Reply {
    if (err instanceof ScriptServiceError) return plain(err.message, err.code);
    if (err instanceof AppError) return { ok: false, message: err.message, code: err.code, status: err.status };
    if (this.#abort.signal.aborted) return plain('The script call has already ended.', 'script_ended');
    this.#services.log?.error({ script: this.#services.label, op, err: err instanceof Error ? err.message : String(err) }, 'script host call failed');
    return plain(`${op.split('.')[0]}: the call failed`, 'host_error');
  }
}
